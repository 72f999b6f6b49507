"""Reading conversations for staff: the waiting and held list, and one chat's transcript."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.auth.actor import Actor
from backend.errors import InvalidRequest
from backend.handoff.notices import delivery_of
from backend.handoff.relay import queue_position
from backend.handoff.service import chat_conversation, ensure_operator
from backend.tickets.repository import tickets_of_chat
from storage.models import (
    Conversation,
    ConversationState,
    Message,
    OutboxEvent,
    Ticket,
    TicketSubscriber,
    utcnow,
)

MAX_LIMIT = 500


class StateFilter(StrEnum):
    """Which conversations a list shows."""

    waiting = "waiting"
    held = "held"
    active = "active"  # waiting or held (the inbox)
    all = "all"  # also those with the bot, newest first (to step in where the bot fails)


STATES_OF = {
    StateFilter.waiting: (ConversationState.waiting,),
    StateFilter.held: (ConversationState.held,),
    StateFilter.active: (ConversationState.waiting, ConversationState.held),
    StateFilter.all: tuple(ConversationState),
}


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One conversation in the list."""

    id: int
    channel: str
    chat_id: str
    state: str
    reason: str | None
    reason_detail: str | None
    waiting_since: datetime | None
    waiting_seconds: int | None
    queue_position: int | None
    holder: str | None
    held_since: datetime | None
    last_operator_at: datetime | None
    last_message_at: datetime
    last_text: str | None


@dataclass(frozen=True, slots=True)
class TranscriptEntry:
    """One message: who said it, what, the NLU hint (citizen's), the delivery (sent ones)."""

    id: int
    role: str
    text: str
    at: datetime
    nlu: dict[str, Any] | None
    staff_id: str | None
    delivery: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Transcript:
    """A chat's conversation with everything an operator needs."""

    conversation: ConversationSummary
    messages: list[TranscriptEntry]
    tickets: list[Ticket]


def parse_state(value: str | None) -> StateFilter:
    """The list's filter (default: waiting and held), or InvalidRequest naming the valid ones."""
    if value is None:
        return StateFilter.active
    try:
        return StateFilter(value)
    except ValueError:
        valid = ", ".join(item.value for item in StateFilter)
        raise InvalidRequest(f"state must be one of: {valid}") from None


def summary_of(
    session: Session, conversation: Conversation, *, now: datetime, last_text: str | None = None
) -> ConversationSummary:
    """A conversation as listed."""
    identity = conversation.channel_identity
    waiting = conversation.state != ConversationState.bot and conversation.waiting_since
    return ConversationSummary(
        id=conversation.id,
        channel=identity.channel,
        chat_id=identity.chat_id,
        state=conversation.state,
        reason=conversation.handoff_reason,
        reason_detail=conversation.handoff_detail,
        waiting_since=conversation.waiting_since,
        waiting_seconds=int((now - conversation.waiting_since).total_seconds())
        if waiting and conversation.waiting_since
        else None,
        queue_position=queue_position(session=session, conversation=conversation)
        if conversation.state == ConversationState.waiting
        else None,
        holder=conversation.holder,
        held_since=conversation.held_since,
        last_operator_at=conversation.last_operator_at,
        last_message_at=conversation.last_message_at,
        last_text=last_text,
    )


def list_conversations(
    *,
    session: Session,
    actor: Actor,
    state: StateFilter = StateFilter.active,
    limit: int = 100,
    now: datetime | None = None,
) -> list[ConversationSummary]:
    """Conversations the staff member may see, newest activity first.

    Operators and admins see every chat. Department staff see only waiting or held chats that
    follow a ticket of their department (the citizen they are handling), never other ones.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}")
    now = now or utcnow()
    query = (
        select(Conversation)
        .options(selectinload(Conversation.channel_identity))
        .where(Conversation.state.in_([s.value for s in STATES_OF[state]]))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)
    )
    if not actor.sees_all_tickets:
        department_id = actor.department_id if actor.department_id is not None else -1
        followers = (
            select(TicketSubscriber.channel_identity_id)
            .join(Ticket, Ticket.id == TicketSubscriber.ticket_id)
            .where(Ticket.department_id == department_id)
        )
        query = query.where(
            Conversation.channel_identity_id.in_(followers),
            Conversation.state != ConversationState.bot,
        )
    conversations = list(session.scalars(query))
    last_texts = _last_texts(session, [c.id for c in conversations])
    return [summary_of(session, c, now=now, last_text=last_texts.get(c.id)) for c in conversations]


def _last_texts(session: Session, ids: list[int]) -> dict[int, str]:
    """The newest citizen or bot text of each conversation (a preview in the list)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Message.conversation_id, Message.text)
        .where(Message.conversation_id.in_(ids), Message.role != "system")
        .order_by(Message.conversation_id, Message.id)
    )
    return {conversation_id: text for conversation_id, text in rows}


def transcript(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    actor: Actor,
    limit: int = 500,
    now: datetime | None = None,
) -> Transcript:
    """The chat's latest conversation: its newest `limit` messages (oldest first), its state,
    and the tickets the chat follows."""
    ensure_operator(actor)
    now = now or utcnow()
    conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    rows = session.execute(
        select(Message, OutboxEvent)
        .outerjoin(OutboxEvent, OutboxEvent.id == Message.outbox_event_id)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    messages = [
        TranscriptEntry(
            id=message.id,
            role=message.role,
            text=message.text,
            at=message.at,
            nlu=message.nlu,
            staff_id=message.staff_id,
            delivery=delivery_of(event),
        )
        for message, event in reversed(rows)
    ]
    last = next((m.text for m in reversed(messages) if m.role != "system"), None)
    return Transcript(
        conversation=summary_of(session, conversation, now=now, last_text=last),
        messages=messages,
        tickets=list(tickets_of_chat(session=session, channel=channel, chat_id=chat_id)),
    )


def chat_summary(
    *, session: Session, channel: str, chat_id: str, now: datetime | None = None
) -> ConversationSummary:
    """The chat's latest conversation as listed."""
    conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    return summary_of(session, conversation, now=now or utcnow())
