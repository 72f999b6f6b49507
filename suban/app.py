"""The platform's ASGI app: API, web chat, console, and the background work they need."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from backend.api.errors import install_error_handlers
from backend.api.router import api_router
from backend.rasa.client import RasaClient
from backend.settings import Settings, get_settings
from bot.webchat.routes import router as webchat_router
from storage.db import create_db_engine, create_session_factory
from storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the platform app; nothing connects until the app starts."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade_to_head(database_url=settings.database_url)
        engine = create_db_engine(settings.database_url)
        app.state.engine = engine
        app.state.session_factory = create_session_factory(engine)
        async with httpx.AsyncClient(timeout=settings.rasa_timeout_seconds) as http:
            app.state.http = http
            app.state.rasa = RasaClient(
                http=http, base_url=settings.rasa_url, token=settings.rasa_token
            )
            log.info("Suban platform ready on %s", settings.public_base_url)
            yield
        engine.dispose()

    app = FastAPI(
        title="Suban 速办",
        description="Citizens' demands taken in through chat, routed, tracked and rated.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(webchat_router)
    return app
