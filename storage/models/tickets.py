"""Tickets (工单), their audit trail, media, subscribers and the per-day number counter."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow
from storage.models.citizens import ChannelIdentity, Citizen
from storage.models.departments import Department
from storage.models.enums import (
    ActorKind,
    ContactPreference,
    RequestType,
    SubscriberRole,
    TicketSource,
    TicketState,
    check_in,
)


class TicketCounter(Base):
    """The last ticket number handed out on one day; bumped in the creating transaction."""

    __tablename__ = "ticket_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


STATS_COLUMNS = (
    "state",
    "department_id",
    "service_code",
    "district",
    "street",
    "contact_due",
    "first_contact_at",
    "resolve_due",
    "resolved_at",
    "reopen_count",
    "ratings_count",
    "satisfied_count",
)
"""What the 三率 read besides created_at: carried in `ix_tickets_stats` on PostgreSQL, so that
the dashboard scans the index only, not the wide ticket rows."""


class Ticket(Base):
    """One citizen demand, numbered `SZYYYYMMDD-NNNNNN`, routed to one responsible department."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_stats", "created_at", postgresql_include=list(STATS_COLUMNS)),
        CheckConstraint(check_in("state", TicketState), name="state"),
        CheckConstraint(check_in("request_type", RequestType), name="request_type"),
        CheckConstraint(
            check_in("contact_preference", ContactPreference), name="contact_preference"
        ),
        CheckConstraint(check_in("source", TicketSource), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(20), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(16), default=TicketSource.api)
    request_type: Mapped[str] = mapped_column(String(16), default=RequestType.complaint)
    service_code: Mapped[str] = mapped_column(
        ForeignKey("service_categories.service_code"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(String(32), index=True)
    street: Mapped[str | None] = mapped_column(String(32))
    community: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(255))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    urgent: Mapped[bool] = mapped_column(default=False)

    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    routing_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("routing_rules.id", ondelete="SET NULL")
    )
    routing_explanation: Mapped[str] = mapped_column(Text, default="")

    contact_preference: Mapped[str] = mapped_column(String(16), default=ContactPreference.chat)
    phone: Mapped[str | None] = mapped_column(String(32))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    channel_identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id"), index=True
    )

    reopen_count: Mapped[int] = mapped_column(default=0)
    # Counters of the `ratings` rows (kept by backend.tickets.ratings, the one writer), so that
    # the 三率 over a large history need no join: how many ratings, how many 基本满意 or 满意.
    ratings_count: Mapped[int] = mapped_column(default=0, server_default="0")
    satisfied_count: Mapped[int] = mapped_column(default=0, server_default="0")
    supervision: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)

    contact_due: Mapped[datetime | None] = mapped_column(index=True)
    resolve_due: Mapped[datetime | None] = mapped_column(index=True)
    first_contact_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    reminder_sent_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()

    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department | None] = relationship()
    citizen: Mapped[Citizen | None] = relationship()
    channel_identity: Mapped[ChannelIdentity | None] = relationship()
    merged_into: Mapped["Ticket | None"] = relationship(remote_side=[id])
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    media: Mapped[list["TicketMedia"]] = relationship(
        back_populates="ticket", order_by="TicketMedia.id"
    )
    subscribers: Mapped[list["TicketSubscriber"]] = relationship(
        primaryjoin="Ticket.id == TicketSubscriber.ticket_id",
        order_by="TicketSubscriber.id",
        viewonly=True,
    )


class TicketEvent(Base):
    """One line of a ticket's audit trail: who did what when, and whether the citizen sees it."""

    __tablename__ = "ticket_events"
    __table_args__ = (CheckConstraint(check_in("actor_kind", ActorKind), name="actor_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketMedia(Base):
    """A photo or file attached to a ticket: a channel file id or a URL."""

    __tablename__ = "ticket_media"
    __table_args__ = (
        CheckConstraint("file_id IS NOT NULL OR url IS NOT NULL", name="file_id_or_url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="photo")
    file_id: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="media")


class TicketSubscriber(Base):
    """A chat that hears about a ticket: its reporter, co-reporters who chose to follow it, and
    reporters of tickets merged into it (`role`); each gets the notices and rates for itself."""

    __tablename__ = "ticket_subscribers"
    __table_args__ = (
        UniqueConstraint(
            "ticket_id", "channel_identity_id", name="uq_ticket_subscribers_ticket_id_identity"
        ),
        CheckConstraint(check_in("role", SubscriberRole), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    channel_identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id"), index=True
    )
    via_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    role: Mapped[str] = mapped_column(String(16), default=SubscriberRole.reporter)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
