"""Who may see a ticket, and who may take which workflow action (on top of the state machine).

Seeing comes first and answers NotFound, worded exactly as for a number that does not exist,
so that guessing ticket numbers tells a stranger nothing:

- the system, admins and operators see every ticket;
- department staff see their department's tickets;
- a citizen sees the tickets their chat follows (filed, or merged into one it filed), and only
  when the bot names the chat; the bot acting for no chat sees none;
- anyone else (an Open311 client) sees none through the internal API.
"""

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.errors import Forbidden, NotFound
from backend.tickets.repository import find_ticket_by_no, is_follower
from backend.tickets.workflow import Action
from storage.models import ActorKind, Ticket

DEPARTMENT_ACTIONS: frozenset[Action] = frozenset({Action.accept, Action.resolve, Action.return_})
"""What department staff may do to their own department's tickets."""

CITIZEN_ACTIONS: frozenset[Action] = frozenset({Action.cancel})
"""What the citizen may do directly (reopen comes from an unsatisfied rating)."""


def not_found(ticket_no: str) -> NotFound:
    """The one answer for a ticket that does not exist or that the caller may not see."""
    return NotFound(f"ticket {ticket_no} not found")


def may_see(*, session: Session, actor: Actor, ticket: Ticket) -> bool:
    """True when the actor may see the ticket (see the module docstring)."""
    if actor.sees_all_tickets:
        return True
    if actor.is_department_staff:
        return ticket.department_id is not None and ticket.department_id == actor.department_id
    if actor.kind == ActorKind.citizen and actor.chat is not None:
        return is_follower(
            session=session,
            ticket=ticket,
            channel=actor.chat.channel,
            chat_id=actor.chat.chat_id,
        )
    return False


def ensure_visible(*, session: Session, actor: Actor, ticket: Ticket) -> None:
    """NotFound for a ticket the actor may not see."""
    if not may_see(session=session, actor=actor, ticket=ticket):
        raise not_found(ticket.ticket_no)


def visible_ticket(
    *, session: Session, actor: Actor, ticket_no: str, for_update: bool = False
) -> Ticket:
    """The ticket by number if the actor may see it; else the same NotFound as a missing one.

    `for_update` locks the row on PostgreSQL so that two concurrent transitions serialise.
    """
    ticket = find_ticket_by_no(session=session, ticket_no=ticket_no, for_update=for_update)
    if ticket is None or not may_see(session=session, actor=actor, ticket=ticket):
        raise not_found(ticket_no)
    return ticket


def ensure_may_act(*, session: Session, actor: Actor, ticket: Ticket, action: Action) -> None:
    """NotFound for an invisible ticket; Forbidden unless the actor's role allows the action."""
    ensure_visible(session=session, actor=actor, ticket=ticket)
    if actor.sees_all_tickets:
        return
    if actor.is_department_staff and action in DEPARTMENT_ACTIONS:
        return
    if actor.kind == ActorKind.citizen and action in CITIZEN_ACTIONS:
        return
    raise Forbidden(f"{actor.label} may not {action.value} ticket {ticket.ticket_no}")
