"""Transitions against the database: events, outbox rows, side effects, and refusals."""

import itertools

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor, ChatRef
from backend.errors import Conflict, Forbidden, InvalidRequest, NotFound
from backend.tickets.service import create_ticket
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import TRANSITIONS, Action
from storage.models import (
    ActorKind,
    OutboxEvent,
    StaffRole,
    Ticket,
    TicketEvent,
    TicketState,
    TicketSubscriber,
)
from tests.backend.tickets.conftest import OPERATOR, MakeTicket, department_id, noise_draft

CITIZEN_VISIBLE = {
    Action.dispatch: "dispatched",
    Action.accept: "accepted",
    Action.resolve: "resolved",
    Action.reopen: "reopened",
    Action.merge: "merged",
}


def count(session: Session, model: type, ticket: Ticket) -> int:
    return session.scalar(
        select(func.count()).select_from(model).where(model.ticket_id == ticket.id)
    )


def arguments(session: Session, action: Action, make_ticket: MakeTicket) -> dict[str, object]:
    """What each action needs to succeed."""
    if action == Action.dispatch:
        return {
            "department_id": department_id(session, "南山区人民政府"),
            "reason": "辖区复核后改派",
        }
    if action == Action.merge:
        return {"target_ticket_no": make_ticket("dispatched").ticket_no}
    if action in (Action.resolve, Action.return_):
        return {"note": "处理说明"}
    return {}


@pytest.mark.parametrize(
    ("state", "action"),
    list(itertools.product(TicketState, Action)),
    ids=lambda v: str(v),
)
def test_every_transition_on_a_real_ticket(
    session: Session, make_ticket: MakeTicket, state: TicketState, action: Action
) -> None:
    ticket = make_ticket(state)
    kwargs = arguments(session, action, make_ticket)
    events_before = count(session, TicketEvent, ticket)
    outbox_before = count(session, OutboxEvent, ticket)
    if (state, action) not in TRANSITIONS:
        with pytest.raises(Conflict) as raised:
            apply_transition(
                session=session, ticket=ticket, action=action, actor=OPERATOR, **kwargs
            )
        assert "allowed" in raised.value.details
        assert ticket.state == state
        assert count(session, TicketEvent, ticket) == events_before
        assert count(session, OutboxEvent, ticket) == outbox_before
        return
    event = apply_transition(
        session=session, ticket=ticket, action=action, actor=OPERATOR, **kwargs
    )
    assert ticket.state == TRANSITIONS[(state, action)]
    assert (event.from_state, event.to_state, event.action) == (state, ticket.state, action.value)
    assert count(session, TicketEvent, ticket) == events_before + 1
    new_outbox = count(session, OutboxEvent, ticket) - outbox_before
    assert new_outbox == (1 if action in CITIZEN_VISIBLE else 0)


@pytest.mark.parametrize("action", [Action.resolve, Action.return_])
def test_resolve_and_return_need_a_note(
    session: Session, make_ticket: MakeTicket, action: Action
) -> None:
    ticket = make_ticket("accepted")
    with pytest.raises(InvalidRequest):
        apply_transition(session=session, ticket=ticket, action=action, actor=OPERATOR, note="  ")
    assert ticket.state == TicketState.accepted


def test_resolved_notice_carries_the_note(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("accepted")
    event = apply_transition(
        session=session, ticket=ticket, action="resolve", actor=OPERATOR, note="已协调停工"
    )
    row = session.scalar(
        select(OutboxEvent)
        .where(OutboxEvent.ticket_id == ticket.id)
        .order_by(OutboxEvent.id.desc())
    )
    assert row is not None
    assert row.kind == "resolved"
    assert "已协调停工" in row.payload["text"]
    assert row.dedupe_key == f"ticket:{ticket.ticket_no}:{event.id}:{ticket.channel_identity_id}"
    assert row.payload["chat_id"] == "1001"


def test_reopen_counts_and_restarts_the_time_limit(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("resolved")
    old_due = ticket.resolve_due
    apply_transition(session=session, ticket=ticket, action="reopen", actor=OPERATOR)
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None
    assert ticket.resolve_due is not None and old_due is not None and ticket.resolve_due >= old_due
    apply_transition(session=session, ticket=ticket, action="accept", actor=OPERATOR)
    assert ticket.state == TicketState.accepted


def test_merge_makes_reporters_follow_the_main_ticket(session: Session) -> None:
    duplicate = create_ticket(
        session=session, draft=noise_draft(chat_id="1"), actor=Actor.citizen()
    ).ticket
    main = create_ticket(
        session=session, draft=noise_draft(chat_id="2"), actor=Actor.citizen()
    ).ticket
    apply_transition(
        session=session,
        ticket=duplicate,
        action="merge",
        actor=OPERATOR,
        target_ticket_no=main.ticket_no,
    )
    assert duplicate.merged_into_id == main.id
    followers = set(
        session.scalars(
            select(TicketSubscriber.channel_identity_id).where(
                TicketSubscriber.ticket_id == main.id
            )
        )
    )
    assert followers == {duplicate.channel_identity_id, main.channel_identity_id}
    apply_transition(session=session, ticket=main, action="accept", actor=OPERATOR)
    accepted_rows = session.scalars(
        select(OutboxEvent).where(OutboxEvent.ticket_id == main.id, OutboxEvent.kind == "accepted")
    ).all()
    assert {row.payload["chat_id"] for row in accepted_rows} == {"1", "2"}


def test_merge_refuses_itself_and_unknown_targets(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("dispatched")
    with pytest.raises(InvalidRequest):
        apply_transition(
            session=session,
            ticket=ticket,
            action="merge",
            actor=OPERATOR,
            target_ticket_no=ticket.ticket_no,
        )
    with pytest.raises(NotFound):
        apply_transition(
            session=session,
            ticket=ticket,
            action="merge",
            actor=OPERATOR,
            target_ticket_no="SZ20000101-000001",
        )
    with pytest.raises(InvalidRequest):
        apply_transition(session=session, ticket=ticket, action="merge", actor=OPERATOR)


def test_operator_override_is_explained_and_logged(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("dispatched")
    target = department_id(session, "南山区城市管理和综合执法局")
    with pytest.raises(InvalidRequest):
        apply_transition(
            session=session, ticket=ticket, action="dispatch", actor=OPERATOR, department_id=target
        )
    event = apply_transition(
        session=session,
        ticket=ticket,
        action="dispatch",
        actor=OPERATOR,
        department_id=target,
        reason="属城管执法范围",
    )
    assert ticket.department_id == target
    assert ticket.routing_rule_id is None
    assert "属城管执法范围" in ticket.routing_explanation
    assert event.data == {"department_id": target, "override": True, "reason": "属城管执法范围"}


def test_returned_ticket_is_not_sent_back_by_the_same_rule(
    session: Session, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket("returned")
    with pytest.raises(InvalidRequest):
        apply_transition(session=session, ticket=ticket, action="dispatch", actor=OPERATOR)
    assert ticket.state == TicketState.returned


DEPARTMENT_STAFF_ALLOWED = {Action.accept, Action.resolve, Action.return_}


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_department_staff_act_only_on_their_own_tickets(
    session: Session, make_ticket: MakeTicket, action: Action
) -> None:
    ticket = make_ticket("accepted" if action == Action.resolve else "dispatched")
    own = Actor(
        kind=ActorKind.staff, id="yh", role=StaffRole.department, department_id=ticket.department_id
    )
    other = Actor(
        kind=ActorKind.staff,
        id="x",
        role=StaffRole.department,
        department_id=department_id(session, "南山区人民政府"),
    )
    with pytest.raises(NotFound):
        apply_transition(session=session, ticket=ticket, action=action, actor=other, note="n")
    if (ticket.state, action) not in TRANSITIONS:
        return
    kwargs = arguments(session, action, make_ticket)
    if action in DEPARTMENT_STAFF_ALLOWED:
        apply_transition(session=session, ticket=ticket, action=action, actor=own, **kwargs)
    else:
        with pytest.raises(Forbidden):
            apply_transition(session=session, ticket=ticket, action=action, actor=own, **kwargs)


def test_citizen_may_cancel_before_acceptance_only(
    session: Session, make_ticket: MakeTicket
) -> None:
    filer = Actor.citizen(chat=ChatRef(channel="telegram", chat_id="1001"))
    ticket = make_ticket("dispatched")
    with pytest.raises(Forbidden):
        apply_transition(session=session, ticket=ticket, action="accept", actor=filer)
    apply_transition(session=session, ticket=ticket, action="cancel", actor=filer)
    assert ticket.state == TicketState.cancelled
    accepted = make_ticket("accepted")
    with pytest.raises(Conflict):
        apply_transition(session=session, ticket=accepted, action="cancel", actor=filer)


@pytest.mark.parametrize(
    "stranger",
    [
        Actor.citizen(chat=ChatRef(channel="telegram", chat_id="9999")),
        Actor.citizen(chat=ChatRef(channel="web", chat_id="1001")),
        Actor.citizen(),
    ],
    ids=["other-chat", "same-id-other-channel", "no-chat"],
)
def test_a_citizen_cannot_cancel_a_ticket_their_chat_does_not_follow(
    session: Session, make_ticket: MakeTicket, stranger: Actor
) -> None:
    ticket = make_ticket("dispatched")
    with pytest.raises(NotFound) as refused:
        apply_transition(session=session, ticket=ticket, action="cancel", actor=stranger)
    assert refused.value.message == f"ticket {ticket.ticket_no} not found"
    assert ticket.state == TicketState.dispatched


def test_unknown_action_is_a_clear_error(session: Session, make_ticket: MakeTicket) -> None:
    ticket = make_ticket("dispatched")
    with pytest.raises(InvalidRequest) as raised:
        apply_transition(session=session, ticket=ticket, action="teleport", actor=OPERATOR)
    assert "accept" in raised.value.details["allowed"]
