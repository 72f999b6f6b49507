"""Helpers to build tickets in a given state through the real services."""

from collections.abc import Callable

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import Action
from storage.models import ActorKind, Channel, Department, RoutingRule, StaffRole, Ticket

OPERATOR = Actor(kind=ActorKind.staff, id="operator", role=StaffRole.operator)


def noise_draft(*, chat_id: str | None = "1001", **changes: object) -> TicketDraft:
    """A noise complaint in 南山区 粤海街道 from a Telegram chat."""
    fields: dict[str, object] = {
        "service_code": "noise",
        "description": "工地每天晚上十一点还在打桩",
        "district": "南山区",
        "street": "粤海街道",
        "address": "科技园",
        "channel": Channel.telegram if chat_id else None,
        "chat_id": chat_id,
    }
    fields.update(changes)
    return TicketDraft(**fields)  # type: ignore[arg-type]


def department_id(session: Session, name: str) -> int:
    return session.scalar(select(Department.id).where(Department.name == name)) or -1


MakeTicket = Callable[[str], Ticket]


@pytest.fixture
def make_ticket(session: Session) -> MakeTicket:
    """A ticket brought into `state` by legal transitions (operator acting)."""

    def act(ticket: Ticket, action: Action, **kwargs: object) -> None:
        apply_transition(session=session, ticket=ticket, action=action, actor=OPERATOR, **kwargs)  # type: ignore[arg-type]

    def make(state: str) -> Ticket:
        if state == "received":
            session.execute(update(RoutingRule).values(active=False))
        ticket = create_ticket(session=session, draft=noise_draft(), actor=Actor.citizen()).ticket
        if state == "received":
            session.execute(update(RoutingRule).values(active=True))
        if state in ("accepted", "resolved", "closed", "reopened"):
            act(ticket, Action.accept)
        if state in ("resolved", "closed", "reopened"):
            act(ticket, Action.resolve, note="已协调工地夜间停工")
        if state == "closed":
            act(ticket, Action.close)
        if state == "reopened":
            act(ticket, Action.reopen)
        if state == "returned":
            act(ticket, Action.return_, note="不属于本单位职责")
        if state == "cancelled":
            act(ticket, Action.cancel)
        if state == "merged":
            main = create_ticket(
                session=session, draft=noise_draft(chat_id="2002"), actor=Actor.citizen()
            ).ticket
            act(ticket, Action.merge, target_ticket_no=main.ticket_no)
        assert ticket.state == state
        return ticket

    return make
