"""Dispatch (派单): give a ticket its responsible department, by rule or by an operator's hand."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.errors import InvalidRequest
from backend.routing.service import explain_override, route_ticket
from storage.models import Department, Ticket, TicketState


@dataclass(frozen=True)
class DispatchOutcome:
    """Where the ticket went and the data its dispatch event records."""

    department: Department
    data: dict[str, Any]


def dispatch_by_rule(
    *, session: Session, ticket: Ticket, avoid_department_id: int | None = None
) -> DispatchOutcome | None:
    """Route by the rules; None (ticket unchanged) when no rule matches or the rules pick the
    department to avoid (the one that returned the ticket)."""
    decision = route_ticket(
        session=session,
        service_code=ticket.service_code,
        district=ticket.district,
        street=ticket.street,
    )
    if decision.department is None or decision.rule is None:
        ticket.routing_explanation = decision.explanation
        return None
    if decision.department.id == avoid_department_id:
        return None
    ticket.routing_explanation = decision.explanation
    ticket.department = decision.department
    ticket.routing_rule_id = decision.rule.id
    return DispatchOutcome(
        department=decision.department,
        data={"department_id": decision.department.id, "rule_id": decision.rule.id},
    )


def dispatch_by_hand(
    *, session: Session, ticket: Ticket, department_id: int, reason: str | None, actor: Actor
) -> DispatchOutcome:
    """An operator's choice (人工派单) with the reason, which the explanation keeps."""
    if not reason:
        raise InvalidRequest("choosing the department by hand needs a reason")
    department = session.get(Department, department_id)
    if department is None or not department.active:
        raise InvalidRequest(f"unknown or inactive department_id {department_id}")
    ticket.department = department
    ticket.routing_rule_id = None
    ticket.routing_explanation = explain_override(
        department=department, reason=reason, actor_label=actor.label
    )
    return DispatchOutcome(
        department=department,
        data={"department_id": department.id, "override": True, "reason": reason},
    )


def redispatch(
    *,
    session: Session,
    ticket: Ticket,
    department_id: int | None,
    reason: str | None,
    actor: Actor,
) -> DispatchOutcome | None:
    """Dispatch again: by hand when a department is given, otherwise by the situation.

    A reopened ticket goes back to its department; a returned ticket is routed by the rules,
    but never silently back to the department that returned it; a dispatched ticket is only
    moved by hand.
    """
    if department_id is not None:
        return dispatch_by_hand(
            session=session, ticket=ticket, department_id=department_id, reason=reason, actor=actor
        )
    if ticket.state == TicketState.reopened and ticket.department is not None:
        return DispatchOutcome(
            department=ticket.department, data={"department_id": ticket.department.id}
        )
    if ticket.state == TicketState.dispatched:
        raise InvalidRequest("moving a dispatched ticket needs department_id and a reason")
    returned_by = ticket.department_id if ticket.state == TicketState.returned else None
    outcome = dispatch_by_rule(session=session, ticket=ticket, avoid_department_id=returned_by)
    if outcome is None:
        raise InvalidRequest(
            "no routing rule gives another department; give department_id and a reason"
        )
    return outcome
