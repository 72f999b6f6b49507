"""API shapes of conversations."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from backend.inputs import RequiredText
from storage.models import Conversation, HandoffReason


class NeedsHumanRequest(BaseModel):
    """Why the bot hands the chat to a person."""

    reason: RequiredText = Field(min_length=1, max_length=500)
    kind: HandoffReason = Field(
        default=HandoffReason.asked,
        description="asked (the citizen asked for a person) or misunderstood (twice in a row)",
    )


class MessageOut(BaseModel):
    """One message of a conversation."""

    direction: str
    text: str
    nlu: dict[str, Any] | None
    at: datetime


class ConversationOut(BaseModel):
    """A conversation with its chat and, when asked, its messages."""

    id: int
    channel: str
    chat_id: str
    needs_human: bool
    state: str
    started_at: datetime
    last_message_at: datetime
    messages: list[MessageOut] = []

    @classmethod
    def of(cls, conversation: Conversation, *, with_messages: bool = False) -> "ConversationOut":
        """Serialise a conversation (messages only when asked: they can be many)."""
        identity = conversation.channel_identity
        return cls(
            id=conversation.id,
            channel=identity.channel,
            chat_id=identity.chat_id,
            needs_human=conversation.needs_human,
            state=conversation.state,
            started_at=conversation.started_at,
            last_message_at=conversation.last_message_at,
            messages=[
                MessageOut(direction=m.direction, text=m.text, nlu=m.nlu, at=m.at)
                for m in conversation.messages
            ]
            if with_messages
            else [],
        )


class NeedsHumanOut(ConversationOut):
    """The flagged conversation, with the place in the queue the caller is to tell the citizen."""

    queue_position: int | None = Field(
        default=None,
        description="1 = longest waiting; only when this call started the wait (else null)",
    )

    @classmethod
    def of_queue(cls, conversation: Conversation, *, queue_position: int | None) -> "NeedsHumanOut":
        """Serialise the conversation with the place the citizen has not been told yet."""
        return cls(**ConversationOut.of(conversation).model_dump(), queue_position=queue_position)
