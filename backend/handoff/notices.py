"""Writing to a conversation: transcript rows, and messages to the citizen through the outbox.

A message to the citizen is an outbox event of a direct kind (backend.outbox.delivery): the
deliverer sends its text as written on the chat's own channel, retried until delivered, and
the transcript row points at the event so staff see whether it arrived.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.handoff.events import EventKind, announce_about
from backend.outbox.delivery import DIRECT_TEXT_KINDS
from storage.models import (
    Conversation,
    Message,
    MessageDirection,
    MessageRole,
    OutboxEvent,
    OutboxStatus,
    utcnow,
)

DELIVERY_STATE = {
    OutboxStatus.pending.value: "queued",
    OutboxStatus.failed.value: "queued",  # a retry is scheduled
    OutboxStatus.delivered.value: "sent",
    OutboxStatus.dead.value: "failed",
}
"""How an outbox status shows to staff: queued (also while retrying), sent, failed."""


def add_message(
    session: Session,
    conversation: Conversation,
    *,
    role: MessageRole,
    text: str,
    nlu: dict[str, Any] | None = None,
    staff_id: str | None = None,
    now: datetime | None = None,
) -> Message:
    """Append one message to the transcript and announce it (published on commit)."""
    now = now or utcnow()
    message = Message(
        conversation_id=conversation.id,
        direction=MessageDirection.inbound if role == MessageRole.citizen else "outbound",
        role=role,
        text=text,
        nlu=nlu,
        staff_id=staff_id,
        at=now,
    )
    session.add(message)
    session.flush()
    announce_about(session, conversation, EventKind.message, message_id=message.id, role=str(role))
    return message


def send_to_citizen(
    session: Session,
    conversation: Conversation,
    *,
    text: str,
    kind: str,
    role: MessageRole = MessageRole.bot,
    staff_id: str | None = None,
    now: datetime | None = None,
) -> Message:
    """Record `text` in the transcript and queue it for the citizen's chat (at least once)."""
    if kind not in DIRECT_TEXT_KINDS:
        raise ValueError(f"{kind!r} is not a direct outbox kind")
    now = now or utcnow()
    message = add_message(session, conversation, role=role, text=text, staff_id=staff_id, now=now)
    identity = conversation.channel_identity
    event = OutboxEvent(
        ticket_id=None,
        kind=kind,
        payload={"text": text, "channel": identity.channel, "chat_id": identity.chat_id},
        dedupe_key=f"chat:{conversation.id}:{message.id}",
        channel_identity_id=identity.id,
        status=OutboxStatus.pending,
        attempts=0,
        next_attempt_at=now,
    )
    session.add(event)
    session.flush()
    message.outbox_event_id = event.id
    session.flush()
    return message


def delivery_of(event: OutboxEvent | None) -> dict[str, Any] | None:
    """A message's delivery as staff see it, or None for messages that are not sent."""
    if event is None:
        return None
    return {
        "state": DELIVERY_STATE.get(event.status, "queued"),
        "attempts": event.attempts,
        "last_error": event.last_error,
        "delivered_at": event.delivered_at,
    }


def announce_delivery(session: Session, event: OutboxEvent) -> None:
    """The outbox recorded an attempt at a transcript message: nudge its conversation's live
    page (on commit) so staff see sent / failed without waiting for the refresh."""
    found = session.execute(
        select(Message.id, Conversation)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.outbox_event_id == event.id)
    ).first()
    if found is None:  # not a conversation's message (a department alert)
        return
    message_id, conversation = found
    delivery = DELIVERY_STATE.get(event.status, "queued")
    announce_about(session, conversation, EventKind.state, message_id=message_id, delivery=delivery)
