"""`install_console`: the console's session cookie, error pages, routes and static files."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from backend.api.errors import domain_error_handler, status_for
from backend.errors import DomainError
from backend.settings import Settings
from console.i18n import translate
from console.routes import (
    admin,
    canned,
    clusters,
    conversation,
    dashboard,
    inbox,
    login,
    nlu,
    queue,
    tickets,
)
from console.security import COOKIE, COOKIE_PATH, CsrfRefused, LoginRequired, RoleRefused, language
from console.templating import render

STATIC_DIR = Path(__file__).resolve().parent / "static"
LOGIN_URL = "/console/login"


def is_console(request: Request) -> bool:
    return request.url.path == "/console" or request.url.path.startswith("/console/")


async def to_login(request: Request, error: Exception) -> Response:
    """No session: the login page (HTMX requests are told to go there as a whole page)."""
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": LOGIN_URL})
    return RedirectResponse(LOGIN_URL, status_code=303)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message}, status)


async def csrf_refused(request: Request, error: Exception) -> HTMLResponse:
    return error_page(request, 403, translate(language(request), "csrf_refused"))


async def role_refused(request: Request, error: Exception) -> HTMLResponse:
    return error_page(request, 403, translate(language(request), "role_refused"))


async def domain_error(request: Request, error: Exception) -> Response:
    """Console pages answer a domain error (e.g. a ticket one may not see) with a page."""
    if not is_console(request):
        return await domain_error_handler(request, error)
    assert isinstance(error, DomainError)
    return error_page(request, status_for(error), error.message)


def install_console(app: FastAPI, settings: Settings) -> None:
    """Serve the console under /console (its cookie is sent nowhere else)."""
    secure = settings.console_cookie_secure
    if secure is None:
        secure = settings.public_base_url.startswith("https:")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=COOKIE,
        max_age=settings.console_session_hours * 3600,
        path=COOKIE_PATH,
        same_site="lax",
        https_only=secure,
    )
    app.add_exception_handler(LoginRequired, to_login)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(RoleRefused, role_refused)
    app.add_exception_handler(DomainError, domain_error)
    for module in (
        login,
        inbox,
        conversation,
        queue,
        tickets,
        admin,
        canned,
        dashboard,
        clusters,
        nlu,
    ):
        app.include_router(module.router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
