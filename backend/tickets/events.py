"""Ticket events (工单流转记录): the audit trail every change writes."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from storage.models import Ticket, TicketEvent, utcnow


def record_event(
    *,
    session: Session,
    ticket: Ticket,
    actor: Actor,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    public: bool = True,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    """Append one event to the ticket's history (flushed, so it has an id)."""
    event = TicketEvent(
        ticket=ticket,
        at=at or utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        public=public,
        data=data,
    )
    session.add(event)
    session.flush()
    return event
