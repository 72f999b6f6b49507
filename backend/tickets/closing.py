"""Closing resolved tickets nobody rated within 7 days (超期未评价自动归档)."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import Action
from storage.models import Ticket, TicketState

RATING_WINDOW = timedelta(days=7)


def close_unrated(
    *, session: Session, now: datetime, window: timedelta = RATING_WINDOW, limit: int = 200
) -> list[str]:
    """Close resolved tickets resolved more than `window` ago; returns their numbers."""
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.state == TicketState.resolved, Ticket.resolved_at <= now - window)
        .order_by(Ticket.resolved_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for ticket in tickets:
        apply_transition(
            session=session,
            ticket=ticket,
            action=Action.close,
            actor=Actor.system(),
            note="办结 7 天未评价，自动归档",
            now=now,
        )
    return [ticket.ticket_no for ticket in tickets]
