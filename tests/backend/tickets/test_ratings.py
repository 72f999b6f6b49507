"""Ratings: satisfied closes, unsatisfied reopens, twice unsatisfied flags supervision."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor, ChatRef
from backend.errors import Conflict, InvalidRequest
from backend.tickets.ratings import RatingInput, submit_rating
from backend.tickets.transitions import apply_transition
from storage.models import OutboxEvent, TicketState
from tests.backend.tickets.conftest import OPERATOR, MakeTicket

CITIZEN = Actor.citizen(chat=ChatRef(channel="telegram", chat_id="1001"))


@pytest.mark.parametrize("score", [2, 3])
def test_satisfied_or_basically_satisfied_closes(
    session: Session, make_ticket: MakeTicket, score: int
) -> None:
    ticket = make_ticket("resolved")
    outcome = submit_rating(
        session=session,
        ticket=ticket,
        rating=RatingInput(score=score, speed=3, result=2, attitude=3, comment="很快"),
        actor=CITIZEN,
    )
    assert outcome.created
    assert ticket.state == TicketState.closed
    assert ticket.closed_at is not None
    assert (outcome.rating.round, outcome.rating.speed, outcome.rating.comment) == (0, 3, "很快")


def test_unsatisfied_reopens_and_the_second_time_flags_supervision(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("resolved")
    submit_rating(session=session, ticket=ticket, rating=RatingInput(score=1), actor=CITIZEN)
    assert ticket.state == TicketState.reopened
    assert ticket.reopen_count == 1
    assert not ticket.supervision
    kinds = session.scalars(select(OutboxEvent.kind).where(OutboxEvent.ticket_id == ticket.id))
    assert "reopened" in list(kinds)
    apply_transition(session=session, ticket=ticket, action="accept", actor=OPERATOR)
    apply_transition(
        session=session, ticket=ticket, action="resolve", actor=OPERATOR, note="再次处理"
    )
    outcome = submit_rating(
        session=session, ticket=ticket, rating=RatingInput(score=1), actor=CITIZEN
    )
    assert outcome.rating.round == 1
    assert ticket.supervision
    assert ticket.reopen_count == 2
    assert "supervise" in [event.action for event in ticket.events]


def test_the_same_rating_twice_counts_once(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("resolved")
    first = submit_rating(
        session=session, ticket=ticket, rating=RatingInput(score=3), actor=CITIZEN
    )
    again = submit_rating(
        session=session, ticket=ticket, rating=RatingInput(score=3), actor=CITIZEN
    )
    assert first.created and not again.created
    assert again.rating.id == first.rating.id
    with pytest.raises(Conflict, match="已评价"):
        submit_rating(session=session, ticket=ticket, rating=RatingInput(score=2), actor=CITIZEN)


def test_rating_a_closed_ticket_is_politely_refused(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("closed")
    with pytest.raises(Conflict, match="评价通道已关闭"):
        submit_rating(session=session, ticket=ticket, rating=RatingInput(score=3), actor=CITIZEN)


@pytest.mark.parametrize("state", ["dispatched", "accepted", "reopened"])
def test_only_resolved_tickets_can_be_rated(
    session: Session, make_ticket: MakeTicket, state: str
) -> None:
    ticket = make_ticket(state)
    with pytest.raises(Conflict, match="尚未办结"):
        submit_rating(session=session, ticket=ticket, rating=RatingInput(score=3), actor=CITIZEN)


@pytest.mark.parametrize("rating", [RatingInput(score=0), RatingInput(score=3, speed=4)])
def test_scores_out_of_range(
    session: Session, make_ticket: MakeTicket, rating: RatingInput
) -> None:
    with pytest.raises(InvalidRequest):
        submit_rating(session=session, ticket=make_ticket("resolved"), rating=rating, actor=CITIZEN)
