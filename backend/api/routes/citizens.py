"""`/api/v1/citizens/{channel}/{chat_id}/tickets`: the tickets a chat follows."""

from fastapi import APIRouter

from backend.api.auth import CitizenSideDep
from backend.api.deps import SessionDep
from backend.tickets.repository import tickets_of_chat
from backend.tickets.schemas import TicketSummary
from storage.models import Channel

router = APIRouter(prefix="/api/v1/citizens", tags=["citizens"])


@router.get("/{channel}/{chat_id}/tickets", response_model=list[TicketSummary])
def get_citizen_tickets(
    channel: Channel, chat_id: str, session: SessionDep, actor: CitizenSideDep, open: bool = False
) -> list[TicketSummary]:
    """Newest first; `open=true` keeps tickets in progress (resolved ones await a rating)."""
    tickets = tickets_of_chat(session=session, channel=channel, chat_id=chat_id, open_only=open)
    return [TicketSummary.of(ticket) for ticket in tickets if actor.may_see(ticket)]
