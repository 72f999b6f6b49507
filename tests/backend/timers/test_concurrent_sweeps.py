"""Several platform replicas sweeping at once never fire an alert twice (PostgreSQL)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from backend.timers.sweep import sweep_due
from storage.models import DeadlineAlert, TicketEvent
from tests.backend.ticket_factory import open_ticket

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
NEAR_CONTACT = T0 + timedelta(hours=23)
WINDOW = timedelta(hours=2)


def needs_postgresql(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("FOR UPDATE SKIP LOCKED exists only on PostgreSQL")


def count(session_factory: sessionmaker[Session], what: object) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(what)) or 0  # type: ignore[arg-type]


def test_a_sweep_skips_rows_another_sweep_holds(session_factory: sessionmaker[Session]) -> None:
    needs_postgresql(session_factory)
    for n in range(3):
        open_ticket(session_factory, chat_id=f"2000{n}", now=T0)
    first = session_factory()
    second = session_factory()
    try:
        held = sweep_due(session=first, now=NEAR_CONTACT, reminder_window=WINDOW)
        assert len(held.fired) == 3  # locked and written, not yet committed
        second.execute(text("SET LOCAL lock_timeout = '5s'"))  # a blocking lock would fail
        skipped = sweep_due(session=second, now=NEAR_CONTACT, reminder_window=WINDOW)
        assert skipped.fired == []
        first.commit()
        second.rollback()
        with session_factory.begin() as third:
            later = sweep_due(session=third, now=NEAR_CONTACT, reminder_window=WINDOW)
        assert later.fired == []
    finally:
        first.close()
        second.close()
    assert count(session_factory, DeadlineAlert) == 3


def test_two_concurrent_sweeps_fire_each_alert_once(
    session_factory: sessionmaker[Session],
) -> None:
    needs_postgresql(session_factory)
    tickets = 20
    for n in range(tickets):
        open_ticket(session_factory, chat_id=f"3000{n}", now=T0)
    start = threading.Barrier(2)
    fired: list[int] = []
    errors: list[BaseException] = []

    def replica() -> None:
        try:
            start.wait(timeout=10)
            with session_factory.begin() as session:
                report = sweep_due(session=session, now=NEAR_CONTACT, reminder_window=WINDOW)
            fired.append(len(report.fired))
        except BaseException as error:  # surfaced below
            errors.append(error)

    replicas = [threading.Thread(target=replica) for _ in range(2)]
    for thread in replicas:
        thread.start()
    for thread in replicas:
        thread.join(timeout=60)
    assert errors == []
    assert sum(fired) == tickets
    assert count(session_factory, DeadlineAlert) == tickets
    with session_factory() as session:
        reminders = session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.action == "remind")
        )
    assert reminders == tickets
