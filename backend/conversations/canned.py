"""Canned replies (常用语): listed for operators, edited by admins (the caller checks the role)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidRequest, NotFound
from storage.models import CannedReply

MAX_TEXT = 1000


def canned_replies(*, session: Session) -> Sequence[CannedReply]:
    """Every canned reply in the admins' order."""
    return session.scalars(
        select(CannedReply).order_by(CannedReply.sort_order, CannedReply.id)
    ).all()


def _text(text: str) -> str:
    value = text.strip()
    if not value or len(value) > MAX_TEXT:
        raise InvalidRequest(f"a canned reply needs 1 to {MAX_TEXT} characters")
    return value


def add_canned_reply(*, session: Session, text: str, sort_order: int = 0) -> CannedReply:
    """A new canned reply."""
    reply = CannedReply(text=_text(text), sort_order=sort_order)
    session.add(reply)
    session.flush()
    return reply


def update_canned_reply(
    *, session: Session, reply_id: int, text: str, sort_order: int
) -> CannedReply:
    """Change a canned reply's text and place."""
    reply = session.get(CannedReply, reply_id)
    if reply is None:
        raise NotFound(f"canned reply {reply_id} not found")
    reply.text = _text(text)
    reply.sort_order = sort_order
    session.flush()
    return reply


def delete_canned_reply(*, session: Session, reply_id: int) -> None:
    """Remove a canned reply."""
    reply = session.get(CannedReply, reply_id)
    if reply is None:
        raise NotFound(f"canned reply {reply_id} not found")
    session.delete(reply)
    session.flush()
