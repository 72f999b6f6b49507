"""Console sessions (a signed cookie), CSRF tokens tied to the session, and who is logged in.

The session cookie is Starlette's SessionMiddleware (itsdangerous, signed with SECRET_KEY,
HttpOnly, SameSite=Lax, Secure over https, path /console). It holds the user's id, a fingerprint
of their password hash (a reset ends every session), the CSRF token and the language. Every
request re-reads the user, so a deactivated user is out at once.
"""

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from backend.api.deps import SessionDep
from backend.auth.actor import Actor
from backend.auth.staff_users import active_user, actor_of
from console.i18n import language_of
from storage.models import StaffRole, StaffUser

COOKIE = "suban_console"
COOKIE_PATH = "/console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
USER_KEY = "uid"
FINGERPRINT_KEY = "pw"
CSRF_KEY = "csrf"
LANGUAGE_KEY = "lang"


class LoginRequired(Exception):
    """No valid console session: the answer is the login page."""


class CsrfRefused(Exception):
    """A write without the session's CSRF token."""


class RoleRefused(Exception):
    """A logged-in user whose role does not open this page."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use, so the login form has one too)."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


async def require_csrf(request: Request) -> None:
    """Refuse a write whose form field or header does not carry the session's CSRF token."""
    expected = request.session.get(CSRF_KEY)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()  # cached by Starlette: the route reads it again for free
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(given.encode(), str(expected).encode()):
        raise CsrfRefused


def fingerprint(user: StaffUser) -> str:
    """A short digest of the password hash: a new password ends the older sessions."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def start_session(request: Request, user: StaffUser) -> None:
    """Log the user in: a fresh session (new CSRF token), the language kept."""
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    request.session[USER_KEY] = user.id
    request.session[FINGERPRINT_KEY] = fingerprint(user)
    if language:
        request.session[LANGUAGE_KEY] = language
    csrf_token(request)


def language(request: Request) -> str:
    """The language the user chose (Chinese unless they switched)."""
    return language_of(request.session.get(LANGUAGE_KEY))


@dataclass(frozen=True)
class Me:
    """What pages show of the logged-in user (plain values: error pages outlive the session)."""

    username: str
    display_name: str
    role: str
    department_name: str | None


@dataclass(frozen=True)
class ConsoleUser:
    """Who is logged in: the user row and the actor the backend rules see."""

    user: StaffUser
    actor: Actor

    @property
    def role(self) -> StaffRole:
        return StaffRole(self.user.role)


def console_user(request: Request, session: SessionDep) -> ConsoleUser:
    """The logged-in user; LoginRequired (→ the login page) without a valid session."""
    user_id = request.session.get(USER_KEY)
    user = active_user(session=session, user_id=user_id) if isinstance(user_id, int) else None
    if user is None or request.session.get(FINGERPRINT_KEY) != fingerprint(user):
        request.session.pop(USER_KEY, None)
        raise LoginRequired
    request.state.console_me = Me(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        department_name=user.department.name if user.department else None,
    )
    return ConsoleUser(user=user, actor=actor_of(user))


UserDep = Annotated[ConsoleUser, Depends(console_user)]


def role_in(*roles: StaffRole, write: bool = False) -> Callable[..., Awaitable[ConsoleUser]]:
    """A dependency: the logged-in user if their role is one of `roles`; for a write, also the
    CSRF token (checked after the login, so an anonymous post lands on the login page)."""

    async def dependency(request: Request, user: UserDep) -> ConsoleUser:
        if user.role not in roles:
            raise RoleRefused
        if write:
            await require_csrf(request)
        return user

    return dependency


EVERYONE = (StaffRole.operator, StaffRole.department, StaffRole.admin)
OPERATORS = (StaffRole.operator, StaffRole.admin)
StaffPage = Annotated[ConsoleUser, Depends(role_in(*EVERYONE))]
StaffWrite = Annotated[ConsoleUser, Depends(role_in(*EVERYONE, write=True))]
OperatorPage = Annotated[ConsoleUser, Depends(role_in(*OPERATORS))]
OperatorWrite = Annotated[ConsoleUser, Depends(role_in(*OPERATORS, write=True))]
AdminPage = Annotated[ConsoleUser, Depends(role_in(StaffRole.admin))]
AdminWrite = Annotated[ConsoleUser, Depends(role_in(StaffRole.admin, write=True))]
