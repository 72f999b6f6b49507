"""Who may see a ticket: the one rule behind every read and action on one ticket."""

import pytest
from sqlalchemy.orm import Session

from backend.auth.actor import Actor, ChatRef
from backend.errors import NotFound
from backend.open311.requests import OPEN311_ACTOR
from backend.tickets.permissions import may_see, visible_ticket
from storage.models import ActorKind, StaffRole
from tests.backend.tickets.conftest import OPERATOR, MakeTicket


def department_staff(department_id: int | None) -> Actor:
    return Actor(
        kind=ActorKind.staff, id="d", role=StaffRole.department, department_id=department_id
    )


def test_who_sees_a_dispatched_ticket(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("dispatched")  # filed from telegram chat 1001
    own = ticket.department_id
    assert own is not None
    seen = {
        "system": Actor.system(),
        "operator": OPERATOR,
        "admin": Actor(kind=ActorKind.staff, id="a", role=StaffRole.admin),
        "own department": department_staff(own),
        "filing chat": Actor.citizen(chat=ChatRef(channel="telegram", chat_id="1001")),
    }
    unseen = {
        "other department": department_staff(own + 1),
        "department staff without a department": department_staff(None),
        "other chat": Actor.citizen(chat=ChatRef(channel="telegram", chat_id="1002")),
        "same chat id on another channel": Actor.citizen(
            chat=ChatRef(channel="web", chat_id="1001")
        ),
        "the bot naming no chat": Actor.citizen(),
        "an Open311 client": OPEN311_ACTOR,
    }
    for name, actor in seen.items():
        assert may_see(session=session, actor=actor, ticket=ticket), name
    for name, actor in unseen.items():
        assert not may_see(session=session, actor=actor, ticket=ticket), name


def test_an_unseen_ticket_and_a_missing_one_raise_the_same_error(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("dispatched")
    stranger = Actor.citizen(chat=ChatRef(channel="web", chat_id="nobody"))
    with pytest.raises(NotFound) as unseen:
        visible_ticket(session=session, actor=stranger, ticket_no=ticket.ticket_no)
    with pytest.raises(NotFound) as missing:
        visible_ticket(session=session, actor=stranger, ticket_no="SZ20991231-999999")
    assert unseen.value.message == f"ticket {ticket.ticket_no} not found"
    assert missing.value.message == "ticket SZ20991231-999999 not found"
    assert unseen.value.details == missing.value.details == {}
    assert visible_ticket(session=session, actor=OPERATOR, ticket_no=ticket.ticket_no) is ticket
