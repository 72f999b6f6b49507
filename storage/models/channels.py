"""What the chat channels remember: messages sent to citizens and Telegram updates already seen."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, String, Text, UniqueConstraint
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # for retention
    sent_at: Mapped[datetime | None] = mapped_column()


class TelegramUpdate(Base):
    """A Telegram update id already handled, so that a re-delivered update is handled once."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class HeldMessage(Base):
    """A chat's newest message that arrived while the chat was over its rate limit.

    One row per chat: a newer message replaces the held one. It is sent to Rasa once the limit
    allows (`due_at`), by a background job, so it survives a restart.
    """

    __tablename__ = "held_messages"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", name="uq_held_messages_chat"),
        CheckConstraint(check_in("channel", Channel), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # the client address the message came from (web chat), to bound holds per address
    address: Mapped[str | None] = mapped_column(String(64), index=True)
    held_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(index=True)


class ChatUpload(Base):
    """A photo a citizen uploaded in the web chat: for the per-chat quota and for retention."""

    __tablename__ = "chat_uploads"
    __table_args__ = (
        CheckConstraint(check_in("channel", Channel), name="channel"),
        Index("ix_chat_uploads_chat", "channel", "chat_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
