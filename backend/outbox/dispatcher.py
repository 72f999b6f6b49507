"""The outbox dispatcher: hands due outbox events to the deliverer, at least once, with backoff.

One round: claim due events in a short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
replicas never take the same row), push their `next_attempt_at` forward by a lease so that nobody
else takes them while they are in flight, commit; then deliver each one outside any transaction
and record its outcome in its own short transaction. A crash between delivery and recording only
lets the lease run out and the event go again: at least once, with the dedupe key to drop repeats.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from backend.handoff.notices import announce_delivery
from backend.outbox.delivery import (
    DIRECT_TEXT_KINDS,
    Deliver,
    DeliveryOutcome,
    DeliveryResult,
    OutboxMessage,
)
from storage.db import is_postgresql
from storage.models import ChannelIdentity, OutboxEvent, OutboxStatus, Ticket

log = logging.getLogger(__name__)
R = TypeVar("R")

CLAIM_LEASE = timedelta(minutes=10)
RETRY_BASE = timedelta(seconds=10)
RETRY_CAP = timedelta(hours=1)
DEFAULT_MAX_ATTEMPTS = 8
DUE_STATUSES = (OutboxStatus.pending, OutboxStatus.failed)


def retry_delay(
    *, attempt: int, base: timedelta = RETRY_BASE, cap: timedelta = RETRY_CAP
) -> timedelta:
    """Exponential backoff after the `attempt`-th failed attempt: base, 2·base, 4·base … ≤ cap."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    return min(cap, base * 2 ** min(attempt - 1, 30))


@dataclass(frozen=True, slots=True)
class DispatchReport:
    """What one dispatch round did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def claimed(self) -> int:
        """How many events the round took."""
        return self.delivered + self.retried + self.dead


def claim_due(
    *, session: Session, now: datetime, batch_size: int, lease: timedelta = CLAIM_LEASE
) -> list[OutboxMessage]:
    """Take up to `batch_size` due events (oldest first), count the attempt and lease them.

    An event waits while an earlier one to the same chat is in flight or backing off, so a chat
    gets its messages in order, an operator's conversation included (`dispatch_pending` keeps
    the order within a batch); a message given up on (`dead`) no longer holds later ones back.

    Each row is taken with a compare-and-set update (same attempt count as read), so two
    dispatchers never both take a row, on SQLite too; PostgreSQL also skips locked rows.
    """
    earlier = aliased(OutboxEvent)
    undelivered_before = (
        select(earlier.id)
        .where(
            earlier.channel_identity_id == OutboxEvent.channel_identity_id,
            earlier.id < OutboxEvent.id,
            earlier.status.in_(DUE_STATUSES),
            earlier.next_attempt_at > now,  # due ones come first in this same batch
        )
        .exists()
    )
    query = (
        select(OutboxEvent)
        .where(
            OutboxEvent.status.in_(DUE_STATUSES),
            OutboxEvent.next_attempt_at <= now,
            ~undelivered_before,  # a chat gets its messages in order: the earlier one goes first
        )
        .order_by(OutboxEvent.id)
        .limit(batch_size)
    )
    if is_postgresql(session.get_bind().engine):
        query = query.with_for_update(skip_locked=True)
    events = list(session.scalars(query))
    taken = [(event, _take(session, event=event, until=now + lease)) for event in events]
    ticket_nos = _ticket_numbers(session, {e.ticket_id for e, _ in taken if e.ticket_id})
    chats = _chats(session, {e.channel_identity_id for e, _ in taken if e.channel_identity_id})
    messages: list[OutboxMessage] = []
    for event, attempt in taken:
        if attempt is None:
            continue  # another dispatcher took it between our read and our update
        if event.channel_identity_id is not None:
            channel, chat_id = chats.get(event.channel_identity_id, (None, None))
        else:  # a staff chat (a department's alert chat) is named in the payload
            channel, chat_id = _payload_chat(event.payload or {})
        messages.append(
            OutboxMessage(
                id=event.id,
                dedupe_key=event.dedupe_key,
                kind=event.kind,
                ticket_no=ticket_nos.get(event.ticket_id or 0),
                channel=channel,
                chat_id=chat_id,
                payload=dict(event.payload or {}),
                attempt=attempt,
            )
        )
    return messages


def _take(session: Session, *, event: OutboxEvent, until: datetime) -> int | None:
    """Lease one event if nobody changed it since we read it; its new attempt count or None."""
    statement = (
        update(OutboxEvent)
        .where(
            OutboxEvent.id == event.id,
            OutboxEvent.attempts == event.attempts,
            OutboxEvent.status.in_(DUE_STATUSES),
        )
        .values(attempts=OutboxEvent.attempts + 1, next_attempt_at=until)
        .returning(OutboxEvent.attempts)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).scalar_one_or_none()


def record_outcome(
    *,
    session: Session,
    message: OutboxMessage,
    result: DeliveryResult,
    now: datetime,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> OutboxStatus:
    """Mark the event delivered, schedule a retry, or give up (`dead`); returns the new status."""
    event = session.get(OutboxEvent, message.id)
    if event is None:
        raise LookupError(f"outbox event {message.id} vanished while in flight")
    if event.status == OutboxStatus.delivered:
        return OutboxStatus.delivered  # someone else delivered it after our lease ran out
    superseded = event.attempts != message.attempt  # our lease ran out and it was taken again
    if superseded and result.outcome is not DeliveryOutcome.delivered:
        return OutboxStatus(event.status)
    if result.outcome is DeliveryOutcome.delivered:
        event.status = OutboxStatus.delivered
        event.delivered_at = now
        event.last_error = None
    elif result.outcome is DeliveryOutcome.unreachable:
        event.status = OutboxStatus.dead
        event.last_error = result.error
        _mark_unreachable(session, event.channel_identity_id)
    elif event.attempts >= max_attempts:
        event.status = OutboxStatus.dead
        event.last_error = f"gave up after {event.attempts} attempts: {result.error}"
    else:
        event.status = OutboxStatus.failed
        event.last_error = result.error
        event.next_attempt_at = now + retry_delay(attempt=event.attempts)
    session.flush()
    if event.kind in DIRECT_TEXT_KINDS:  # written to a chat from its transcript
        announce_delivery(session, event)
    return OutboxStatus(event.status)


def unclaim(*, session: Session, message: OutboxMessage, now: datetime) -> None:
    """Give back a claimed event without an attempt (an earlier one to its chat failed): it is
    due again, and waits in `claim_due` while the earlier one backs off."""
    session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == message.id, OutboxEvent.attempts == message.attempt)
        .values(attempts=OutboxEvent.attempts - 1, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


async def dispatch_pending(
    *,
    session_factory: sessionmaker[Session],
    deliver: Deliver,
    now: datetime,
    batch_size: int,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> DispatchReport:
    """One dispatch round: claim due events, deliver each (in creation order), record outcomes."""
    messages = await asyncio.to_thread(
        _in_transaction,
        session_factory,
        lambda session: claim_due(session=session, now=now, batch_size=batch_size),
    )
    counts = {OutboxStatus.delivered: 0, OutboxStatus.failed: 0, OutboxStatus.dead: 0}
    held_back: set[str] = set()  # chats whose earlier message failed in this round
    for message in messages:
        if message.sender_id in held_back:
            await asyncio.to_thread(
                _in_transaction,
                session_factory,
                lambda session, message=message: unclaim(session=session, message=message, now=now),
            )
            counts[OutboxStatus.failed] += 1
            continue
        result = await _attempt(deliver, message)
        if result.outcome is DeliveryOutcome.retry and message.sender_id is not None:
            held_back.add(message.sender_id)
        status = await asyncio.to_thread(
            _in_transaction,
            session_factory,
            lambda session, message=message, result=result: record_outcome(
                session=session, message=message, result=result, now=now, max_attempts=max_attempts
            ),
        )
        counts[status] += 1
    return DispatchReport(
        delivered=counts[OutboxStatus.delivered],
        retried=counts[OutboxStatus.failed],
        dead=counts[OutboxStatus.dead],
    )


async def _attempt(deliver: Deliver, message: OutboxMessage) -> DeliveryResult:
    if message.sender_id is None:
        return DeliveryResult.unreachable("the event has no target chat")
    try:
        return await deliver(message)
    except Exception as error:  # a deliverer bug or outage must not stop the round
        log.warning("delivering %s failed: %r", message.dedupe_key, error)
        return DeliveryResult.retry(f"{type(error).__name__}: {error}")


def _in_transaction(session_factory: sessionmaker[Session], work: Callable[[Session], R]) -> R:
    with session_factory() as session, session.begin():
        return work(session)


def _ticket_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Ticket.id, Ticket.ticket_no).where(Ticket.id.in_(ids)))
    return {ticket_id: ticket_no for ticket_id, ticket_no in rows}


def _chats(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = session.execute(
        select(ChannelIdentity.id, ChannelIdentity.channel, ChannelIdentity.chat_id).where(
            ChannelIdentity.id.in_(ids)
        )
    )
    return {identity_id: (channel, chat_id) for identity_id, channel, chat_id in rows}


def _payload_chat(payload: dict) -> tuple[str | None, str | None]:
    channel, chat_id = payload.get("channel"), payload.get("chat_id")
    if isinstance(channel, str) and isinstance(chat_id, str):
        return channel, chat_id
    return None, None


def _mark_unreachable(session: Session, identity_id: int | None) -> None:
    if identity_id is None:
        return
    identity = session.get(ChannelIdentity, identity_id)
    if identity is not None:
        identity.reachable = False
