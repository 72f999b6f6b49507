"""Outbox events (消息推送): citizen-visible changes, written with the change, delivered later."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow
from storage.models.enums import OutboxStatus, check_in


class OutboxEvent(Base):
    """A message to deliver at least once to one chat; `dedupe_key` lets receivers drop repeats."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        CheckConstraint(check_in("status", OutboxStatus), name="status"),
        # a chat's earlier undelivered events, which later ones wait for (dispatcher.claim_due)
        Index("ix_outbox_events_chat", "channel_identity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    channel_identity_id: Mapped[int | None] = mapped_column(ForeignKey("channel_identities.id"))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.pending, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
