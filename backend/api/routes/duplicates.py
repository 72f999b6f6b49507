"""Duplicate reports: similar open tickets, following one (co-reporter), merging (staff)."""

from fastapi import APIRouter, Response, status

from backend.api.auth import ChatDep, CitizenSideDep, StaffDep
from backend.api.deps import SessionDep
from backend.api.routes.tickets import ticket_out
from backend.duplicates.following import follow_ticket, merge_tickets
from backend.duplicates.matching import SimilarTicket, find_similar
from backend.duplicates.schemas import MergeIn, ReportIn
from backend.errors import Forbidden
from backend.tickets.schemas import TicketOut

router = APIRouter(prefix="/api/v1/tickets", tags=["duplicates"])


@router.post("/similar", response_model=list[SimilarTicket])
def post_similar(
    body: ReportIn, session: SessionDep, _actor: CitizenSideDep
) -> list[SimilarTicket]:
    """Open tickets of the same service code at the same place (same street, or within the
    configured radius when both have coordinates) with a similar description, best first.

    Called by the dialogue before the read-back. Answers number, category, place, department
    and state only: no description or contact data of the other citizen.
    """
    return find_similar(session=session, report=body.to_report())


@router.post(
    "/{ticket_no}/follow",
    response_model=TicketOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "the chat already followed the ticket"},
        404: {"description": "no such open ticket matching the report"},
    },
)
def post_follow(
    ticket_no: str, body: ReportIn, response: Response, session: SessionDep, actor: ChatDep
) -> TicketOut:
    """The chat named in `X-Suban-Channel` / `X-Suban-Chat` follows the ticket as a co-reporter:
    no second ticket, the same progress notices and its own rating prompt. The body is the
    report it was about to file; the ticket must be one `/similar` offers for it (404 otherwise).
    """
    if actor.chat is None:
        raise Forbidden("only a chat follows a ticket: name it in X-Suban-Channel / X-Suban-Chat")
    followed = follow_ticket(
        session=session, ticket_no=ticket_no, chat=actor.chat, report=body.to_report()
    )
    if not followed.created:
        response.status_code = status.HTTP_200_OK
    session.refresh(followed.ticket)
    return ticket_out(followed.ticket, actor)


@router.post(
    "/{ticket_no}/merge",
    response_model=TicketOut,
    responses={409: {"description": "either ticket is in a state that cannot be merged"}},
)
def post_merge(ticket_no: str, body: MergeIn, session: SessionDep, actor: StaffDep) -> TicketOut:
    """Operators and admins: merge this ticket into `into`. Every chat following it then
    follows the main ticket and is told once; answers the main ticket."""
    main = merge_tickets(
        session=session, actor=actor, ticket_no=ticket_no, into=body.into, note=body.note
    )
    session.refresh(main)
    return ticket_out(main, actor)
