"""Proactive messages (主动推送) per chat: stored once per outbox event, then sent or polled."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.rasa.replies import BotReply
from storage.models import OutboundMessage


@dataclass(frozen=True, slots=True)
class StoredReply:
    """One stored proactive message: its row id (the web chat's cursor), the reply, sent or not."""

    id: int
    reply: BotReply
    sent: bool


def _stored(row: OutboundMessage) -> StoredReply:
    return StoredReply(id=row.id, reply=BotReply.from_rasa(row.reply), sent=row.sent_at is not None)


def stored_replies(*, session: Session, dedupe_key: str) -> list[StoredReply]:
    """The messages already stored for one outbox event, in the order Rasa said them."""
    rows = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.dedupe_key == dedupe_key)
        .order_by(OutboundMessage.position)
    )
    return [_stored(row) for row in rows]


def store_replies(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    dedupe_key: str,
    replies: Sequence[BotReply],
    sent_at: datetime | None = None,
) -> list[StoredReply]:
    """Store an event's messages once; when they are already stored, return the stored ones.

    `sent_at` marks them sent on storing: the web chat's page fetches them itself.
    """
    if not replies:
        raise ValueError("an outbox event needs at least one message to store")
    try:
        with session.begin_nested():
            session.add_all(
                OutboundMessage(
                    channel=channel,
                    chat_id=chat_id,
                    dedupe_key=dedupe_key,
                    position=position,
                    reply=reply.to_dict(),
                    sent_at=sent_at,
                )
                for position, reply in enumerate(replies)
            )
    except IntegrityError:
        pass  # another attempt stored them first: theirs are the ones to send
    return stored_replies(session=session, dedupe_key=dedupe_key)


def mark_sent(*, session: Session, message_id: int, now: datetime) -> None:
    """Record that one stored message reached the chat."""
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.sent_at.is_(None))
        .values(sent_at=now)
    )


def chat_updates(
    *, session: Session, channel: str, chat_id: str, after: int, limit: int = 50
) -> list[StoredReply]:
    """A chat's proactive messages with ids above `after`, oldest first (the web chat polls)."""
    rows = session.scalars(
        select(OutboundMessage)
        .where(
            OutboundMessage.channel == channel,
            OutboundMessage.chat_id == chat_id,
            OutboundMessage.id > after,
        )
        .order_by(OutboundMessage.id)
        .limit(limit)
    )
    return [_stored(row) for row in rows]
