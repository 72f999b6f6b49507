"""`/api/v1/citizens/{channel}/{chat_id}/tickets`: the tickets a chat follows."""

from fastapi import APIRouter

from backend.api.auth import CitizenSideDep
from backend.api.deps import SessionDep
from backend.tickets.permissions import may_see
from backend.tickets.repository import tickets_of_chat
from backend.tickets.schemas import TicketSummary
from storage.models import Channel

router = APIRouter(prefix="/api/v1/citizens", tags=["citizens"])


@router.get("/{channel}/{chat_id}/tickets", response_model=list[TicketSummary])
def get_citizen_tickets(
    channel: Channel, chat_id: str, session: SessionDep, actor: CitizenSideDep, open: bool = False
) -> list[TicketSummary]:
    """Newest first; `open=true` keeps tickets in progress (resolved ones await a rating).

    The bot names the chat in the path (every ticket listed is one the chat follows); staff
    see those of the chat's tickets their role allows.
    """
    tickets = tickets_of_chat(session=session, channel=channel, chat_id=chat_id, open_only=open)
    if actor.is_staff:
        tickets = [t for t in tickets if may_see(session=session, actor=actor, ticket=t)]
    return [TicketSummary.of(ticket) for ticket in tickets]
