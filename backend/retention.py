"""Bounded storage: web chat uploads and proactive chat messages older than their retention go.

Run by the scheduler's retention job. An upload still attached to an open ticket is kept until
the ticket is closed, so staff never lose the evidence of work in progress.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, exists, literal, select
from sqlalchemy.orm import Session, sessionmaker

from backend.tickets.workflow import OPEN_STATES
from storage.models import ChatUpload, OutboundMessage, Ticket, TicketMedia, utcnow

log = logging.getLogger(__name__)

UPLOADS_PATH = "/chat/uploads/"  # where the web chat serves uploads (media URLs end so)


@dataclass(frozen=True, slots=True)
class Purged:
    """What one retention run deleted."""

    uploads: int
    outbound_messages: int


def purge_uploads(*, session: Session, directory: Path, before: datetime, limit: int = 500) -> int:
    """Delete up to `limit` uploads made before `before` (file and record), except those
    attached to an open ticket; returns how many went."""
    attached_to_open_ticket = exists().where(
        and_(
            TicketMedia.url.like(literal("%" + UPLOADS_PATH) + ChatUpload.name),
            TicketMedia.ticket_id == Ticket.id,
            Ticket.state.in_([state.value for state in OPEN_STATES]),
        )
    )
    rows = session.scalars(
        select(ChatUpload)
        .where(ChatUpload.created_at < before, ~attached_to_open_ticket)
        .order_by(ChatUpload.id)
        .limit(limit)
    ).all()
    for row in rows:
        (directory / row.name).unlink(missing_ok=True)
        session.delete(row)
    return len(rows)


def purge_outbound_messages(*, session: Session, before: datetime) -> int:
    """Delete proactive messages stored before `before` (polled long ago, or sent)."""
    result = session.execute(delete(OutboundMessage).where(OutboundMessage.created_at < before))
    return result.rowcount or 0


def run_retention(
    *,
    session_factory: sessionmaker[Session],
    uploads_dir: Path,
    uploads_days: int,
    outbound_days: int,
    now: datetime | None = None,
) -> Purged:
    """One retention run; a retention of 0 days keeps that kind of data forever."""
    now = now or utcnow()
    uploads = messages = 0
    with session_factory.begin() as session:
        if uploads_days > 0:
            uploads = purge_uploads(
                session=session, directory=uploads_dir, before=now - timedelta(days=uploads_days)
            )
        if outbound_days > 0:
            messages = purge_outbound_messages(
                session=session, before=now - timedelta(days=outbound_days)
            )
    if uploads or messages:
        log.info("retention: deleted %d uploads and %d chat messages", uploads, messages)
    return Purged(uploads=uploads, outbound_messages=messages)
