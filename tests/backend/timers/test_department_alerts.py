"""Reminders and escalations reach a person: the department's Telegram chat, via the outbox."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.outbox.dispatcher import claim_due
from backend.timers.sweep import sweep_due
from storage.models import Department, OutboxEvent
from tests.backend.ticket_factory import load_ticket, open_ticket

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
WINDOW = timedelta(hours=2)


def _alerts(session: Session) -> list[OutboxEvent]:
    query = select(OutboxEvent).where(OutboxEvent.kind == "department_alert")
    return list(session.scalars(query.order_by(OutboxEvent.id)))


def _name_chats(session_factory: sessionmaker[Session], ticket_no: str) -> tuple[int, int]:
    with session_factory.begin() as session:
        department = load_ticket(session, ticket_no).department
        assert department is not None and department.parent is not None
        department.telegram_chat_id = "-1001"
        department.parent.telegram_chat_id = "-2002"
        return department.id, department.parent.id


def test_a_reminder_goes_to_the_departments_chat_once(
    session_factory: sessionmaker[Session],
) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    _name_chats(session_factory, ticket_no)
    for _ in range(2):
        with session_factory.begin() as session:
            sweep_due(
                session=session,
                now=T0 + timedelta(hours=23),
                reminder_window=WINDOW,
                console_url="https://suban.example/console",
            )
    with session_factory() as session:
        [alert] = _alerts(session)
        assert alert.payload["chat_id"] == "-1001" and alert.payload["channel"] == "telegram"
        assert "催办" in alert.payload["text"] and ticket_no in alert.payload["text"]
        assert f"https://suban.example/console/tickets/{ticket_no}" in alert.payload["text"]


def test_an_escalation_goes_to_the_supervisor_and_the_department(
    session_factory: sessionmaker[Session],
) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    _name_chats(session_factory, ticket_no)
    with session_factory.begin() as session:
        sweep_due(session=session, now=T0 + timedelta(hours=25), reminder_window=WINDOW)
    with session_factory() as session:
        alerts = _alerts(session)
        assert sorted(a.payload["chat_id"] for a in alerts) == ["-1001", "-2002"]
        assert all("督办" in a.payload["text"] for a in alerts)


def test_the_dispatcher_hands_the_alert_to_the_telegram_sender(
    session_factory: sessionmaker[Session],
) -> None:
    ticket_no = open_ticket(session_factory, now=T0)
    _name_chats(session_factory, ticket_no)
    with session_factory.begin() as session:
        sweep_due(session=session, now=T0 + timedelta(hours=23), reminder_window=WINDOW)
    with session_factory.begin() as session:
        messages = claim_due(session=session, now=datetime.now(UTC), batch_size=50)
    [alert] = [m for m in messages if m.kind == "department_alert"]
    assert (alert.channel, alert.chat_id) == ("telegram", "-1001")
    assert alert.direct_text is not None and "催办" in alert.direct_text


def test_no_chat_no_alert(session_factory: sessionmaker[Session]) -> None:
    open_ticket(session_factory, now=T0)
    with session_factory.begin() as session:
        sweep_due(session=session, now=T0 + timedelta(hours=25), reminder_window=WINDOW)
    with session_factory() as session:
        assert _alerts(session) == []
        assert (
            session.scalar(select(Department.id).where(Department.telegram_chat_id.is_not(None)))
            is None
        )
