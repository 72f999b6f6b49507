"""Conversations (对话) with a citizen and their messages, inbound ones with their NLU result.

A conversation is answered by the bot, waits for a person, or is held by exactly one operator
(`state`, `holder`): the hand-over rules live in backend.handoff.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow
from storage.models.enums import (
    ConversationState,
    HandoffReason,
    MessageDirection,
    MessageRole,
    check_in,
)


class Conversation(Base):
    """One dialogue on one channel identity, with who answers it now."""

    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint(check_in("state", ConversationState), name="state"),
        CheckConstraint(
            f"handoff_reason IS NULL OR {check_in('handoff_reason', HandoffReason)}",
            name="handoff_reason",
        ),
        CheckConstraint("state <> 'held' OR holder IS NOT NULL", name="held_has_holder"),
        Index("ix_conversations_state", "state", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id"), index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=ConversationState.bot)
    handoff_reason: Mapped[str | None] = mapped_column(String(16))
    handoff_detail: Mapped[str | None] = mapped_column(Text)
    waiting_since: Mapped[datetime | None] = mapped_column()
    # the citizen was told their place in the queue for this wait (told once per wait)
    queue_told_at: Mapped[datetime | None] = mapped_column()
    holder: Mapped[str | None] = mapped_column(String(64))  # the operator's username
    held_since: Mapped[datetime | None] = mapped_column()
    # the holder's last claim or message: a claim idle for HANDOFF_CLAIM_TIMEOUT goes back
    last_operator_at: Mapped[datetime | None] = mapped_column()
    # handed back to the bot and Rasa's half-filled form not yet reset (done on the next message)
    bot_reset_pending: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)

    channel_identity: Mapped["ChannelIdentity"] = relationship()  # noqa: F821 (registry name)
    messages: Mapped[list["Message"]] = relationship(
        back_populates="conversation", order_by="Message.id"
    )

    @property
    def needs_human(self) -> bool:
        """Waiting for or held by a person."""
        return self.state != ConversationState.bot


class Message(Base):
    """A message in a conversation; inbound messages keep what the NLU understood."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(check_in("direction", MessageDirection), name="direction"),
        CheckConstraint(check_in("role", MessageRole), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16), default=MessageRole.bot)
    text: Mapped[str] = mapped_column(Text, default="")
    nlu: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    external_id: Mapped[str | None] = mapped_column(String(64))
    staff_id: Mapped[str | None] = mapped_column(String(64))  # the operator who wrote it
    # how an operator's message (or a notice) goes to the citizen: its delivery state
    outbox_event_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_events.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class NluCorrection(Base):
    """An operator's correction of what the NLU made of a citizen's message: a labelled example
    for the admins' NLU review (and later retraining)."""

    __tablename__ = "nlu_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    predicted_intent: Mapped[str | None] = mapped_column(String(64))
    predicted_entities: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    predicted: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # category, place …
    corrected_intent: Mapped[str | None] = mapped_column(String(64))
    corrected: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what the operator set
    staff_id: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
