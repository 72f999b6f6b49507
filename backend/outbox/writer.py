"""Writing outbox events in the same transaction as the ticket change they announce."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.tickets.notices import Render
from storage.models import (
    ChannelIdentity,
    OutboxEvent,
    OutboxStatus,
    Ticket,
    TicketEvent,
    TicketSubscriber,
    utcnow,
)


def listening_identities(*, session: Session, ticket: Ticket) -> list[ChannelIdentity]:
    """The chats that hear about a ticket: its reporter and reporters of tickets merged into it."""
    return list(
        session.scalars(
            select(ChannelIdentity)
            .join(TicketSubscriber, TicketSubscriber.channel_identity_id == ChannelIdentity.id)
            .where(TicketSubscriber.ticket_id == ticket.id)
            .order_by(ChannelIdentity.id)
        )
    )


def pending_event(
    *,
    ticket_id: int | None,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    channel_identity_id: int | None,
) -> OutboxEvent:
    """A new outbox row, due now (the caller adds it to its session)."""
    return OutboxEvent(
        ticket_id=ticket_id,
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        channel_identity_id=channel_identity_id,
        status=OutboxStatus.pending,
        attempts=0,
        next_attempt_at=utcnow(),
    )


def write_ticket_notice(
    *, session: Session, ticket: Ticket, event: TicketEvent, kind: str, render: Render
) -> list[OutboxEvent]:
    """One pending outbox row per listening chat, keyed `ticket:{no}:{event_id}:{identity_id}`,
    with the notice in that chat's language (`render(identity.language)`).

    Nothing is written when nobody listens (e.g. an Open311 ticket without a chat): the change
    is still in the ticket's history, which Open311 clients poll.
    """
    rows = []
    for identity in listening_identities(session=session, ticket=ticket):
        row = pending_event(
            ticket_id=ticket.id,
            kind=kind,
            payload={
                "ticket_no": ticket.ticket_no,
                "state": ticket.state,
                "kind": kind,
                "text": render(identity.language),
                "channel": identity.channel,
                "chat_id": identity.chat_id,
                "event_id": event.id,
            },
            dedupe_key=f"ticket:{ticket.ticket_no}:{event.id}:{identity.id}",
            channel_identity_id=identity.id,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows
