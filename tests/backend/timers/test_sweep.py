"""Time limits with frozen time: reminder once, escalation once, nothing for finished tickets."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor, ChatRef
from backend.tickets.transitions import apply_transition
from backend.timers.job import run_sweep
from backend.timers.sweep import due_query, sweep_due
from storage.models import (
    ActorKind,
    AlertKind,
    Deadline,
    DeadlineAlert,
    OutboxEvent,
    StaffRole,
    TicketEvent,
)
from tests.backend.ticket_factory import load_ticket, open_ticket

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)  # 09:00 in Shenzhen
WINDOW = timedelta(hours=2)
OPERATOR = Actor(kind=ActorKind.staff, id="op", role=StaffRole.operator)


def sweep_at(session_factory: sessionmaker[Session], moment: datetime) -> list[tuple[str, str]]:
    """Run one committed sweep at `moment`; (deadline, kind) of what fired."""
    with session_factory.begin() as session:
        report = sweep_due(session=session, now=moment, reminder_window=WINDOW)
    return [(alert.deadline.value, alert.kind.value) for alert in report.fired]


def events(session: Session, ticket_no: str, action: str) -> list[TicketEvent]:
    ticket = load_ticket(session, ticket_no)
    return list(
        session.scalars(
            select(TicketEvent).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.action == action
            )
        )
    )


def escalation_messages(session: Session, ticket_no: str) -> list[OutboxEvent]:
    ticket = load_ticket(session, ticket_no)
    query = select(OutboxEvent).where(
        OutboxEvent.ticket_id == ticket.id, OutboxEvent.kind == "escalated"
    )
    return list(session.scalars(query))


def test_a_new_ticket_has_both_deadlines(session_factory: sessionmaker[Session]) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    with session_factory() as session:
        ticket = load_ticket(session, ticket_no)
        assert ticket.contact_due == T0 + timedelta(hours=24)
        assert ticket.resolve_due == T0 + timedelta(hours=48)  # noise: 48 h


def test_nothing_is_due_early(session_factory: sessionmaker[Session]) -> None:
    open_ticket(session_factory, now=T0)
    assert sweep_at(session_factory, T0 + timedelta(hours=21)) == []


def test_reminder_fires_once_to_the_department(session_factory: sessionmaker[Session]) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    near_contact = T0 + timedelta(hours=23)
    assert sweep_at(session_factory, near_contact) == [("contact", "reminder")]
    assert sweep_at(session_factory, near_contact) == []
    assert sweep_at(session_factory, near_contact + timedelta(minutes=30)) == []
    with session_factory() as session:
        [reminder] = events(session, ticket_no, "remind")
        assert not reminder.public  # for the department, not the citizen
        assert "催办" in (reminder.note or "")
        assert "南山区粤海街道办事处" in (reminder.note or "")
        assert "11月30日 09:00" in (reminder.note or "")  # Shenzhen time
        assert escalation_messages(session, ticket_no) == []
        assert load_ticket(session, ticket_no).reminder_sent_at == near_contact


def test_escalation_fires_once_and_tells_the_citizen(
    session_factory: sessionmaker[Session],
) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    late = T0 + timedelta(hours=25)
    assert sweep_at(session_factory, late) == [("contact", "escalation")]
    assert sweep_at(session_factory, late) == []
    assert sweep_at(session_factory, late + timedelta(hours=1)) == []
    with session_factory() as session:
        [escalation] = events(session, ticket_no, "escalate")
        assert escalation.public
        assert "督办" in (escalation.note or "")
        assert "南山区人民政府" in (escalation.note or "")  # the street office's supervisor
        [message] = escalation_messages(session, ticket_no)
        assert "已升级督办" in message.payload["text"]
        assert message.status == "pending"
        ticket = load_ticket(session, ticket_no)
        assert ticket.supervision
        assert ticket.escalated_at == late
        assert ticket.state == "dispatched"  # escalation is not a state change


def test_each_deadline_alerts_on_its_own(session_factory: sessionmaker[Session]) -> None:
    open_ticket(session_factory, now=T0)
    assert sweep_at(session_factory, T0 + timedelta(hours=23)) == [("contact", "reminder")]
    assert sweep_at(session_factory, T0 + timedelta(hours=47)) == [
        ("contact", "escalation"),
        ("resolve", "reminder"),
    ]
    assert sweep_at(session_factory, T0 + timedelta(hours=49)) == [("resolve", "escalation")]
    assert sweep_at(session_factory, T0 + timedelta(hours=200)) == []


def test_accepted_tickets_owe_no_first_contact(session_factory: sessionmaker[Session]) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    with session_factory.begin() as session:
        ticket = load_ticket(session, ticket_no)
        apply_transition(session=session, ticket=ticket, action="accept", actor=OPERATOR, now=T0)
    assert sweep_at(session_factory, T0 + timedelta(hours=30)) == []
    assert sweep_at(session_factory, T0 + timedelta(hours=47)) == [("resolve", "reminder")]


def test_nothing_fires_for_resolved_tickets(session_factory: sessionmaker[Session]) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    with session_factory.begin() as session:
        ticket = load_ticket(session, ticket_no)
        apply_transition(session=session, ticket=ticket, action="accept", actor=OPERATOR, now=T0)
        apply_transition(
            session=session,
            ticket=ticket,
            action="resolve",
            actor=OPERATOR,
            note="已责令工地夜间停工",
            now=T0 + timedelta(hours=1),
        )
    for hours in (23, 25, 47, 49, 500):
        assert sweep_at(session_factory, T0 + timedelta(hours=hours)) == []
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(DeadlineAlert)) == 0


def test_cancelled_tickets_are_left_alone(session_factory: sessionmaker[Session]) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    with session_factory.begin() as session:
        ticket = load_ticket(session, ticket_no)
        apply_transition(
            session=session,
            ticket=ticket,
            action="cancel",
            actor=Actor.citizen(chat=ChatRef(channel="telegram", chat_id="10001")),
            now=T0,
        )
    assert sweep_at(session_factory, T0 + timedelta(hours=100)) == []


def test_a_ticket_without_a_chat_escalates_without_outbox(
    session_factory: sessionmaker[Session],
) -> None:
    ticket_no = open_ticket(session_factory, chat_id=None, now=T0)
    assert sweep_at(session_factory, T0 + timedelta(hours=25)) == [("contact", "escalation")]
    with session_factory() as session:
        assert escalation_messages(session, ticket_no) == []
        assert len(events(session, ticket_no, "escalate")) == 1


def test_the_job_sweeps_at_the_frozen_now_and_commits(
    session_factory: sessionmaker[Session],
) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    with time_machine.travel(T0 + timedelta(hours=25), tick=False):
        report = run_sweep(session_factory=session_factory, reminder_window=WINDOW)
        again = run_sweep(session_factory=session_factory, reminder_window=WINDOW)
    assert [(a.ticket_no, a.kind) for a in report.fired] == [(ticket_no, AlertKind.escalation)]
    assert again.fired == []


def test_restarting_loses_no_deadline(session_factory: sessionmaker[Session]) -> None:
    """The job keeps no state: a sweep after a long outage still fires what is owed, once."""
    open_ticket(session_factory, now=T0)
    assert sweep_at(session_factory, T0 + timedelta(days=10)) == [
        ("contact", "escalation"),
        ("resolve", "escalation"),
    ]


def test_due_tickets_are_found_through_the_due_time_index(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL's planner prefers a scan on tiny tables; SQLite shows intent")
        for deadline, index in (
            (Deadline.contact, "ix_tickets_state_contact_due"),
            (Deadline.resolve, "ix_tickets_state_resolve_due"),
        ):
            for kind in AlertKind:
                query = due_query(deadline=deadline, kind=kind, now=T0, reminder_window=WINDOW)
                compiled = query.compile(
                    dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
                )
                plan = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
                details = " | ".join(str(row[-1]) for row in plan)
                assert f"SEARCH tickets USING INDEX {index} (state=? AND" in details, details
