"""What staff work on: a department's open tickets by deadline, and one ticket's details.

Who sees which ticket is `permissions`' (department staff: their department's only).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from backend.auth.actor import Actor
from backend.tickets.permissions import visible_ticket
from storage.models import (
    Department,
    Rating,
    ServiceCategory,
    Ticket,
    TicketState,
    TicketSubscriber,
)

WORK_STATES = (
    TicketState.received,
    TicketState.dispatched,
    TicketState.accepted,
    TicketState.returned,
    TicketState.reopened,
)
"""States in which somebody still has to act on a ticket."""


def work_queue(
    *, session: Session, actor: Actor, department_id: int | None = None, limit: int = 200
) -> Sequence[Ticket]:
    """Open tickets, the nearest time limit first (none last); department staff: their own."""
    if not actor.sees_all_tickets:
        department_id = actor.department_id if actor.department_id is not None else -1
    query = (
        select(Ticket)
        .options(joinedload(Ticket.department))
        .where(Ticket.state.in_([state.value for state in WORK_STATES]))
        .order_by(Ticket.resolve_due.is_(None), Ticket.resolve_due, Ticket.id)
        .limit(limit)
    )
    if department_id is not None:
        query = query.where(Ticket.department_id == department_id)
    return session.scalars(query).unique().all()


@dataclass(frozen=True)
class TicketDetails:
    """One ticket as staff see it: its category, ratings, and how many chats follow it."""

    ticket: Ticket
    category: ServiceCategory | None
    ratings: Sequence[Rating]
    followers: int

    @property
    def co_reporters(self) -> int:
        """Chats that follow the ticket besides its own reporter (merged reports)."""
        own = 1 if self.ticket.channel_identity_id is not None else 0
        return max(0, self.followers - own)


def ticket_details(*, session: Session, actor: Actor, ticket_no: str) -> TicketDetails:
    """The ticket if the actor may see it (else the usual NotFound), with what staff need."""
    ticket = visible_ticket(session=session, actor=actor, ticket_no=ticket_no)
    ratings = session.scalars(
        select(Rating).where(Rating.ticket_id == ticket.id).order_by(Rating.id)
    ).all()
    followers = session.scalar(
        select(func.count())
        .select_from(TicketSubscriber)
        .where(TicketSubscriber.ticket_id == ticket.id)
    )
    return TicketDetails(
        ticket=ticket,
        category=session.get(ServiceCategory, ticket.service_code),
        ratings=ratings,
        followers=int(followers or 0),
    )


def active_departments(*, session: Session) -> Sequence[Department]:
    """Departments by name, for pickers."""
    return session.scalars(
        select(Department).where(Department.active.is_(True)).order_by(Department.name)
    ).all()
