"""FastAPI dependencies: the database session (committed here, once) and shared clients."""

from collections.abc import Iterator
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backend.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the only place where API work is committed or rolled back."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def get_http(request: Request) -> httpx.AsyncClient:
    """The platform's shared outbound HTTP client, built at start-up."""
    return request.app.state.http


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
HttpDep = Annotated[httpx.AsyncClient, Depends(get_http)]
