"""Messages held while their chat was over its rate limit: the newest one per chat, in the database.

Keeping them in a table (not in memory) means a restart loses none, and several replicas can
release them: a row is claimed by deleting it, which only one of them can do.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import HeldMessage

KEPT = "kept_while_busy"
"""Marks (in `meta`) a message kept because Rasa could not answer: a later rate-limit hold joins
it instead of replacing it."""


@dataclass(frozen=True, slots=True)
class Held:
    """One held message, as read (its `held_at` identifies this version of the row)."""

    id: int
    channel: str
    chat_id: str
    text: str
    meta: dict[str, Any]
    address: str | None
    held_at: datetime
    due_at: datetime


def _held(row: HeldMessage) -> Held:
    return Held(
        id=row.id,
        channel=row.channel,
        chat_id=row.chat_id,
        text=row.text,
        meta=dict(row.meta or {}),
        address=row.address,
        held_at=row.held_at,
        due_at=row.due_at,
    )


def hold_message(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    text: str,
    meta: dict[str, Any],
    address: str | None,
    now: datetime,
    due_at: datetime,
) -> bool:
    """Keep `text` as the chat's held message, replacing an older one; True when none was held.

    A message kept while Rasa was down is not replaced: `text` is joined to it."""
    kept = chat_held(session=session, channel=channel, chat_id=chat_id)
    if kept is not None and kept.meta.get(KEPT):
        return keep_message(
            session=session,
            channel=channel,
            chat_id=chat_id,
            text=text,
            meta=meta,
            address=address,
            now=now,
            due_at=max(due_at, kept.due_at),
        )
    values = {"text": text, "meta": meta, "address": address, "held_at": now, "due_at": due_at}
    where = (HeldMessage.channel == channel, HeldMessage.chat_id == chat_id)
    replaced = session.execute(update(HeldMessage).where(*where).values(**values)).rowcount
    if replaced:
        return False
    try:
        with session.begin_nested():
            session.add(HeldMessage(channel=channel, chat_id=chat_id, **values))
    except IntegrityError:  # another request held one for this chat in between: ours is newer
        session.execute(update(HeldMessage).where(*where).values(**values))
        return False
    return True


def held_from_address(*, session: Session, address: str) -> int:
    """How many chats hold a message sent from `address`."""
    query = select(func.count()).select_from(HeldMessage).where(HeldMessage.address == address)
    return session.scalar(query) or 0


def due_messages(*, session: Session, now: datetime, limit: int = 100) -> list[Held]:
    """Held messages whose wait is over, longest waiting first."""
    rows = session.scalars(
        select(HeldMessage)
        .where(HeldMessage.due_at <= now)
        .order_by(HeldMessage.due_at, HeldMessage.id)
        .limit(limit)
    )
    return [_held(row) for row in rows]


def chat_held(*, session: Session, channel: str, chat_id: str) -> Held | None:
    """The chat's held message, if any."""
    row = session.scalar(
        select(HeldMessage).where(HeldMessage.channel == channel, HeldMessage.chat_id == chat_id)
    )
    return _held(row) if row is not None else None


def claim(*, session: Session, held: Held) -> bool:
    """Take the held message for sending; False when it was replaced or taken meanwhile."""
    result = session.execute(
        delete(HeldMessage).where(HeldMessage.id == held.id, HeldMessage.held_at == held.held_at)
    )
    return result.rowcount == 1


def postpone(*, session: Session, held: Held, due_at: datetime) -> None:
    """Try this held message again at `due_at` (its chat is still over the limit)."""
    session.execute(
        update(HeldMessage)
        .where(HeldMessage.id == held.id, HeldMessage.held_at == held.held_at)
        .values(due_at=due_at)
    )


def keep_message(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    text: str,
    meta: dict[str, Any],
    address: str | None,
    now: datetime,
    due_at: datetime,
    before_held: bool = False,
) -> bool:
    """Keep `text` while the bot cannot answer (Rasa or its action server down); True when the
    chat held nothing before.

    Unlike a rate-limit hold, nothing is dropped: a message the chat already holds is kept and
    the texts are joined in the order they were sent (`before_held`: `text` came first, e.g. a
    released message that failed again). The joined text reaches Rasa as one message.
    """
    meta = {**meta, KEPT: True}
    where = (HeldMessage.channel == channel, HeldMessage.chat_id == chat_id)
    row = session.scalar(select(HeldMessage).where(*where).with_for_update())
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    HeldMessage(
                        channel=channel,
                        chat_id=chat_id,
                        text=text,
                        meta=meta,
                        address=address,
                        held_at=now,
                        due_at=due_at,
                    )
                )
            return True
        except IntegrityError:  # held by another request in between: join it below
            row = session.scalar(select(HeldMessage).where(*where).with_for_update())
            assert row is not None
    row.text = f"{text}\n{row.text}" if before_held else f"{row.text}\n{text}"
    if not before_held:
        row.meta, row.address = meta, address
    row.held_at, row.due_at = now, due_at
    return False
