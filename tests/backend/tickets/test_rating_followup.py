"""Unrated resolutions: one reminder after a day, once per resolution."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.tickets.rating_followup import remind_unrated
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import Action
from storage.models import OutboxEvent
from tests.backend.tickets.conftest import OPERATOR, MakeTicket


def reminders(session: Session, ticket_id: int) -> list[OutboxEvent]:
    return list(
        session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.ticket_id == ticket_id, OutboxEvent.kind == "rating_reminder"
            )
        )
    )


def test_reminds_once_after_a_day(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("resolved")
    assert ticket.resolved_at is not None
    assert remind_unrated(session=session, now=ticket.resolved_at + timedelta(hours=23)) == []
    later = ticket.resolved_at + timedelta(hours=24, seconds=1)
    assert remind_unrated(session=session, now=later) == [ticket.ticket_no]
    assert remind_unrated(session=session, now=later + timedelta(hours=30)) == []
    [notice] = reminders(session, ticket.id)
    assert ticket.ticket_no in notice.payload["text"]
    assert "评价" in notice.payload["text"]
    assert notice.payload["kind"] == "rating_reminder"


def test_a_new_resolution_gets_its_own_reminder(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("resolved")
    assert ticket.resolved_at is not None
    reminded_at = ticket.resolved_at + timedelta(days=1, seconds=1)
    remind_unrated(session=session, now=reminded_at)
    for action, note in ((Action.reopen, None), (Action.accept, None), (Action.resolve, "已处理")):
        apply_transition(
            session=session,
            ticket=ticket,
            action=action,
            actor=OPERATOR,
            note=note,
            now=reminded_at + timedelta(hours=1),
        )
    assert remind_unrated(session=session, now=reminded_at + timedelta(hours=2)) == []
    assert remind_unrated(
        session=session, now=ticket.resolved_at + timedelta(days=1, seconds=1)
    ) == [ticket.ticket_no]
    assert len(reminders(session, ticket.id)) == 2


def test_tickets_that_are_not_resolved_get_nothing(
    session: Session, make_ticket: MakeTicket
) -> None:
    for state in ("accepted", "closed", "reopened"):
        ticket = make_ticket(state)
        assert remind_unrated(session=session, now=ticket.created_at + timedelta(days=3)) == []
