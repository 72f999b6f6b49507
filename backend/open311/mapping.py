"""Tickets as Open311 service requests (batch-loaded: a page of 1000 costs a few queries).

What is published is what a city would publish: the texts with personal data masked
(backend.privacy), public notes only, and nothing of the citizen's chat or contact data.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.open311.schemas import RequestStatus, ServiceRequest
from backend.privacy.masking import mask_personal_data
from backend.timers.clock import local_time, w3_datetime
from storage.models import ServiceCategory, Ticket, TicketEvent, TicketMedia, TicketState

CLOSED_STATES = frozenset(
    {TicketState.resolved, TicketState.closed, TicketState.merged, TicketState.cancelled}
)
CITY = "深圳市"


def open311_status(state: str) -> RequestStatus:
    """`closed` once resolved, closed, merged or cancelled; `open` otherwise."""
    return "closed" if state in CLOSED_STATES else "open"


def human_address(ticket: Ticket) -> str | None:
    """Most specific to most general, as the spec asks: 科技园, 粤海街道, 南山区, 深圳市."""
    parts = [ticket.address, ticket.community, ticket.street, ticket.district]
    named = [mask_personal_data(part) for part in parts if part]
    if not named:
        return None
    return ", ".join([*dict.fromkeys(named), CITY])


def service_notice(ticket: Ticket) -> str:
    """What will happen next, in one Chinese sentence."""
    if ticket.state in CLOSED_STATES:
        return "该诉求已办结。" if ticket.state != TicketState.cancelled else "该诉求已撤销。"
    if ticket.department is None:
        return "已受理，正在分派承办单位。"
    due = local_time(ticket.resolve_due).strftime("%Y-%m-%d %H:%M") if ticket.resolve_due else None
    promise = f"，预计 {due} 前办结" if due else ""
    return f"已受理，由{ticket.department.name}办理{promise}。"


def to_service_requests(*, session: Session, tickets: Sequence[Ticket]) -> list[ServiceRequest]:
    """Map tickets, loading names, latest public notes and media in bulk."""
    ids = [ticket.id for ticket in tickets]
    names = _service_names(session)
    notes = _latest_public_notes(session, ids)
    media = _first_media_urls(session, ids)
    return [
        ServiceRequest(
            service_request_id=ticket.ticket_no,
            status=open311_status(ticket.state),
            status_notes=_masked(notes.get(ticket.id)),
            service_name=names.get(ticket.service_code, ticket.service_code),
            service_code=ticket.service_code,
            description=_masked(ticket.description),
            agency_responsible=ticket.department.name if ticket.department else None,
            service_notice=service_notice(ticket),
            requested_datetime=w3_datetime(ticket.created_at),
            updated_datetime=w3_datetime(ticket.updated_at or ticket.created_at),
            expected_datetime=w3_datetime(ticket.resolve_due) if ticket.resolve_due else None,
            address=human_address(ticket),
            address_id=None,
            zipcode=None,
            lat=ticket.lat,
            long=ticket.lon,
            media_url=media.get(ticket.id),
        )
        for ticket in tickets
    ]


def _masked(text: str | None) -> str | None:
    return mask_personal_data(text) if text else None


def _service_names(session: Session) -> dict[str, str]:
    rows = session.execute(select(ServiceCategory.service_code, ServiceCategory.name_zh))
    return {code: name for code, name in rows}


def _latest_public_notes(session: Session, ticket_ids: list[int]) -> dict[int, str]:
    if not ticket_ids:
        return {}
    rows = session.execute(
        select(TicketEvent.ticket_id, TicketEvent.note)
        .where(
            TicketEvent.ticket_id.in_(ticket_ids),
            TicketEvent.public.is_(True),
            TicketEvent.note.is_not(None),
            TicketEvent.note != "",
        )
        .order_by(TicketEvent.id)
    )
    return {ticket_id: note for ticket_id, note in rows}  # later events overwrite earlier ones


def _first_media_urls(session: Session, ticket_ids: list[int]) -> dict[int, str]:
    if not ticket_ids:
        return {}
    rows = session.execute(
        select(TicketMedia.ticket_id, TicketMedia.url)
        .where(TicketMedia.ticket_id.in_(ticket_ids), TicketMedia.url.is_not(None))
        .order_by(TicketMedia.id.desc())
    )
    return {ticket_id: url for ticket_id, url in rows}  # the first one wins, read last
