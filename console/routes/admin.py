"""Admin: staff users and roles, API tokens and Open311 keys (shown once), department chats."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from backend.api.deps import SessionDep
from backend.auth.revocation import (
    list_api_tokens,
    list_open311_keys,
    revoke_api_token,
    revoke_open311_key,
)
from backend.auth.service import issue_open311_key, issue_staff_token
from backend.auth.staff_users import (
    create_staff_user,
    list_staff_users,
    reset_password,
    set_active,
)
from backend.conversations.canned import canned_replies
from backend.errors import DomainError
from backend.routing.department_chats import set_department_chat
from backend.tickets.queue import active_departments
from console.forms import attempt, flash, see_other
from console.i18n import translate
from console.security import AdminPage, AdminWrite, language
from console.templating import render
from storage.models import StaffRole

router = APIRouter(prefix="/console/admin", include_in_schema=False)
BACK = "/console/admin"

Name = Annotated[str, Form(max_length=64)]
Label = Annotated[str, Form(max_length=128)]
Password = Annotated[str, Form(max_length=256)]
Role = Annotated[StaffRole, Form()]
DepartmentField = Annotated[str, Form(max_length=12)]


def department_of(value: str) -> int | None:
    """The department picked in a form ("" for none)."""
    return int(value) if value.isdigit() else None


def _page(request: Request, session: Session, secret: str | None = None) -> HTMLResponse:
    return render(
        request,
        "admin.html",
        {
            "users": list_staff_users(session=session),
            "tokens": list_api_tokens(session=session),
            "keys": list_open311_keys(session=session),
            "departments": active_departments(session=session),
            "roles": list(StaffRole),
            "canned": canned_replies(session=session),
            "secret": secret,
        },
    )


@router.get("", response_class=HTMLResponse)
def admin_page(request: Request, session: SessionDep, user: AdminPage) -> HTMLResponse:
    """Users, tokens, keys and departments on one page."""
    return _page(request, session)


def _shown_once(
    request: Request, session: Session, issue: Callable[[], str]
) -> HTMLResponse | RedirectResponse:
    """The admin page with the new secret on it: it is in this answer only, never stored
    (not even in the session cookie). A refused issue goes back with the reason."""
    try:
        secret = issue()
    except DomainError as error:
        session.rollback()
        flash(request, kind="error", text=error.message)
        return see_other(BACK)
    response = _page(request, session, secret=secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/users")
def create_user(
    request: Request,
    session: SessionDep,
    user: AdminWrite,
    username: Name,
    password: Password,
    role: Role,
    department_id: DepartmentField = "",
    display_name: Label = "",
) -> RedirectResponse:
    """A new staff user who logs in with this password."""

    def work() -> str:
        created = create_staff_user(
            session=session,
            username=username,
            password=password,
            role=role,
            department_id=department_of(department_id),
            display_name=display_name,
        )
        return translate(language(request), "done_user_created", username=created.username)

    return attempt(request, session, work=work, back=BACK)


@router.post("/users/{user_id}/password")
def user_password(
    request: Request, user_id: int, session: SessionDep, user: AdminWrite, password: Password
) -> RedirectResponse:
    """Reset a user's password (their open sessions end)."""

    def work() -> str:
        changed = reset_password(session=session, user_id=user_id, password=password)
        return translate(language(request), "done_password", username=changed.username)

    return attempt(request, session, work=work, back=BACK)


@router.post("/users/{user_id}/active")
def user_active(
    request: Request,
    user_id: int,
    session: SessionDep,
    user: AdminWrite,
    active: Annotated[bool, Form()],
) -> RedirectResponse:
    """Deactivate or reactivate a user."""

    def work() -> str:
        changed = set_active(session=session, user_id=user_id, active=active, by=user.actor)
        key = "done_activated" if changed.active else "done_deactivated"
        return translate(language(request), key, username=changed.username)

    return attempt(request, session, work=work, back=BACK)


@router.post("/tokens", response_model=None)
def issue_token(
    request: Request,
    session: SessionDep,
    user: AdminWrite,
    username: Name,
    role: Role,
    department_id: DepartmentField = "",
    label: Label = "",
) -> HTMLResponse | RedirectResponse:
    """A staff API token, shown once."""

    def issue() -> str:
        return issue_staff_token(
            session=session,
            username=username.strip(),
            role=role,
            department_id=department_of(department_id),
            label=label.strip(),
        ).token

    return _shown_once(request, session, issue)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: int, session: SessionDep, user: AdminWrite
) -> RedirectResponse:
    """Revoke a staff token at once."""

    def work() -> str:
        revoke_api_token(session=session, token_id=token_id)
        return translate(language(request), "done_revoked")

    return attempt(request, session, work=work, back=BACK)


@router.post("/open311-keys", response_model=None)
def issue_key(
    request: Request, session: SessionDep, user: AdminWrite, label: Label = ""
) -> HTMLResponse | RedirectResponse:
    """An Open311 api_key, shown once."""
    return _shown_once(
        request, session, lambda: issue_open311_key(session=session, label=label.strip())
    )


@router.post("/open311-keys/{key_id}/revoke")
def revoke_key(
    request: Request, key_id: int, session: SessionDep, user: AdminWrite
) -> RedirectResponse:
    """Revoke an Open311 key at once."""

    def work() -> str:
        revoke_open311_key(session=session, key_id=key_id)
        return translate(language(request), "done_revoked")

    return attempt(request, session, work=work, back=BACK)


@router.post("/departments/{department_id}/telegram")
def department_chat(
    request: Request,
    department_id: int,
    session: SessionDep,
    user: AdminWrite,
    chat_id: Annotated[str, Form(max_length=64)] = "",
) -> RedirectResponse:
    """The Telegram chat told about the department's 催办 and 督办 (empty: none)."""

    def work() -> str:
        department = set_department_chat(
            session=session, department_id=department_id, chat_id=chat_id
        )
        return translate(language(request), "done_department_chat", name=department.name)

    return attempt(request, session, work=work, back=BACK)
