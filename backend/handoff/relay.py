"""Messages across a hand-over: the citizen's to the operator (with an NLU hint), the
operator's to the citizen (through the outbox), and what the bot's pipeline needs to know."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.handoff.errors import ConversationNotFound
from backend.handoff.notices import add_message, send_to_citizen
from backend.handoff.service import chat_conversation, held_conversation, holder_name
from backend.handoff.texts import citizen_text
from storage.models import Conversation, ConversationState, Message, MessageRole, utcnow


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """What the bot's pipeline must know about a chat before it asks Rasa."""

    conversation_id: int | None
    state: ConversationState
    bot_reset_pending: bool

    @property
    def held(self) -> bool:
        """An operator answers: the bot stays silent."""
        return self.state == ConversationState.held


def chat_turn(*, session: Session, channel: str, chat_id: str) -> ChatTurn:
    """Who answers the chat now (a chat that never wrote is with the bot)."""
    try:
        conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    except ConversationNotFound:
        return ChatTurn(conversation_id=None, state=ConversationState.bot, bot_reset_pending=False)
    return ChatTurn(
        conversation_id=conversation.id,
        state=ConversationState(conversation.state),
        bot_reset_pending=conversation.bot_reset_pending,
    )


def bot_reset_done(*, session: Session, conversation_id: int) -> None:
    """Rasa's conversation was reset after a hand-back: do not reset it again."""
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(bot_reset_pending=False)
        .execution_options(synchronize_session=False)
    )


def record_for_operator(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    text: str,
    nlu: dict[str, Any] | None,
    now: datetime | None = None,
) -> Message | None:
    """Record a citizen's message to a held conversation, with what the NLU made of it as a hint
    for the operator; None when the conversation is no longer held (the bot answers then)."""
    now = now or utcnow()
    conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    if conversation.state != ConversationState.held:
        return None
    conversation.last_message_at = now
    # marked so the admins' NLU inbox leaves it out: the bot never answered it
    hint = {**nlu, "while_held": True} if nlu is not None else None
    return add_message(
        session, conversation, role=MessageRole.citizen, text=text, nlu=hint, now=now
    )


def send_operator_message(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    actor: Actor,
    text: str,
    now: datetime | None = None,
) -> Message:
    """The holder's message to the citizen, queued in the outbox; NotHolder for anyone else."""
    now = now or utcnow()
    conversation = held_conversation(
        session=session, channel=channel, chat_id=chat_id, actor=actor, now=now
    )
    return send_to_citizen(
        session,
        conversation,
        text=text,
        kind="operator_message",
        role=MessageRole.operator,
        staff_id=holder_name(actor),
        now=now,
    )


def queue_position(*, session: Session, conversation: Conversation) -> int:
    """1 for the longest-waiting conversation, 2 for the next, …"""
    if conversation.waiting_since is None:
        return 1
    ahead = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.state == ConversationState.waiting,
            or_(
                Conversation.waiting_since < conversation.waiting_since,
                and_(
                    Conversation.waiting_since == conversation.waiting_since,
                    Conversation.id < conversation.id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1


def take_queue_position(
    *, session: Session, conversation: Conversation, now: datetime
) -> int | None:
    """The citizen's place in the queue, once per wait: marks it told (None when told already
    or not waiting), so the citizen gets one notice whoever tells it."""
    told = session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation.id,
            Conversation.state == ConversationState.waiting,
            Conversation.queue_told_at.is_(None),
        )
        .values(queue_told_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if told != 1:
        return None
    session.refresh(conversation)
    return queue_position(session=session, conversation=conversation)


def take_queue_notice(*, session: Session, channel: str, chat_id: str, now: datetime) -> str | None:
    """The citizen's place in the queue, once per wait (None when told already or not waiting)."""
    try:
        conversation = chat_conversation(session=session, channel=channel, chat_id=chat_id)
    except ConversationNotFound:
        return None
    position = take_queue_position(session=session, conversation=conversation, now=now)
    if position is None:
        return None
    if position == 1:
        return citizen_text(conversation, "queue_first", position=position)
    return citizen_text(conversation, "queue_position", ahead=position - 1)
