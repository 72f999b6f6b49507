"""Tickets from a held conversation: the operator files one for the citizen, or corrects the
one just filed. Each correction of what the NLU predicted is kept as a labelled example
(`nlu_corrections`) for the admins' NLU review."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.catalogue.service import get_active_category
from backend.errors import Conflict, InvalidRequest
from backend.handoff.notices import send_to_citizen
from backend.handoff.service import ensure_operator, held_conversation, holder_name
from backend.handoff.texts import citizen_text
from backend.tickets.deadlines import deadlines_for
from backend.tickets.dispatching import dispatch_by_rule
from backend.tickets.drafts import TicketDraft
from backend.tickets.events import record_event
from backend.tickets.permissions import not_found
from backend.tickets.repository import find_ticket_by_no
from backend.tickets.service import create_ticket
from backend.tickets.transitions import notify
from storage.models import (
    Channel,
    Conversation,
    Message,
    MessageRole,
    NluCorrection,
    Ticket,
    TicketSource,
    TicketState,
    utcnow,
)

CORRECTABLE_STATES = (TicketState.received, TicketState.dispatched, TicketState.returned)
"""Before a department accepts it, an operator may correct a ticket; after, the department."""
ROUTING_FIELDS = ("service_code", "district", "street")
FIELDS = (*ROUTING_FIELDS, "address", "description")


@dataclass(frozen=True)
class TicketCorrection:
    """What the operator sets; None leaves a field as it is."""

    service_code: str | None = None
    district: str | None = None
    street: str | None = None
    address: str | None = None
    description: str | None = None
    reason: str | None = None


def file_for_citizen(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    actor: Actor,
    draft: TicketDraft,
    message_id: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The holder files a ticket for the chat's citizen, who follows it (and is told)."""
    now = now or utcnow()
    conversation = held_conversation(
        session=session, channel=channel, chat_id=chat_id, actor=actor, now=now
    )
    draft = replace(draft, channel=Channel(channel), chat_id=chat_id, source=TicketSource.chat)
    ticket = create_ticket(session=session, draft=draft, actor=actor, now=now).ticket
    conversation.ticket_id = ticket.id
    send_to_citizen(
        session,
        conversation,
        text=citizen_text(conversation, "ticket_filed", ticket_no=ticket.ticket_no),
        kind="ticket_filed",
        role=MessageRole.operator,
        staff_id=holder_name(actor),
        now=now,
    )
    message = _message(session, conversation, message_id)
    if message is not None and _predicted_category(message) != draft.service_code:
        _label(
            session,
            message=message,
            ticket=ticket,
            actor=actor,
            predicted={"service_code": _predicted_category(message)},
            corrected={"service_code": draft.service_code},
            now=now,
        )
    return ticket


def correct_ticket(
    *,
    session: Session,
    ticket_no: str,
    actor: Actor,
    correction: TicketCorrection,
    message_id: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Correct category, place or description of a ticket not yet accepted; a new category or
    place routes it again by the rules. Stores what changed as a labelled NLU example."""
    ensure_operator(actor)
    now = now or utcnow()
    ticket = find_ticket_by_no(session=session, ticket_no=ticket_no, for_update=True)
    if ticket is None:
        raise not_found(ticket_no)
    if ticket.state not in CORRECTABLE_STATES:
        raise Conflict(f"a ticket in state {ticket.state} is corrected by its department")
    before = {name: getattr(ticket, name) for name in FIELDS}
    changes = {
        name: value
        for name in FIELDS
        if (value := getattr(correction, name)) is not None and value != before[name]
    }
    if not changes:
        raise InvalidRequest("the correction changes nothing")
    if "description" in changes and not str(changes["description"]).strip():
        raise InvalidRequest("description must not be empty")
    if "service_code" in changes:
        category = get_active_category(session=session, service_code=changes["service_code"])
        deadlines = deadlines_for(category=category, urgent=ticket.urgent, start=ticket.created_at)
        ticket.contact_due, ticket.resolve_due = deadlines.contact_due, deadlines.resolve_due
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.updated_at = now
    data: dict[str, Any] = {"before": {k: before[k] for k in changes}, "after": changes}
    if any(name in changes for name in ROUTING_FIELDS):
        _reroute(session, ticket, actor, data, now)
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="correct",
        note=correction.reason or "工作人员更正工单信息",
        public=False,
        data=data,
        at=now,
    )
    message = _message_of_ticket(session, ticket, message_id)
    _label(
        session,
        message=message,
        ticket=ticket,
        actor=actor,
        predicted={k: before[k] for k in changes},
        corrected=changes,
        now=now,
        text=None if message is not None else str(before["description"]),
    )
    return ticket


def _reroute(
    session: Session, ticket: Ticket, actor: Actor, data: dict[str, Any], now: datetime
) -> None:
    """Route by the corrected category and place; a new department gets the ticket."""
    previous = ticket.department_id
    outcome = dispatch_by_rule(session=session, ticket=ticket)
    if outcome is None or outcome.department.id == previous:
        data["department_unchanged"] = True
        return
    from_state = ticket.state
    ticket.state = TicketState.dispatched
    event = record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="dispatch",
        from_state=from_state,
        to_state=TicketState.dispatched,
        note=f"更正后改派至{outcome.department.name}",
        data={**outcome.data, "explanation": ticket.routing_explanation},
        at=now,
    )
    notify(session=session, ticket=ticket, event=event, kind="dispatched")
    data["department_id"] = outcome.department.id


def _message(
    session: Session, conversation: Conversation, message_id: int | None
) -> Message | None:
    """The citizen message the operator points at, else the conversation's latest one with NLU."""
    query = select(Message).where(
        Message.conversation_id == conversation.id, Message.role == MessageRole.citizen
    )
    if message_id is not None:
        return session.scalar(query.where(Message.id == message_id))
    return session.scalar(
        query.where(Message.nlu.is_not(None)).order_by(Message.id.desc()).limit(1)
    )


def _message_of_ticket(session: Session, ticket: Ticket, message_id: int | None) -> Message | None:
    """The message a correction is about: the one named, else the latest with NLU in the
    conversation the ticket came from (when it came from a chat)."""
    if message_id is not None:
        message = session.get(Message, message_id)
        return message if message is not None and message.role == MessageRole.citizen else None
    conversation = session.scalar(
        select(Conversation)
        .where(Conversation.ticket_id == ticket.id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    return _message(session, conversation, None) if conversation is not None else None


def _predicted_category(message: Message) -> str | None:
    return (message.nlu or {}).get("intent")


def _label(
    session: Session,
    *,
    message: Message | None,
    ticket: Ticket,
    actor: Actor,
    predicted: dict[str, Any],
    corrected: dict[str, Any],
    now: datetime,
    text: str | None = None,
) -> NluCorrection:
    """Keep one labelled example: the text, what the NLU predicted, what the operator set."""
    nlu = (message.nlu if message is not None else None) or {}
    row = NluCorrection(
        message_id=message.id if message is not None else None,
        ticket_id=ticket.id,
        text=message.text if message is not None else (text or ticket.description),
        predicted_intent=nlu.get("intent"),
        predicted_entities=nlu.get("entities"),
        predicted=predicted,
        corrected_intent=corrected.get("service_code"),
        corrected=corrected,
        staff_id=holder_name(actor),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row
