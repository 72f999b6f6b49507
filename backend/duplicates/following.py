"""Following an open ticket as a co-reporter (关注), and merging tickets (合并) for staff.

A co-reporter is a TicketSubscriber with role `co_reporter`: no second ticket, the same
progress notices as the reporter (the outbox writes one per subscriber) and a rating of
their own. A chat may follow only a ticket that matches the report it was about to file, so
knowing a ticket number alone does not let a stranger listen in.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor, ChatRef
from backend.citizens.service import get_or_create_identity
from backend.duplicates.matching import Report, find_similar
from backend.tickets.events import record_event
from backend.tickets.permissions import not_found, visible_ticket
from backend.tickets.repository import find_ticket_by_no
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import Action
from storage.models import SubscriberRole, Ticket, TicketSubscriber, utcnow


@dataclass(frozen=True)
class Followed:
    """The followed ticket, and whether this call added the chat (False: it already followed)."""

    ticket: Ticket
    created: bool


def follow_ticket(
    *,
    session: Session,
    ticket_no: str,
    chat: ChatRef,
    report: Report,
    now: datetime | None = None,
) -> Followed:
    """Make the chat a co-reporter of the ticket, which must be a match for its report.

    A ticket that does not exist, is no longer open or does not match the report answers
    NotFound, worded as for any number the chat may not see.
    """
    now = now or utcnow()
    ticket = find_ticket_by_no(session=session, ticket_no=ticket_no, for_update=True)
    if ticket is None:
        raise not_found(ticket_no)
    matches = find_similar(session=session, report=report, now=now)
    if ticket.ticket_no not in {match.ticket_no for match in matches}:
        raise not_found(ticket_no)
    identity = get_or_create_identity(session=session, channel=chat.channel, chat_id=chat.chat_id)
    existing = session.scalar(
        select(TicketSubscriber).where(
            TicketSubscriber.ticket_id == ticket.id,
            TicketSubscriber.channel_identity_id == identity.id,
        )
    )
    if existing is not None:
        return Followed(ticket=ticket, created=False)
    session.add(
        TicketSubscriber(
            ticket_id=ticket.id,
            channel_identity_id=identity.id,
            role=SubscriberRole.co_reporter,
            created_at=now,
        )
    )
    record_event(
        session=session,
        ticket=ticket,
        actor=Actor.citizen(chat=chat),
        action="co_report",
        note="又一位市民反映同一问题，关注本工单",
        public=False,
        at=now,
    )
    return Followed(ticket=ticket, created=True)


def merge_tickets(
    *, session: Session, actor: Actor, ticket_no: str, into: str, note: str | None = None
) -> Ticket:
    """Merge ticket `ticket_no` into `into` (operators and admins only).

    Every chat following the merged ticket then follows the main one and is told once (the
    `merged` notice); the merged ticket keeps its history and points at the main one.
    """
    ticket = visible_ticket(session=session, actor=actor, ticket_no=ticket_no, for_update=True)
    apply_transition(
        session=session,
        ticket=ticket,
        action=Action.merge,
        actor=actor,
        note=note,
        target_ticket_no=into,
    )
    main = find_ticket_by_no(session=session, ticket_no=into)
    assert main is not None
    return main
