"""Forms: after a post, a one-time message for the next page and the redirect to it; in a
filter form, the department choice.

A domain error (illegal transition, missing note, …) rolls the request's work back and shows
its message; nothing half-done is committed.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from backend.errors import DomainError
from backend.handoff.errors import HeldByOther, NotHolder
from backend.inputs import RowId
from console.i18n import translate
from console.security import language

FLASH_KEY = "flash"


def blank_is_none(value: object) -> object:
    """A select's empty choice (“all departments”) in a query string means none."""
    return None if value == "" else value


DepartmentChoice = Annotated[RowId | None, BeforeValidator(blank_is_none), Query()]
"""A department picked in a filter form, or none for all."""


def flash(request: Request, *, kind: str, text: str) -> None:
    """A message the next page shows once (kind: ok | error | secret)."""
    request.session[FLASH_KEY] = {"kind": kind, "text": text}


def take_flash(request: Request) -> dict[str, str] | None:
    """The message left for this page, removed from the session."""
    value = request.session.pop(FLASH_KEY, None)
    return value if isinstance(value, dict) else None


def see_other(url: str) -> RedirectResponse:
    """Go to the page (303, so the browser GETs it)."""
    return RedirectResponse(url, status_code=303)


def error_text(language: str, error: DomainError) -> str:
    """The console's own words for the hand-over refusals operators meet; the domain's message
    (English, for API clients) otherwise."""
    if isinstance(error, HeldByOther):
        return translate(language, "error_held_by", holder=error.holder)
    if isinstance(error, NotHolder):
        if error.holder:
            return translate(language, "error_not_holder", holder=error.holder)
        return translate(language, "error_claim_first")
    return error.message


def attempt(
    request: Request, session: Session, *, work: Callable[[], str], back: str
) -> RedirectResponse:
    """Run `work` (it returns the success message); on a domain error roll back and say why."""
    try:
        message = work()
    except DomainError as error:
        session.rollback()
        flash(request, kind="error", text=error_text(language(request), error))
    else:
        flash(request, kind="ok", text=message)
    return see_other(back)
