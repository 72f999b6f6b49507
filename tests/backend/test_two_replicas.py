"""Two platform replicas on one PostgreSQL, each with its own connection pool and event loop
(threads), running the outbox dispatcher and the deadline sweep at the same time: every outbox
message is delivered once and every deadline alert fires once."""

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.outbox.delivery import DeliveryResult, OutboxMessage
from backend.outbox.dispatcher import dispatch_pending
from backend.timers.sweep import sweep_due
from storage.db import create_db_engine, create_session_factory
from storage.models import DeadlineAlert, OutboxEvent
from tests.backend.ticket_factory import open_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.faults]

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
NEAR_CONTACT = T0 + timedelta(hours=23)
TICKETS = 24
ROUNDS = 6


def test_two_replicas_deliver_each_message_once_and_fire_each_alert_once(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL (SKIP LOCKED)")
    for n in range(TICKETS):
        open_ticket(session_factory, chat_id=f"9{n:03}", now=T0)
    delivered: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    async def deliver(message: OutboxMessage) -> DeliveryResult:
        with lock:
            delivered[message.dedupe_key] += 1
        await asyncio.sleep(0.002)  # a send takes time: the other replica runs meanwhile
        return DeliveryResult.delivered()

    async def rounds(replica: sessionmaker[Session]) -> None:
        for _ in range(ROUNDS):
            # Both replicas read one clock (a claim's lease is measured on it): NEAR_CONTACT.
            await dispatch_pending(
                session_factory=replica, deliver=deliver, now=NEAR_CONTACT, batch_size=4
            )
            with replica.begin() as session:
                sweep_due(session=session, now=NEAR_CONTACT, reminder_window=timedelta(hours=2))
            await dispatch_pending(
                session_factory=replica, deliver=deliver, now=NEAR_CONTACT, batch_size=4
            )

    def replica() -> None:
        engine = create_db_engine(database_url)  # its own pool, as another process has
        try:
            start.wait(timeout=10)
            asyncio.run(rounds(create_session_factory(engine)))
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with session_factory() as session:
        events = session.scalars(select(OutboxEvent)).all()
        alerts = session.scalar(select(func.count()).select_from(DeadlineAlert))
    assert len(events) == TICKETS  # the dispatch notices (no department has an alert chat)
    assert {e.status for e in events} == {"delivered"}
    assert set(delivered) == {e.dedupe_key for e in events}
    assert [key for key, times in delivered.items() if times > 1] == []
    assert alerts == TICKETS
