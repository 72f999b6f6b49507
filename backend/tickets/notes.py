"""Notes on a ticket (备注 / 回复): internal, or public and sent to the citizen."""

from datetime import datetime

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.errors import InvalidRequest
from backend.tickets.events import record_event
from backend.tickets.permissions import ensure_visible
from backend.tickets.transitions import notify
from storage.models import Ticket, TicketEvent, utcnow


def add_note(
    *,
    session: Session,
    ticket: Ticket,
    actor: Actor,
    note: str,
    public: bool,
    now: datetime | None = None,
) -> TicketEvent:
    """Record a note; a public one also goes to the citizen through the outbox."""
    ensure_visible(session=session, actor=actor, ticket=ticket)
    text = note.strip()
    if not text:
        raise InvalidRequest("note must not be empty")
    event = record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="note",
        note=text,
        public=public,
        at=now or utcnow(),
    )
    if public:
        notify(session=session, ticket=ticket, event=event, kind="note", note=text)
    return event
