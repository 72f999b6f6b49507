"""Who may take which workflow action (on top of the state machine)."""

from backend.auth.actor import Actor
from backend.errors import Forbidden, NotFound
from backend.tickets.workflow import Action
from storage.models import ActorKind, StaffRole, Ticket

DEPARTMENT_ACTIONS: frozenset[Action] = frozenset({Action.accept, Action.resolve, Action.return_})
"""What department staff may do to their own department's tickets."""

CITIZEN_ACTIONS: frozenset[Action] = frozenset({Action.cancel})
"""What the citizen may do directly (reopen comes from an unsatisfied rating)."""


def ensure_visible(*, actor: Actor, ticket: Ticket) -> None:
    """NotFound for a ticket the actor may not see (department staff, other department)."""
    if not actor.may_see(ticket):
        raise NotFound(f"ticket {ticket.ticket_no} not found")


def ensure_may_act(*, actor: Actor, ticket: Ticket, action: Action) -> None:
    """Forbidden unless the actor's role allows this action on this ticket."""
    ensure_visible(actor=actor, ticket=ticket)
    if actor.kind == ActorKind.system or actor.sees_all_tickets:
        return
    if actor.is_staff and actor.role == StaffRole.department and action in DEPARTMENT_ACTIONS:
        return
    if actor.kind == ActorKind.citizen and action in CITIZEN_ACTIONS:
        return
    raise Forbidden(f"{actor.label} may not {action.value} ticket {ticket.ticket_no}")
