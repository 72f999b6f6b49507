"""Following up unrated resolutions: one reminder after a day, then closing after seven."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.outbox.writer import write_ticket_notice
from backend.tickets.closing import close_unrated
from backend.tickets.events import record_event
from backend.tickets.notices import notice_renderer
from storage.models import Ticket, TicketEvent, TicketState, utcnow

log = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(hours=24)
REMINDER_ACTION = "rating_reminder"


def remind_unrated(
    *, session: Session, now: datetime, after: timedelta = REMINDER_AFTER, limit: int = 200
) -> list[str]:
    """Ask once more for a rating of tickets resolved over `after` ago and not yet rated.

    Once per resolution: a reopened and re-resolved ticket gets a new reminder, a ticket that
    already got one for its latest resolution gets nothing. Returns the tickets reminded.
    """
    already_reminded = exists().where(
        and_(
            TicketEvent.ticket_id == Ticket.id,
            TicketEvent.action == REMINDER_ACTION,
            TicketEvent.at >= Ticket.resolved_at,
        )
    )
    tickets = session.scalars(
        select(Ticket)
        .where(
            Ticket.state == TicketState.resolved,
            Ticket.resolved_at <= now - after,
            ~already_reminded,
        )
        .order_by(Ticket.resolved_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for ticket in tickets:
        event = record_event(
            session=session,
            ticket=ticket,
            actor=Actor.system(),
            action=REMINDER_ACTION,
            from_state=ticket.state,
            to_state=ticket.state,
            note="提醒市民评价",
            public=False,
            at=now,
        )
        render = notice_renderer(session=session, kind=REMINDER_ACTION, ticket=ticket)
        write_ticket_notice(
            session=session, ticket=ticket, event=event, kind=REMINDER_ACTION, render=render
        )
    session.flush()
    return [ticket.ticket_no for ticket in tickets]


def run_rating_followup(*, session_factory: sessionmaker[Session]) -> tuple[list[str], list[str]]:
    """The periodic job: remind, then close what waited too long; one commit."""
    now = utcnow()
    with session_factory() as session, session.begin():
        reminded = remind_unrated(session=session, now=now)
        closed = close_unrated(session=session, now=now)
    if reminded or closed:
        log.info("rating follow-up: %d reminded, %d closed", len(reminded), len(closed))
    return reminded, closed
