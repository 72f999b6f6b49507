"""Recording what citizens said and what the bot answered; flagging chats that need a person."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.citizens.service import get_or_create_identity
from storage.models import (
    ChannelIdentity,
    Conversation,
    Message,
    MessageDirection,
    Ticket,
    TicketSubscriber,
    utcnow,
)

# A chat that was silent this long starts a new conversation (as a 12345 call would).
CONVERSATION_GAP = timedelta(hours=6)


def current_conversation(
    *, session: Session, identity: ChannelIdentity, now: datetime
) -> Conversation:
    """The chat's ongoing conversation, or a new one after a long silence."""
    conversation = session.scalar(
        select(Conversation)
        .where(Conversation.channel_identity_id == identity.id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if conversation is None or conversation.last_message_at < now - CONVERSATION_GAP:
        conversation = Conversation(
            channel_identity_id=identity.id, started_at=now, last_message_at=now
        )
        session.add(conversation)
        session.flush()
    return conversation


def record_exchange(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    text: str,
    nlu: dict[str, Any] | None,
    replies: list[str],
    now: datetime | None = None,
) -> Conversation:
    """Store one inbound message (with its NLU result) and the bot's replies to it."""
    now = now or utcnow()
    identity = get_or_create_identity(session=session, channel=channel, chat_id=chat_id)
    conversation = current_conversation(session=session, identity=identity, now=now)
    session.add(
        Message(
            conversation_id=conversation.id,
            direction=MessageDirection.inbound,
            text=text,
            nlu=nlu,
            at=now,
        )
    )
    for reply in replies:
        session.add(
            Message(
                conversation_id=conversation.id,
                direction=MessageDirection.outbound,
                text=reply,
                at=now,
            )
        )
    conversation.last_message_at = now
    session.flush()
    return conversation


def mark_needs_human(
    *, session: Session, channel: str, chat_id: str, reason: str, now: datetime | None = None
) -> Conversation:
    """Flag the chat's conversation for an operator and keep the reason in its messages."""
    now = now or utcnow()
    identity = get_or_create_identity(session=session, channel=channel, chat_id=chat_id)
    conversation = current_conversation(session=session, identity=identity, now=now)
    conversation.needs_human = True
    session.add(
        Message(
            conversation_id=conversation.id,
            direction=MessageDirection.outbound,
            text=f"[转人工] {reason}",
            nlu={"handoff_reason": reason},
            at=now,
        )
    )
    session.flush()
    return conversation


def conversations_needing_human(
    *, session: Session, actor: Actor, limit: int = 100
) -> list[Conversation]:
    """Conversations waiting for an operator that the staff member may see, longest-waiting first.

    Operators and admins see every waiting chat. Department staff see only chats that follow a
    ticket of their department (the citizen they are handling), never other departments'.
    """
    query = (
        select(Conversation)
        .where(Conversation.needs_human.is_(True))
        .order_by(Conversation.last_message_at)
        .limit(limit)
    )
    if not actor.sees_all_tickets:
        department_id = actor.department_id if actor.department_id is not None else -1
        followers = (
            select(TicketSubscriber.channel_identity_id)
            .join(Ticket, Ticket.id == TicketSubscriber.ticket_id)
            .where(Ticket.department_id == department_id)
        )
        query = query.where(Conversation.channel_identity_id.in_(followers))
    return list(session.scalars(query))
