"""Real tickets for tests: `create_ticket` on the seeded test database, as the bot calls it."""

from datetime import datetime

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from storage.models import Channel, Ticket, utcnow


def open_ticket(
    session_factory: sessionmaker[Session],
    *,
    chat_id: str | None = "10001",
    service_code: str = "noise",
    district: str = "南山区",
    street: str = "粤海街道",
    description: str = "工地每天晚上十一点还在打桩",
    now: datetime | None = None,
) -> str:
    """Create (and commit) a routed, dispatched ticket from a Telegram chat at `now` (frozen)."""
    draft = TicketDraft(
        service_code=service_code,
        description=description,
        district=district,
        street=street,
        channel=Channel.telegram if chat_id else None,
        chat_id=chat_id,
    )
    with time_machine.travel(now or utcnow(), tick=False), session_factory.begin() as session:
        created = create_ticket(session=session, draft=draft, actor=Actor.citizen(), now=now)
        return created.ticket.ticket_no


def load_ticket(session: Session, ticket_no: str) -> Ticket:
    """The ticket with that number."""
    return session.scalars(select(Ticket).where(Ticket.ticket_no == ticket_no)).one()
