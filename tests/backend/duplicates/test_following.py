"""A co-reporter follows, hears the progress, rates for itself; merging tells everyone once."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor, ChatRef
from backend.citizens.service import find_identity
from backend.duplicates.following import follow_ticket, merge_tickets
from backend.errors import Conflict, Forbidden, NotFound
from backend.tickets.ratings import RatingInput, submit_rating
from backend.tickets.transitions import apply_transition
from storage.models import (
    ActorKind,
    OutboxEvent,
    Rating,
    StaffRole,
    SubscriberRole,
    Ticket,
    TicketState,
    TicketSubscriber,
)
from tests.backend.duplicates.conftest import file_light, light_report
from tests.backend.tickets.conftest import OPERATOR

SECOND = ChatRef(channel="web", chat_id="w-second")


def notices(session: Session, ticket: Ticket, chat: str) -> list[str]:
    """Kinds of the outbox notices about the ticket addressed to one chat, oldest first."""
    rows = session.scalars(
        select(OutboxEvent).where(OutboxEvent.ticket_id == ticket.id).order_by(OutboxEvent.id)
    )
    return [row.kind for row in rows if row.payload["chat_id"] == chat]


def follow(session: Session, ticket: Ticket, chat: ChatRef = SECOND) -> bool:
    return follow_ticket(
        session=session, ticket_no=ticket.ticket_no, chat=chat, report=light_report()
    ).created


def test_following_adds_a_co_reporter_and_no_ticket(session: Session) -> None:
    ticket = file_light(session)
    before = session.query(Ticket).count()
    assert follow(session, ticket) is True
    assert follow(session, ticket) is False  # again: the same follower, once
    assert session.query(Ticket).count() == before
    roles = sorted(s.role for s in session.scalars(select(TicketSubscriber)))
    assert roles == [SubscriberRole.co_reporter, SubscriberRole.reporter]


def test_a_ticket_that_does_not_match_the_report_cannot_be_followed(session: Session) -> None:
    ticket = file_light(session, description="工地晚上打桩太吵了")
    with pytest.raises(NotFound):
        follow(session, ticket)
    with pytest.raises(NotFound):
        follow_ticket(
            session=session, ticket_no="SZ20990101-000001", chat=SECOND, report=light_report()
        )


def test_co_reporter_hears_progress_and_rates_for_itself(session: Session) -> None:
    ticket = file_light(session, chat_id="3001")
    follow(session, ticket)
    apply_transition(session=session, ticket=ticket, action="accept", actor=OPERATOR)
    apply_transition(
        session=session, ticket=ticket, action="resolve", actor=OPERATOR, note="已修复"
    )
    assert notices(session, ticket, "w-second") == ["accepted", "resolved"]
    assert notices(session, ticket, "3001") == ["dispatched", "accepted", "resolved"]
    resolved_text = session.scalars(
        select(OutboxEvent).where(OutboxEvent.kind == "resolved")
    ).first()
    assert "请为本次办理评价" in resolved_text.payload["text"]

    reporter = find_identity(session=session, channel="telegram", chat_id="3001")
    co_reporter = find_identity(session=session, channel="web", chat_id="w-second")
    submit_rating(
        session=session,
        ticket=ticket,
        rating=RatingInput(score=3),
        actor=Actor.citizen(chat=ChatRef(channel="telegram", chat_id="3001")),
        channel_identity_id=reporter.id,
    )
    assert ticket.state == TicketState.closed
    late = submit_rating(
        session=session,
        ticket=ticket,
        rating=RatingInput(score=1),
        actor=Actor.citizen(chat=SECOND),
        channel_identity_id=co_reporter.id,
    )
    assert late.created and ticket.state == TicketState.closed  # counted, decides nothing
    assert sorted(r.score for r in session.scalars(select(Rating))) == [1, 3]
    assert (ticket.ratings_count, ticket.satisfied_count) == (2, 1)  # what the 三率 count
    actions = [event.action for event in ticket.events]
    assert "co_reporter_unsatisfied" in actions
    with pytest.raises(Conflict):  # each chat rates once per round
        submit_rating(
            session=session,
            ticket=ticket,
            rating=RatingInput(score=2),
            actor=Actor.citizen(chat=SECOND),
            channel_identity_id=co_reporter.id,
        )


def test_merge_tells_every_reporter_of_the_merged_ticket_once(session: Session) -> None:
    main = file_light(session, chat_id="4001")
    duplicate = file_light(session, chat_id="4002")
    follow_ticket(
        session=session,
        ticket_no=duplicate.ticket_no,
        chat=SECOND,
        report=light_report(),
    )
    merged_into = merge_tickets(
        session=session, actor=OPERATOR, ticket_no=duplicate.ticket_no, into=main.ticket_no
    )
    assert merged_into.id == main.id
    assert duplicate.state == TicketState.merged and duplicate.merged_into_id == main.id
    for chat in ("4002", "w-second"):
        assert notices(session, duplicate, chat).count("merged") == 1
    assert notices(session, duplicate, "4001") == []
    apply_transition(session=session, ticket=main, action="accept", actor=OPERATOR)
    for chat in ("4001", "4002", "w-second"):
        assert notices(session, main, chat)[-1] == "accepted"
    roles = {
        s.role
        for s in session.scalars(
            select(TicketSubscriber).where(TicketSubscriber.ticket_id == main.id)
        )
    }
    assert roles == {SubscriberRole.reporter, SubscriberRole.merged}


def test_department_staff_may_not_merge(session: Session) -> None:
    main = file_light(session, chat_id="4001")
    duplicate = file_light(session, chat_id="4002")
    staff = Actor(
        kind=ActorKind.staff,
        id="dept",
        role=StaffRole.department,
        department_id=duplicate.department_id,
    )
    with pytest.raises(Forbidden):
        merge_tickets(
            session=session, actor=staff, ticket_no=duplicate.ticket_no, into=main.ticket_no
        )
