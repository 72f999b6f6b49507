"""Logging in and out, the language switch, and the console's home (the user's main page)."""

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api.deps import SessionDep
from backend.auth.staff_users import login
from console.forms import see_other
from console.i18n import LANGUAGES, translate
from console.security import (
    LANGUAGE_KEY,
    StaffPage,
    language,
    require_csrf,
    start_session,
)
from console.templating import render
from console.throttle import LoginThrottle

router = APIRouter(prefix="/console", include_in_schema=False)


def get_throttle(request: Request) -> LoginThrottle:
    """The login limits, made once per app."""
    throttle = getattr(request.app.state, "console_login_throttle", None)
    if throttle is None:
        throttle = LoginThrottle.from_settings(request.app.state.settings)
        request.app.state.console_login_throttle = throttle
    return throttle


@router.get("")
def home(user: StaffPage) -> RedirectResponse:
    """Operators and admins start at the inbox, department staff at their queue."""
    return see_other("/console/queue" if user.role == "department" else "/console/inbox")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """The login form (with its CSRF token, tied to this browser's session)."""
    return render(request, "login.html")


@router.post("/login", response_model=None, dependencies=[Depends(require_csrf)])
async def login_post(
    request: Request,
    session: SessionDep,
    throttle: Annotated[LoginThrottle, Depends(get_throttle)],
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse | RedirectResponse:
    """Check the password; the same answer for an unknown user and a wrong password."""
    address = request.client.host if request.client else None
    wait = await throttle.allow(address=address, username=username.strip())
    code = language(request)
    if wait:
        error = translate(code, "login_throttled", seconds=math.ceil(wait))
        return render(request, "login.html", {"error": error, "username": username}, 429)
    user = login(session=session, username=username, password=password)
    if user is None:
        error = translate(code, "login_failed")
        return render(request, "login.html", {"error": error, "username": username}, 400)
    start_session(request, user)
    return see_other("/console")


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> RedirectResponse:
    """End the session (the language stays chosen)."""
    kept = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if kept:
        request.session[LANGUAGE_KEY] = kept
    return see_other("/console/login")


@router.post("/language", dependencies=[Depends(require_csrf)])
def switch_language(
    request: Request,
    lang: Annotated[str, Form(max_length=8)],
    back: Annotated[str, Form(max_length=512)] = "/console",
) -> RedirectResponse:
    """Switch the console's language and go back to the page it was switched on."""
    if lang in LANGUAGES:
        request.session[LANGUAGE_KEY] = lang
    return see_other(back if is_console_path(back) else "/console")


def is_console_path(path: str) -> bool:
    """A path of this console (never another site: no scheme, no `//`, no backslash)."""
    return (
        (path == "/console" or path.startswith("/console/"))
        and "//" not in path
        and ("\\" not in path)
    )
