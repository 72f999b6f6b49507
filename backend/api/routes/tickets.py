"""`/api/v1/tickets`: create (idempotent), read, list, transition, annotate and rate tickets."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from backend.api.auth import ChatDep, CitizenSideDep, StaffDep
from backend.api.deps import SessionDep
from backend.auth.actor import Actor, ChatRef
from backend.citizens.service import find_identity
from backend.inputs import Offset, RowId
from backend.tickets.notes import add_note
from backend.tickets.permissions import visible_ticket
from backend.tickets.ratings import submit_rating
from backend.tickets.repository import list_tickets
from backend.tickets.schemas import (
    EventOut,
    NoteIn,
    RatingIn,
    RatingOut,
    TicketIn,
    TicketOut,
    TicketSummary,
    TransitionIn,
)
from backend.tickets.service import create_ticket
from backend.tickets.transitions import apply_transition
from backend.tickets.workflow import allowed_actions
from storage.models import Ticket, TicketSource, TicketState

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])


def ticket_out(ticket: Ticket, actor: Actor) -> TicketOut:
    """Staff see the whole history with actors; the citizen side sees the public steps."""
    return TicketOut.of(
        ticket, staff_view=actor.is_staff, allowed=allowed_actions(state=ticket.state)
    )


@router.post(
    "",
    response_model=TicketOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "retry with a known Idempotency-Key: the same ticket"}},
)
def post_ticket(
    body: TicketIn,
    response: Response,
    session: SessionDep,
    actor: CitizenSideDep,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> TicketOut:
    """Create a ticket; it is routed and dispatched at once. Unknown service_code → 400."""
    source = TicketSource.api if actor.is_staff else TicketSource.chat
    if not actor.is_staff and body.channel is not None and body.chat_id is not None:
        actor = Actor.citizen(chat=ChatRef(channel=str(body.channel), chat_id=body.chat_id))
    result = create_ticket(
        session=session,
        draft=body.to_draft(source=source),
        actor=actor,
        idempotency_key=idempotency_key,
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return ticket_out(result.ticket, actor)


@router.get("", response_model=list[TicketSummary])
def get_tickets(
    session: SessionDep,
    actor: StaffDep,
    state: TicketState | None = None,
    department_id: RowId | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[TicketSummary]:
    """Staff: tickets newest first (department staff: their department's only)."""
    tickets = list_tickets(
        session=session,
        actor=actor,
        state=state,
        department_id=department_id,
        limit=limit,
        offset=offset,
    )
    return [TicketSummary.of(ticket) for ticket in tickets]


@router.get("/{ticket_no}", response_model=TicketOut)
def get_ticket(ticket_no: str, session: SessionDep, actor: ChatDep) -> TicketOut:
    """One ticket with its due times, department, explanation and history.

    Staff see what their role allows; the bot sees a ticket only for a chat that follows it,
    named in `X-Suban-Channel` / `X-Suban-Chat`. Any other ticket answers 404 exactly as a
    number that does not exist.
    """
    return ticket_out(visible_ticket(session=session, actor=actor, ticket_no=ticket_no), actor)


@router.post(
    "/{ticket_no}/transitions",
    response_model=TicketOut,
    responses={409: {"description": "illegal in this state; `allowed` lists what is"}},
)
def post_transition(
    ticket_no: str, body: TransitionIn, session: SessionDep, actor: ChatDep
) -> TicketOut:
    """Move the ticket: accept, resolve (note required), return, reopen, merge, cancel, dispatch.

    Staff tokens move tickets (department staff: accept/resolve/return on their own); the
    citizen side may only cancel before acceptance, from a chat that follows the ticket (named
    in `X-Suban-Channel` / `X-Suban-Chat`; 404 otherwise).
    """
    ticket = visible_ticket(session=session, actor=actor, ticket_no=ticket_no, for_update=True)
    apply_transition(
        session=session,
        ticket=ticket,
        action=body.action,
        actor=actor,
        note=body.note,
        target_ticket_no=body.target_ticket_no,
        department_id=body.department_id,
        reason=body.reason,
    )
    return ticket_out(ticket, actor)


@router.post("/{ticket_no}/notes", response_model=EventOut, status_code=status.HTTP_201_CREATED)
def post_note(ticket_no: str, body: NoteIn, session: SessionDep, actor: StaffDep) -> EventOut:
    """Staff: add a note; a public note is sent to the citizen."""
    ticket = visible_ticket(session=session, actor=actor, ticket_no=ticket_no)
    event = add_note(
        session=session, ticket=ticket, actor=actor, note=body.note, public=body.public
    )
    return EventOut.of(event, with_actor=True)


@router.post(
    "/{ticket_no}/rating",
    response_model=RatingOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "the same rating again: counted once"},
        409: {"description": "not resolved, already closed, or already rated differently"},
    },
)
def post_rating(
    ticket_no: str, body: RatingIn, response: Response, session: SessionDep, actor: ChatDep
) -> RatingOut:
    """Rate a resolved ticket: 1 不满意 reopens it (twice: supervision), 2/3 close it.

    The bot rates for the chat named in `X-Suban-Channel` / `X-Suban-Chat`, which must follow
    the ticket (404 otherwise); staff who may see the ticket may rate on a citizen's behalf.
    """
    ticket = visible_ticket(session=session, actor=actor, ticket_no=ticket_no, for_update=True)
    identity = (
        find_identity(session=session, channel=actor.chat.channel, chat_id=actor.chat.chat_id)
        if actor.chat
        else None
    )
    outcome = submit_rating(
        session=session,
        ticket=ticket,
        rating=body.to_input(),
        actor=actor,
        channel_identity_id=identity.id if identity else None,
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return RatingOut.of(outcome.rating, ticket)
