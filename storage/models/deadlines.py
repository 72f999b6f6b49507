"""Deadline alerts (催办 / 督办) fired by the time-limit sweep, at most once per deadline."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow
from storage.models.enums import check_in
from storage.models.tickets import Ticket


class Deadline(StrEnum):
    """Which time limit of a ticket: first contact (contact_due) or resolution (resolve_due)."""

    contact = "contact"
    resolve = "resolve"


class AlertKind(StrEnum):
    """Reminder 催办 before a deadline; escalation 督办 to the supervising department after it."""

    reminder = "reminder"
    escalation = "escalation"


class DeadlineAlert(Base):
    """One reminder or escalation of one deadline value of one ticket.

    Unique on (ticket, deadline, kind, due_at): a sweep inserts the row before acting, so an
    alert fires once even when several replicas sweep at the same time, and a new deadline (a
    reopened ticket gets a new `resolve_due`) gets its own alerts.
    """

    __tablename__ = "deadline_alerts"
    __table_args__ = (
        UniqueConstraint("ticket_id", "deadline", "kind", "due_at", name="uq_deadline_alerts_once"),
        CheckConstraint(check_in("deadline", Deadline), name="deadline"),
        CheckConstraint(check_in("kind", AlertKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    deadline: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column()
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)


# The sweep's access path: open tickets by due time. Equality on state first, the due-time
# range last, so `state IN (open states) AND contact_due <= :t` is one index range per state.
Index("ix_tickets_state_contact_due", Ticket.__table__.c.state, Ticket.__table__.c.contact_due)
Index("ix_tickets_state_resolve_due", Ticket.__table__.c.state, Ticket.__table__.c.resolve_due)
