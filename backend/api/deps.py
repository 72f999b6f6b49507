"""FastAPI dependencies: the database session (committed here, once) and shared clients."""

import logging
from collections.abc import Iterator
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from backend.errors import NotSaved
from backend.settings import Settings

log = logging.getLogger(__name__)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the only place where API work is committed or rolled back.

    Used with `scope="function"` (SessionDep): FastAPI then leaves this generator right after
    the endpoint returned and its response was built, before a byte is sent. A failed commit
    therefore becomes a 503 (NotSaved) instead of a 2xx for work that was never saved. With the
    default request scope the commit would run after the response had gone out.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
        try:
            session.commit()
        except SQLAlchemyError as error:
            log.exception("commit failed for %s %s", request.method, request.url.path)
            raise NotSaved("the request could not be saved; nothing was changed, retry") from error
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


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
HttpDep = Annotated[httpx.AsyncClient, Depends(get_http)]
