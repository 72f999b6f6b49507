"""Recording what citizens said and what the bot answered (who answers: backend.handoff)."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.citizens.service import get_or_create_identity
from backend.handoff.events import EventKind, announce_about
from storage.models import (
    ChannelIdentity,
    Conversation,
    ConversationState,
    Message,
    MessageDirection,
    MessageRole,
    utcnow,
)

# A chat that was silent this long starts a new conversation (as a 12345 call would).
CONVERSATION_GAP = timedelta(hours=6)


def current_conversation(
    *, session: Session, identity: ChannelIdentity, now: datetime
) -> Conversation:
    """The chat's ongoing conversation, or a new one after a long silence.

    One waiting for or held by a person goes on however long the silence: it is not the bot's.
    """
    conversation = session.scalar(
        select(Conversation)
        .where(Conversation.channel_identity_id == identity.id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if conversation is None or (
        conversation.state == ConversationState.bot
        and conversation.last_message_at < now - CONVERSATION_GAP
    ):
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
            role=MessageRole.citizen,
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
                role=MessageRole.bot,
                text=reply,
                at=now,
            )
        )
    conversation.last_message_at = now
    session.flush()
    if conversation.state != ConversationState.bot:
        # Staff watch waiting and held chats live (the inbox's latest message, the transcript).
        announce_about(session, conversation, EventKind.message, role=str(MessageRole.citizen))
    return conversation
