"""Resolved tickets nobody rates are closed after 7 days."""

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.tickets.closing import close_unrated
from storage.models import TicketState
from tests.backend.tickets.conftest import MakeTicket


def test_closes_after_seven_days_only(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("resolved")
    assert ticket.resolved_at is not None
    assert close_unrated(session=session, now=ticket.resolved_at + timedelta(days=6)) == []
    assert ticket.state == TicketState.resolved
    closed = close_unrated(session=session, now=ticket.resolved_at + timedelta(days=7, seconds=1))
    assert closed == [ticket.ticket_no]
    assert ticket.state == TicketState.closed
    assert ticket.events[-1].actor_kind == "system"
