"""`create_ticket`: take in a demand, number it, route it and dispatch it in one transaction."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.catalogue.data import is_urgent_text
from backend.catalogue.service import get_active_category
from backend.citizens.service import get_or_create_identity
from backend.errors import Conflict, InvalidRequest
from backend.tickets.deadlines import deadlines_for
from backend.tickets.dispatching import dispatch_by_rule
from backend.tickets.drafts import TicketDraft
from backend.tickets.events import record_event
from backend.tickets.numbers import next_ticket_no
from backend.tickets.transitions import notify
from storage.models import (
    ChannelIdentity,
    ContactPreference,
    Ticket,
    TicketMedia,
    TicketState,
    TicketSubscriber,
    utcnow,
)


@dataclass(frozen=True)
class CreatedTicket:
    """The ticket, and whether this call created it (False: an idempotent retry)."""

    ticket: Ticket
    created: bool


def _validate(draft: TicketDraft) -> None:
    if not draft.description.strip():
        raise InvalidRequest("description must not be empty")
    if draft.contact_preference == ContactPreference.phone and not draft.phone:
        raise InvalidRequest("contact_preference 'phone' needs a phone number")
    if (draft.channel is None) != (draft.chat_id is None):
        raise InvalidRequest("channel and chat_id go together")
    if (draft.lat is None) != (draft.lon is None):
        raise InvalidRequest("lat and lon go together")
    for item in draft.media:
        if not item.file_id and not item.url:
            raise InvalidRequest("each media item needs a file_id or a url")


def _existing(*, session: Session, key: str, draft: TicketDraft) -> CreatedTicket:
    ticket = session.scalar(select(Ticket).where(Ticket.idempotency_key == key))
    assert ticket is not None
    if ticket.service_code != draft.service_code or ticket.description != draft.description:
        raise Conflict("Idempotency-Key was already used for a different ticket")
    return CreatedTicket(ticket=ticket, created=False)


def create_ticket(
    *,
    session: Session,
    draft: TicketDraft,
    actor: Actor,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> CreatedTicket:
    """Create, route and dispatch a ticket; a repeated `idempotency_key` returns the first one.

    The ticket starts `received`, is routed by the rules and moves to `dispatched` (both steps
    in its history, the dispatch also in the outbox). When no rule matches it stays `received`
    for an operator. Raises InvalidRequest for an unknown service_code or inconsistent fields.
    """
    now = now or utcnow()
    if idempotency_key is not None and _key_taken(session=session, key=idempotency_key):
        return _existing(session=session, key=idempotency_key, draft=draft)
    _validate(draft)
    category = get_active_category(session=session, service_code=draft.service_code)
    # Taking the number locks the day's counter row (PostgreSQL) or the database (SQLite) until
    # commit, so a concurrent retry with the same key waits here and then sees the first ticket.
    ticket_no = next_ticket_no(session=session, now=now)
    if idempotency_key is not None and _key_taken(session=session, key=idempotency_key):
        return _existing(session=session, key=idempotency_key, draft=draft)
    identity = None
    if draft.channel is not None and draft.chat_id is not None:
        identity = get_or_create_identity(
            session=session, channel=draft.channel, chat_id=draft.chat_id
        )
    ticket = _insert(
        session=session,
        ticket_no=ticket_no,
        draft=draft,
        urgent=draft.urgent or is_urgent_text(text=draft.description),
        identity=identity,
        idempotency_key=idempotency_key,
        now=now,
    )
    deadlines = deadlines_for(category=category, urgent=ticket.urgent, start=now)
    ticket.contact_due = deadlines.contact_due
    ticket.resolve_due = deadlines.resolve_due
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="create",
        to_state=TicketState.received,
        note=f"受理：{category.name_zh}",
        at=now,
    )
    _dispatch_new(session=session, ticket=ticket, now=now, notify_chat=not draft.caller_announces)
    return CreatedTicket(ticket=ticket, created=True)


def _key_taken(*, session: Session, key: str) -> bool:
    return session.scalar(select(Ticket.id).where(Ticket.idempotency_key == key)) is not None


def _insert(
    *,
    session: Session,
    ticket_no: str,
    draft: TicketDraft,
    urgent: bool,
    identity: ChannelIdentity | None,
    idempotency_key: str | None,
    now: datetime,
) -> Ticket:
    ticket = Ticket(
        ticket_no=ticket_no,
        state=TicketState.received,
        source=draft.source,
        request_type=draft.request_type,
        service_code=draft.service_code,
        description=draft.description.strip(),
        district=draft.district,
        street=draft.street,
        community=draft.community,
        address=draft.address,
        lat=draft.lat,
        lon=draft.lon,
        urgent=urgent,
        contact_preference=draft.contact_preference,
        phone=draft.phone,
        citizen_id=identity.citizen_id if identity else None,
        channel_identity_id=identity.id if identity else None,
        reopen_count=0,
        supervision=False,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    for item in draft.media:
        session.add(
            TicketMedia(ticket_id=ticket.id, kind=item.kind, file_id=item.file_id, url=item.url)
        )
    if identity is not None:
        session.add(TicketSubscriber(ticket_id=ticket.id, channel_identity_id=identity.id))
    session.flush()
    return ticket


def _dispatch_new(*, session: Session, ticket: Ticket, now: datetime, notify_chat: bool) -> None:
    """received → dispatched by the routing rules (the system acts); the citizen is told
    unless the caller tells them itself (one confirmation, issue 10)."""
    outcome = dispatch_by_rule(session=session, ticket=ticket)
    if outcome is None:
        event = record_event(
            session=session,
            ticket=ticket,
            actor=Actor.system(),
            action="route_failed",
            note=ticket.routing_explanation,
            public=False,
            at=now,
        )
        # The citizen still hears the number (a report the action server filed late, after an
        # outage, is told it only this way); an operator routes it by hand.
        notify(session=session, ticket=ticket, event=event, kind="received")
        return
    ticket.state = TicketState.dispatched
    event = record_event(
        session=session,
        ticket=ticket,
        actor=Actor.system(),
        action="dispatch",
        from_state=TicketState.received,
        to_state=TicketState.dispatched,
        note=f"已派发至{outcome.department.name}",
        data={**outcome.data, "explanation": ticket.routing_explanation},
        at=now,
    )
    if notify_chat:
        notify(session=session, ticket=ticket, event=event, kind="dispatched")
