"""Reading tickets: by number (locked for update when it will change), by citizen, by filter."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.tickets.workflow import OPEN_STATES
from storage.models import ChannelIdentity, Ticket, TicketSubscriber


def find_ticket_by_no(
    *, session: Session, ticket_no: str, for_update: bool = False
) -> Ticket | None:
    """The ticket with this number, or None; who may see it is `permissions.visible_ticket`'s.

    `for_update` locks the row on PostgreSQL so that two concurrent transitions serialise.
    """
    query = select(Ticket).where(Ticket.ticket_no == ticket_no)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def tickets_of_chat(
    *, session: Session, channel: str, chat_id: str, open_only: bool = False, limit: int = 50
) -> Sequence[Ticket]:
    """Tickets a chat follows (its own and those its tickets were merged into), newest first."""
    query = (
        select(Ticket)
        .join(TicketSubscriber, TicketSubscriber.ticket_id == Ticket.id)
        .join(ChannelIdentity, ChannelIdentity.id == TicketSubscriber.channel_identity_id)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.chat_id == chat_id)
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    if open_only:
        query = query.where(Ticket.state.in_([state.value for state in OPEN_STATES]))
    return session.scalars(query).unique().all()


def list_tickets(
    *,
    session: Session,
    actor: Actor,
    state: str | None = None,
    department_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Ticket]:
    """Tickets the actor may see, newest first; department staff get their department's only."""
    query = select(Ticket).order_by(Ticket.id.desc()).limit(limit).offset(offset)
    if not actor.sees_all_tickets:
        department_id = actor.department_id if actor.department_id is not None else -1
    if department_id is not None:
        query = query.where(Ticket.department_id == department_id)
    if state is not None:
        query = query.where(Ticket.state == state)
    return session.scalars(query).all()


def is_follower(*, session: Session, ticket: Ticket, channel: str, chat_id: str) -> bool:
    """True when the chat follows the ticket."""
    found = session.scalar(
        select(TicketSubscriber.id)
        .join(ChannelIdentity, ChannelIdentity.id == TicketSubscriber.channel_identity_id)
        .where(
            TicketSubscriber.ticket_id == ticket.id,
            ChannelIdentity.channel == channel,
            ChannelIdentity.chat_id == chat_id,
        )
    )
    return found is not None
