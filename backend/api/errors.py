"""The one place where domain errors become HTTP responses."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from backend.api.open311_errors import install_open311_error_handlers, is_open311, open311_error
from backend.api.validation import printable
from backend.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    Unavailable,
)
from backend.handoff.errors import ConversationNotFound, HeldByOther, NotHolder, TakeoverForbidden

log = logging.getLogger(__name__)

DATABASE_DOWN = "the database is unavailable; nothing was changed, retry shortly"
DATABASE_RETRY_AFTER_SECONDS = 5

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    InvalidRequest: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Unavailable: 503,
    ConversationNotFound: 404,
    HeldByOther: 409,  # the body names the holder
    NotHolder: 403,
    TakeoverForbidden: 403,
}


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error (its nearest mapped base class)."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


async def domain_error_handler(request: Request, error: Exception) -> JSONResponse:
    """Render a domain error: Open311 paths get the GeoReport error list, the rest a detail."""
    assert isinstance(error, DomainError)
    status = status_for(error)
    message = printable(error.message)  # it may quote a request's text
    if is_open311(request):
        return open311_error(status, message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": message, **error.details}, status_code=status, headers=headers)


async def database_down_handler(request: Request, error: Exception) -> JSONResponse:
    """503 when the database cannot be reached or dropped the connection mid-request: the
    transaction is rolled back (nothing half-written) and the pool's pre-ping replaces the dead
    connection on the next request, so recovery needs no restart."""
    assert isinstance(error, DBAPIError)
    log.error("database unavailable for %s %s: %s", request.method, request.url.path, error.orig)
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    if is_open311(request):
        response = open311_error(503, DATABASE_DOWN)
        response.headers.update(headers)
        return response
    return JSONResponse({"detail": DATABASE_DOWN}, status_code=503, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the domain error handler on the app, and the database outage one."""
    app.add_exception_handler(DomainError, domain_error_handler)
    # Lost or refused connections; other driver errors (constraints, bugs) stay 500s.
    for error in (OperationalError, InterfaceError):
        app.add_exception_handler(error, database_down_handler)
    install_open311_error_handlers(app)
