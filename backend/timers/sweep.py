"""The deadline sweep: reminders 催办 before a time limit, escalation 督办 after it.

Each ticket has two time limits: `contact_due` (first contact, 24 h) and `resolve_due` (the
category's limit). When one is within `reminder_window`, the responsible department gets one
reminder; once it has passed, the supervising department (the department's parent) gets one
escalation and the citizen hears that the ticket is under supervision. Tickets are found by a
range query on the indexed due-time column, never by scanning all tickets; on PostgreSQL the rows
are claimed `FOR UPDATE SKIP LOCKED`, and the unique `deadline_alerts` row inserted before acting
makes each alert fire once even when several replicas sweep at the same moment.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.auth.actor import Actor
from backend.tickets.events import record_event
from backend.timers.clock import format_local
from backend.timers.department_alerts import alert_departments
from backend.timers.notices import escalation_notice
from storage.db import is_postgresql
from storage.models import (
    ActorKind,
    AlertKind,
    Deadline,
    DeadlineAlert,
    Department,
    Ticket,
    TicketEvent,
    TicketState,
)

SWEEP_ACTOR = Actor(kind=ActorKind.system, id="deadline-sweep")
DEFAULT_BATCH_SIZE = 500

# States in which a time limit still runs. First contact is due until the department accepts.
CONTACT_OPEN_STATES = (TicketState.received, TicketState.dispatched, TicketState.returned)
RESOLVE_OPEN_STATES = (
    TicketState.received,
    TicketState.dispatched,
    TicketState.accepted,
    TicketState.returned,
    TicketState.reopened,
)
UNASSIGNED = "承办单位（尚未派单）"
CITY_SUPERVISOR = "市政务服务数据管理局（12345 督办）"
DEADLINE_NAMES = {Deadline.contact: "首次联系时限", Deadline.resolve: "办结时限"}


@dataclass(frozen=True, slots=True)
class FiredAlert:
    """One reminder or escalation the sweep fired."""

    ticket_no: str
    deadline: Deadline
    kind: AlertKind
    due_at: datetime
    department: str | None


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What one sweep fired."""

    fired: list[FiredAlert] = field(default_factory=list)

    def of_kind(self, kind: AlertKind) -> list[FiredAlert]:
        """The fired alerts of one kind."""
        return [alert for alert in self.fired if alert.kind is kind]


def sweep_due(
    *,
    session: Session,
    now: datetime,
    reminder_window: timedelta,
    batch_size: int = DEFAULT_BATCH_SIZE,
    console_url: str = "",
) -> SweepReport:
    """Fire due reminders and escalations; only flushes (the caller commits once).

    `console_url` (the console's public address) goes into departments' chat alerts as a link.
    """
    if reminder_window < timedelta(0):
        raise ValueError("reminder_window must not be negative")
    fired: list[FiredAlert | None] = []
    for deadline in Deadline:
        for kind, fire in ((AlertKind.escalation, _escalate), (AlertKind.reminder, _remind)):
            due = _claim(
                session,
                deadline=deadline,
                kind=kind,
                now=now,
                reminder_window=reminder_window,
                limit=batch_size,
            )
            fired.extend(
                fire(session, ticket=ticket, deadline=deadline, now=now, console_url=console_url)
                for ticket in due
            )
    session.flush()
    return SweepReport(fired=[alert for alert in fired if alert is not None])


def due_column(deadline: Deadline) -> InstrumentedAttribute[datetime | None]:
    """The indexed ticket column holding this time limit."""
    return Ticket.contact_due if deadline is Deadline.contact else Ticket.resolve_due


def _still_running(deadline: Deadline) -> list[ColumnElement[bool]]:
    if deadline is Deadline.contact:
        return [Ticket.state.in_(CONTACT_OPEN_STATES), Ticket.first_contact_at.is_(None)]
    return [Ticket.state.in_(RESOLVE_OPEN_STATES)]


def _not_yet(deadline: Deadline, kind: AlertKind) -> ColumnElement[bool]:
    return ~exists().where(
        DeadlineAlert.ticket_id == Ticket.id,
        DeadlineAlert.deadline == deadline.value,
        DeadlineAlert.kind == kind.value,
        DeadlineAlert.due_at == due_column(deadline),
    )


def due_query(
    *, deadline: Deadline, kind: AlertKind, now: datetime, reminder_window: timedelta
) -> Select[tuple[Ticket]]:
    """Tickets owed this alert: a range on the indexed due-time column, earliest first.

    Escalation: due at or before `now`. Reminder: due after `now` but within the window.
    The (state, due time) indexes serve it with one index range per open state.
    """
    column = due_column(deadline)
    if kind is AlertKind.escalation:
        window = [column <= now]
    else:
        window = [column > now, column <= now + reminder_window]
    return (
        select(Ticket)
        .where(*window, *_still_running(deadline), _not_yet(deadline, kind))
        .order_by(column)
    )


def _claim(
    session: Session,
    *,
    deadline: Deadline,
    kind: AlertKind,
    now: datetime,
    reminder_window: timedelta,
    limit: int,
) -> Sequence[Ticket]:
    """Lock the due rows (skipping rows another sweep holds) on PostgreSQL; select on SQLite."""
    query = due_query(deadline=deadline, kind=kind, now=now, reminder_window=reminder_window)
    query = query.limit(limit)
    if is_postgresql(session.get_bind().engine):
        query = query.with_for_update(skip_locked=True, of=Ticket)
    return session.scalars(query).all()


def _record_once(
    session: Session,
    *,
    ticket: Ticket,
    deadline: Deadline,
    kind: AlertKind,
    due_at: datetime,
    department: Department | None,
    now: datetime,
) -> bool:
    """Insert the alert row unless it exists (another sweep fired it); True when inserted."""
    values = {
        "ticket_id": ticket.id,
        "deadline": deadline.value,
        "kind": kind.value,
        "due_at": due_at,
        "department_id": department.id if department else None,
        "fired_at": now,
    }
    dialect = postgresql if is_postgresql(session.get_bind().engine) else sqlite
    statement = (
        dialect.insert(DeadlineAlert)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(DeadlineAlert.id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def _remind(
    session: Session, *, ticket: Ticket, deadline: Deadline, now: datetime, console_url: str
) -> FiredAlert | None:
    due_at = _due(ticket, deadline)
    department = ticket.department
    if not _record_once(
        session,
        ticket=ticket,
        deadline=deadline,
        kind=AlertKind.reminder,
        due_at=due_at,
        department=department,
        now=now,
    ):
        return None
    handler = department.name if department else UNASSIGNED
    note = (
        f"催办：{DEADLINE_NAMES[deadline]}将于 {format_local(due_at)} 到期，请{handler}抓紧办理。"
    )
    data = {"deadline": deadline.value, "due_at": due_at.isoformat(), "department": handler}
    event = _add_event(
        session, ticket=ticket, action="remind", note=note, public=False, now=now, data=data
    )
    alert_departments(
        session=session,
        ticket=ticket,
        event=event,
        departments=[department],
        console_url=console_url,
    )
    ticket.reminder_sent_at = now
    return FiredAlert(ticket.ticket_no, deadline, AlertKind.reminder, due_at, handler)


def _escalate(
    session: Session, *, ticket: Ticket, deadline: Deadline, now: datetime, console_url: str
) -> FiredAlert | None:
    due_at = _due(ticket, deadline)
    supervisor = ticket.department.parent if ticket.department else None
    if not _record_once(
        session,
        ticket=ticket,
        deadline=deadline,
        kind=AlertKind.escalation,
        due_at=due_at,
        department=supervisor,
        now=now,
    ):
        return None
    handler = ticket.department.name if ticket.department else UNASSIGNED
    to = supervisor.name if supervisor else CITY_SUPERVISOR
    note = (
        f"督办：{DEADLINE_NAMES[deadline]}已于 {format_local(due_at)} 超时，"
        f"已提请{to}督办（承办：{handler}）。"
    )
    data = {
        "deadline": deadline.value,
        "due_at": due_at.isoformat(),
        "department": handler,
        "supervisor": to,
    }
    event = _add_event(
        session, ticket=ticket, action="escalate", note=note, public=True, now=now, data=data
    )
    ticket.escalated_at = now
    ticket.supervision = True
    escalation_notice(session=session, ticket=ticket, event=event)
    alert_departments(
        session=session,
        ticket=ticket,
        event=event,
        departments=[supervisor, ticket.department],
        console_url=console_url,
    )
    return FiredAlert(ticket.ticket_no, deadline, AlertKind.escalation, due_at, to)


def _due(ticket: Ticket, deadline: Deadline) -> datetime:
    due_at = ticket.contact_due if deadline is Deadline.contact else ticket.resolve_due
    if due_at is None:  # the query only returns tickets with this deadline set
        raise ValueError(f"{ticket.ticket_no} has no {deadline.value} deadline")
    return due_at


def _add_event(
    session: Session,
    *,
    ticket: Ticket,
    action: str,
    note: str,
    public: bool,
    now: datetime,
    data: dict[str, str],
) -> TicketEvent:
    return record_event(
        session=session,
        ticket=ticket,
        actor=SWEEP_ACTOR,
        action=action,
        from_state=ticket.state,
        to_state=ticket.state,
        note=note,
        public=public,
        data=data,
        at=now,
    )
