"""Citizens (市民) and the chat identities they reach us through."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow
from storage.models.enums import Channel, Language, check_in


class Citizen(Base):
    """A person who brings demands; may have several channel identities."""

    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identities: Mapped[list["ChannelIdentity"]] = relationship(back_populates="citizen")


class ChannelIdentity(Base):
    """One chat on one channel (a Telegram chat id, a web chat session)."""

    __tablename__ = "channel_identities"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", name="uq_channel_identities_channel_chat_id"),
        CheckConstraint(check_in("channel", Channel), name="channel"),
        CheckConstraint(check_in("language", Language), name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(128))
    reachable: Mapped[bool] = mapped_column(default=True)
    # the language this chat writes in, as backend/citizens/language.py last decided it
    language: Mapped[str] = mapped_column(
        String(8), default=Language.zh.value, server_default=Language.zh.value
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column()

    citizen: Mapped[Citizen] = relationship(back_populates="identities")
