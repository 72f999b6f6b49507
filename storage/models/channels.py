"""What the chat channels remember: messages sent to citizens and Telegram updates already seen."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow
from storage.models.enums import Channel, check_in


class OutboundMessage(Base):
    """One proactive message (主动推送) for one chat, stored before it is sent.

    The messages Rasa answers for one outbox event are stored under the event's dedupe key, so a
    retried event re-sends the stored messages instead of asking Rasa again. The web chat page
    polls its rows by id (`GET /chat/api/updates?after=`); Telegram rows get `sent_at` once sent.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        UniqueConstraint("dedupe_key", "position", name="uq_outbound_messages_dedupe_key"),
        CheckConstraint(check_in("channel", Channel), name="channel"),
        Index("ix_outbound_messages_chat", "channel", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    dedupe_key: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column()
    reply: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class TelegramUpdate(Base):
    """A Telegram update id already handled, so that a re-delivered update is handled once."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
