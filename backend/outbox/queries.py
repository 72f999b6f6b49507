"""Reading the outbox for staff: delivery state per event and counts per status."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidRequest
from storage.models import ChannelIdentity, OutboxEvent, OutboxStatus, Ticket

MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One outbox event as staff see it."""

    id: int
    ticket_no: str | None
    kind: str
    dedupe_key: str
    channel: str | None
    chat_id: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


def parse_status(value: str | None) -> OutboxStatus | None:
    """The status filter, or InvalidRequest naming the valid ones."""
    if value is None:
        return None
    try:
        return OutboxStatus(value)
    except ValueError:
        valid = ", ".join(status.value for status in OutboxStatus)
        raise InvalidRequest(f"status must be one of: {valid}") from None


def list_outbox(
    *,
    session: Session,
    status: OutboxStatus | None = None,
    ticket_no: str | None = None,
    limit: int = 100,
) -> list[OutboxEntry]:
    """Newest events first, optionally of one status or one ticket."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}")
    query = (
        select(OutboxEvent, Ticket.ticket_no, ChannelIdentity.channel, ChannelIdentity.chat_id)
        .outerjoin(Ticket, OutboxEvent.ticket_id == Ticket.id)
        .outerjoin(ChannelIdentity, OutboxEvent.channel_identity_id == ChannelIdentity.id)
        .order_by(OutboxEvent.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(OutboxEvent.status == status.value)
    if ticket_no is not None:
        query = query.where(Ticket.ticket_no == ticket_no)
    return [
        OutboxEntry(
            id=event.id,
            ticket_no=number,
            kind=event.kind,
            dedupe_key=event.dedupe_key,
            channel=channel,
            chat_id=chat_id,
            status=event.status,
            attempts=event.attempts,
            next_attempt_at=event.next_attempt_at,
            last_error=event.last_error,
            delivered_at=event.delivered_at,
            created_at=event.created_at,
        )
        for event, number, channel, chat_id in session.execute(query)
    ]


def count_by_status(*, session: Session) -> dict[str, int]:
    """How many events are in each status (every status listed, zeros included)."""
    counts = {status.value: 0 for status in OutboxStatus}
    rows = session.execute(select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status))
    counts.update({status: count for status, count in rows})
    return counts
