"""The outbox dispatcher: at least once, dedupe keys, backoff, dead letters, no double claims."""

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from backend.outbox.delivery import DeliveryResult, OutboxMessage
from backend.outbox.dispatcher import CLAIM_LEASE, claim_due, dispatch_pending
from storage.models import ChannelIdentity, OutboxEvent
from tests.backend.ticket_factory import open_ticket

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


class ScriptedDeliverer:
    """Answers with the scripted results in turn (the last one repeats) and records each call."""

    def __init__(self, results: Iterable[DeliveryResult | Exception]) -> None:
        self.results = list(results)
        self.calls: list[OutboxMessage] = []

    async def __call__(self, message: OutboxMessage) -> DeliveryResult:
        self.calls.append(message)
        result = self.results[min(len(self.calls), len(self.results)) - 1]
        if isinstance(result, Exception):
            raise result
        return result


def rows(session_factory: sessionmaker[Session]) -> list[OutboxEvent]:
    with session_factory() as session:
        return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)))


async def run(
    session_factory: sessionmaker[Session], deliver: ScriptedDeliverer, now: datetime, **kw: int
) -> tuple[int, int, int]:
    report = await dispatch_pending(
        session_factory=session_factory, deliver=deliver, now=now, batch_size=10, **kw
    )
    return report.delivered, report.retried, report.dead


async def test_a_pending_notice_is_delivered_once(session_factory: sessionmaker[Session]) -> None:
    ticket_no = open_ticket(session_factory, chat_id="42", now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.delivered()])
    assert await run(session_factory, deliver, T0) == (1, 0, 0)
    assert await run(session_factory, deliver, T0 + timedelta(hours=1)) == (0, 0, 0)
    [message] = deliver.calls
    assert message.kind == "dispatched"
    assert message.ticket_no == ticket_no
    assert (message.channel, message.chat_id) == ("telegram", "42")
    assert message.sender_id == "telegram:42"
    assert message.dedupe_key.startswith(f"ticket:{ticket_no}:")
    assert "南山区粤海街道办事处" in message.payload["text"]
    [row] = rows(session_factory)
    assert (row.status, row.attempts, row.delivered_at) == ("delivered", 1, T0)


async def test_a_failure_is_retried_with_backoff_under_the_same_key(
    session_factory: sessionmaker[Session],
) -> None:
    open_ticket(session_factory, now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.retry("rasa down"), DeliveryResult.delivered()])
    assert await run(session_factory, deliver, T0) == (0, 1, 0)
    [row] = rows(session_factory)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "rasa down")
    assert row.next_attempt_at == T0 + timedelta(seconds=10)
    assert await run(session_factory, deliver, T0 + timedelta(seconds=5)) == (0, 0, 0)
    assert await run(session_factory, deliver, T0 + timedelta(seconds=10)) == (1, 0, 0)
    first, second = deliver.calls
    assert first.dedupe_key == second.dedupe_key
    assert (first.attempt, second.attempt) == (1, 2)


async def test_backoff_doubles_between_failures(session_factory: sessionmaker[Session]) -> None:
    open_ticket(session_factory, now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.retry("timeout")])
    now = T0
    waits = []
    for _ in range(3):
        await run(session_factory, deliver, now)
        [row] = rows(session_factory)
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert waits == [timedelta(seconds=10), timedelta(seconds=20), timedelta(seconds=40)]


async def test_a_crashing_deliverer_counts_as_a_failure(
    session_factory: sessionmaker[Session],
) -> None:
    open_ticket(session_factory, now=T0)
    deliver = ScriptedDeliverer([RuntimeError("boom")])
    assert await run(session_factory, deliver, T0) == (0, 1, 0)
    [row] = rows(session_factory)
    assert row.status == "failed"
    assert row.last_error == "RuntimeError: boom"


async def test_gives_up_after_max_attempts(session_factory: sessionmaker[Session]) -> None:
    open_ticket(session_factory, now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.retry("still down")])
    assert await run(session_factory, deliver, T0, max_attempts=2) == (0, 1, 0)
    later = T0 + timedelta(hours=1)
    assert await run(session_factory, deliver, later, max_attempts=2) == (0, 0, 1)
    [row] = rows(session_factory)
    assert row.status == "dead"
    assert "gave up after 2 attempts" in (row.last_error or "")
    assert await run(session_factory, deliver, later + timedelta(days=1), max_attempts=2) == (
        0,
        0,
        0,
    )


async def test_an_unreachable_chat_is_dead_at_once(session_factory: sessionmaker[Session]) -> None:
    open_ticket(session_factory, chat_id="7", now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.unreachable("bot was blocked by the user")])
    assert await run(session_factory, deliver, T0) == (0, 0, 1)
    [row] = rows(session_factory)
    assert (row.status, row.last_error) == ("dead", "bot was blocked by the user")
    with session_factory() as session:
        identity = session.scalars(select(ChannelIdentity).where(ChannelIdentity.chat_id == "7"))
        assert identity.one().reachable is False


async def test_a_crash_after_claiming_lets_the_lease_run_out(
    session_factory: sessionmaker[Session],
) -> None:
    """At least once: an event claimed by a dispatcher that died is taken again later."""
    open_ticket(session_factory, now=T0)
    with session_factory.begin() as session:
        [claimed] = claim_due(session=session, now=T0, batch_size=10)
    # the dispatcher dies here, before delivering or recording
    deliver = ScriptedDeliverer([DeliveryResult.delivered()])
    assert await run(session_factory, deliver, T0 + CLAIM_LEASE / 2) == (0, 0, 0)
    assert await run(session_factory, deliver, T0 + CLAIM_LEASE) == (1, 0, 0)
    assert deliver.calls[0].dedupe_key == claimed.dedupe_key
    assert deliver.calls[0].attempt == 2


async def test_batches_are_delivered_in_creation_order(
    session_factory: sessionmaker[Session],
) -> None:
    for n in range(3):
        open_ticket(session_factory, chat_id=f"50{n}", now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.delivered()])
    report = await dispatch_pending(
        session_factory=session_factory, deliver=deliver, now=T0, batch_size=2
    )
    assert report.delivered == 2
    assert [m.chat_id for m in deliver.calls] == ["500", "501"]
    await dispatch_pending(session_factory=session_factory, deliver=deliver, now=T0, batch_size=2)
    assert [m.chat_id for m in deliver.calls] == ["500", "501", "502"]


def test_claims_skip_rows_another_dispatcher_holds(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as probe:
        if probe.get_bind().dialect.name != "postgresql":
            pytest.skip("FOR UPDATE SKIP LOCKED exists only on PostgreSQL")
    for n in range(2):
        open_ticket(session_factory, chat_id=f"60{n}", now=T0)
    first, second = session_factory(), session_factory()
    try:
        assert len(claim_due(session=first, now=T0, batch_size=1)) == 1
        second.execute(text("SET LOCAL lock_timeout = '5s'"))
        [other] = claim_due(session=second, now=T0, batch_size=10)
        assert other.chat_id == "601"  # the row the first dispatcher holds is skipped
    finally:
        first.close()
        second.close()


async def test_two_dispatchers_at_once_deliver_each_event_once(
    session_factory: sessionmaker[Session],
) -> None:
    for n in range(6):
        open_ticket(session_factory, chat_id=f"70{n}", now=T0)
    seen: list[str] = []

    async def slow_deliver(message: OutboxMessage) -> DeliveryResult:
        seen.append(message.dedupe_key)
        await asyncio.sleep(0.01)  # let the other dispatcher run meanwhile
        return DeliveryResult.delivered()

    reports = await asyncio.gather(
        *(
            dispatch_pending(
                session_factory=session_factory, deliver=slow_deliver, now=T0, batch_size=10
            )
            for _ in range(2)
        )
    )
    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == 6
    assert sum(report.delivered for report in reports) == 6
    assert {row.status for row in rows(session_factory)} == {"delivered"}


async def test_a_chat_gets_its_messages_in_order_when_one_fails(
    session_factory: sessionmaker[Session],
) -> None:
    first = open_ticket(session_factory, chat_id="80", now=T0)
    second = open_ticket(session_factory, chat_id="80", now=T0)
    other = open_ticket(session_factory, chat_id="81", now=T0)
    deliver = ScriptedDeliverer([DeliveryResult.retry("502"), DeliveryResult.delivered()])
    assert await run(session_factory, deliver, T0) == (1, 2, 0)  # 80's second waits; 81 goes
    assert [m.ticket_no for m in deliver.calls] == [first, other]
    assert await run(session_factory, deliver, T0 + timedelta(seconds=5)) == (0, 0, 0)
    assert await run(session_factory, deliver, T0 + timedelta(seconds=10)) == (2, 0, 0)
    assert [m.ticket_no for m in deliver.calls] == [first, other, first, second]
    assert [row.attempts for row in rows(session_factory)] == [2, 1, 1]
