"""The platform's ASGI app: API, web chat, console, and the background work they need."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from backend.api.errors import install_error_handlers
from backend.api.http_hygiene import LimitRequestBody, RefuseControlCharacters, SecurityHeaders
from backend.api.router import api_router
from backend.nluloop.processes import stop_all as stop_training_processes
from backend.nluloop.trainings import fail_abandoned
from backend.rasa.client import RasaClient, rasa_base_urls
from backend.scheduler import start_background_jobs
from backend.seed import seed_reference_data
from backend.settings import Settings, get_settings
from bot.channels import running_channels
from bot.telegram.webhook import router as telegram_webhook_router
from bot.webchat.routes import router as webchat_router
from console.app import install_console
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
        with app.state.session_factory.begin() as session:
            seed_reference_data(session=session)
            # a training cut off by a stop failed: free the slot for the next one
            fail_abandoned(session=session)
        async with httpx.AsyncClient(timeout=settings.rasa_timeout_seconds) as http:
            app.state.http = http
            first, *more = rasa_base_urls(rasa_url=settings.rasa_url, rasa_urls=settings.rasa_urls)
            app.state.rasa = RasaClient(
                http=http,
                base_url=first,
                token=settings.rasa_token,
                action_server_url=settings.action_server_url,
                health_timeout_seconds=settings.health_timeout_seconds,
                more_urls=more,
            )
            async with running_channels(
                settings=settings, rasa=app.state.rasa, session_factory=app.state.session_factory
            ) as channels:
                app.state.telegram = channels.telegram
                app.state.outbox_deliverer = channels.deliverer
                app.state.gate = channels.gate
                jobs = start_background_jobs(
                    settings=settings,
                    session_factory=app.state.session_factory,
                    deliver=app.state.outbox_deliverer,
                    release_held=channels.release_held,
                )
                app.state.background_jobs = jobs
                log.info("Suban platform ready on %s", settings.public_base_url)
                yield
                if jobs is not None:
                    await jobs.stop()
        # a training's processes run in a group of their own, which a stop of the platform's
        # group misses: stopped here (the training's row fails, as at the next start anyway)
        if stopped := await asyncio.to_thread(stop_training_processes):
            log.info("stopped %d NLU training process(es)", stopped)
        engine.dispose()

    app = FastAPI(
        title="Suban 速办",
        description="Citizens' demands taken in through chat, routed, tracked and rated.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.outbox_deliverer = None  # the chat channels' deliverer, set at start-up
    app.state.telegram = None  # the Telegram bot, when TELEGRAM_BOT_TOKEN is set
    install_error_handlers(app)
    app.add_middleware(LimitRequestBody, max_bytes=settings.max_request_bytes)
    app.add_middleware(RefuseControlCharacters)
    install_console(app, settings)  # its session cookie, error pages, routes, static files
    app.add_middleware(SecurityHeaders)  # added last: outermost, so every answer has its headers
    app.include_router(api_router)
    app.include_router(webchat_router)
    app.include_router(telegram_webhook_router)
    return app
