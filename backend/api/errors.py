"""The one place where domain errors become HTTP responses."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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


def install_error_handlers(app: FastAPI) -> None:
    """Register the domain error handler on the app."""
    app.add_exception_handler(DomainError, domain_error_handler)
    install_open311_error_handlers(app)
