"""Admins edit the canned replies operators pick from (shown on the admin page)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from backend.api.deps import SessionDep
from backend.conversations.canned import (
    add_canned_reply,
    delete_canned_reply,
    update_canned_reply,
)
from console.forms import attempt
from console.i18n import translate
from console.security import AdminWrite, language

router = APIRouter(prefix="/console/admin/canned", include_in_schema=False)
BACK = "/console/admin#canned"

ReplyText = Annotated[str, Form(max_length=1000)]
Order = Annotated[int, Form(ge=-1000, le=1000)]


@router.post("")
def add(
    request: Request, session: SessionDep, user: AdminWrite, text: ReplyText, sort_order: Order = 0
) -> RedirectResponse:
    """A new canned reply."""

    def work() -> str:
        add_canned_reply(session=session, text=text, sort_order=sort_order)
        return translate(language(request), "done_saved")

    return attempt(request, session, work=work, back=BACK)


@router.post("/{reply_id}")
def update(
    request: Request,
    reply_id: int,
    session: SessionDep,
    user: AdminWrite,
    text: ReplyText,
    sort_order: Order = 0,
) -> RedirectResponse:
    """Change a canned reply."""

    def work() -> str:
        update_canned_reply(session=session, reply_id=reply_id, text=text, sort_order=sort_order)
        return translate(language(request), "done_saved")

    return attempt(request, session, work=work, back=BACK)


@router.post("/{reply_id}/delete")
def delete(
    request: Request, reply_id: int, session: SessionDep, user: AdminWrite
) -> RedirectResponse:
    """Remove a canned reply."""

    def work() -> str:
        delete_canned_reply(session=session, reply_id=reply_id)
        return translate(language(request), "done_deleted")

    return attempt(request, session, work=work, back=BACK)
