"""Open311 service requests: create one through the ticket service, query them, resolve tokens."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.auth.actor import Actor
from backend.auth.service import verify_open311_key
from backend.errors import Forbidden, InvalidRequest, NotFound
from backend.open311.intake import ServiceRequestInput
from backend.open311.locating import locate_request
from backend.open311.mapping import CLOSED_STATES, service_notice, to_service_requests
from backend.open311.schemas import CreatedServiceRequest, ServiceRequest, TokenLookup
from backend.open311.services import check_attributes, find_service
from backend.tickets.drafts import MediaDraft, TicketDraft
from backend.tickets.events import record_event
from backend.tickets.service import create_ticket
from storage.models import ActorKind, ContactPreference, RequestType, Ticket, TicketSource, utcnow

OPEN311_ACTOR = Actor(kind=ActorKind.open311, id="open311")
DEFAULT_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "device_id", "account_id")


@dataclass(frozen=True, slots=True)
class Created:
    """The POST answer, and whether this call created the ticket (False: an idempotent retry)."""

    answer: CreatedServiceRequest
    created: bool


def check_api_key(*, session: Session, api_key: str | None, configured_keys: set[str]) -> None:
    """403 unless the key is listed in OPEN311_API_KEYS or was issued by an admin."""
    if not api_key:
        raise Forbidden("api_key was not provided -- can't proceed with create_request.")
    if not verify_open311_key(session=session, api_key=api_key, configured_keys=configured_keys):
        raise Forbidden("Invalid api_key received -- can't proceed with create_request.")


def create_service_request(
    *,
    session: Session,
    form: ServiceRequestInput,
    configured_keys: set[str],
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Created:
    """POST Service Request: check the key and fields, then create, route and dispatch a ticket."""
    check_api_key(session=session, api_key=form.api_key, configured_keys=configured_keys)
    category = find_service(session=session, service_code=form.service_code)
    attributes = check_attributes(submitted=form.attributes)
    place = locate_request(form=form)
    request_type = (attributes.get("request_type") or [RequestType.complaint.value])[0]
    draft = TicketDraft(
        service_code=category.service_code,
        description=form.description or f"{category.name_zh}（Open311 提交，未附描述）",
        request_type=RequestType(request_type),
        district=place.district,
        street=place.street,
        community=place.community,
        address=place.address,
        lat=place.lat,
        lon=place.lon,
        urgent=(attributes.get("urgent") or ["false"])[0] == "true",
        contact_preference=ContactPreference.phone if form.phone else ContactPreference.anonymous,
        phone=form.phone,
        media=(MediaDraft(url=form.media_url),) if form.media_url else (),
        source=TicketSource.open311,
    )
    outcome = create_ticket(
        session=session,
        draft=draft,
        actor=OPEN311_ACTOR,
        idempotency_key=idempotency_key,
        now=now,
    )
    ticket = outcome.ticket
    contact = {name: getattr(form, name) for name in CONTACT_FIELDS if getattr(form, name)}
    if outcome.created and contact:
        record_event(
            session=session,
            ticket=ticket,
            actor=OPEN311_ACTOR,
            action="contact",
            note="Open311 提交人联系方式",
            public=False,
            data=contact,
            at=now,
        )
    answer = CreatedServiceRequest(
        service_request_id=ticket.ticket_no,
        service_notice=service_notice(ticket),
        account_id=form.account_id,
    )
    return Created(answer=answer, created=outcome.created)


@dataclass(frozen=True, slots=True)
class RequestsQuery:
    """The filters of GET Service Requests."""

    service_request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start_date: datetime | None = None
    end_date: datetime | None = None
    statuses: tuple[str, ...] = ()


def parse_requests_query(
    *,
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
) -> RequestsQuery:
    """Read the query string (comma lists, w3 datetimes) with clear 400s for bad values."""
    statuses = _comma_list(status)
    wrong = [value for value in statuses if value not in ("open", "closed")]
    if wrong:
        raise InvalidRequest(f"status must be open or closed, got {wrong[0]!r}")
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    if start and end:
        if start > end:
            raise InvalidRequest("start_date must not be after end_date")
        if end - start > DEFAULT_SPAN:
            raise InvalidRequest("start_date and end_date may not span more than 90 days")
    return RequestsQuery(
        service_request_ids=_comma_list(service_request_id),
        service_codes=_comma_list(service_code),
        start_date=start,
        end_date=end,
        statuses=statuses,
    )


def find_service_requests(
    *, session: Session, query: RequestsQuery, now: datetime | None = None
) -> list[ServiceRequest]:
    """GET Service Requests: ids override everything; else the last 90 days, newest first, ≤1000."""
    statement = select(Ticket).options(selectinload(Ticket.department))
    if query.service_request_ids:
        statement = statement.where(Ticket.ticket_no.in_(query.service_request_ids))
    else:
        end = query.end_date or ((query.start_date + DEFAULT_SPAN) if query.start_date else None)
        end = end or now or utcnow()
        start = query.start_date or end - DEFAULT_SPAN
        statement = statement.where(Ticket.created_at >= start, Ticket.created_at <= end)
        if query.service_codes:
            statement = statement.where(Ticket.service_code.in_(query.service_codes))
        if query.statuses == ("closed",):
            statement = statement.where(Ticket.state.in_(CLOSED_STATES))
        elif query.statuses == ("open",):
            statement = statement.where(Ticket.state.not_in(CLOSED_STATES))
    statement = statement.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(MAX_RESULTS)
    return to_service_requests(session=session, tickets=list(session.scalars(statement)))


def get_service_request(*, session: Session, service_request_id: str) -> list[ServiceRequest]:
    """GET Service Request: a one-element list, or 404."""
    found = find_service_requests(
        session=session, query=RequestsQuery(service_request_ids=(service_request_id,))
    )
    if not found:
        raise NotFound(f"service_request_id {service_request_id!r} was not found")
    return found


def lookup_token(*, session: Session, token: str) -> list[TokenLookup]:
    """GET service_request_id from a token: the Idempotency-Key an Open311 request was sent with.

    Only requests created through Open311: the keys the bot files chat reports under are not
    Open311 tokens, and must not link a chat to its ticket.
    """
    ticket_no = session.scalar(
        select(Ticket.ticket_no).where(
            Ticket.idempotency_key == token, Ticket.source == TicketSource.open311
        )
    )
    if ticket_no is None:
        raise NotFound(f"token {token!r} was not found")
    return [TokenLookup(service_request_id=ticket_no, token=token)]


def _comma_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def _date(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        raise InvalidRequest(f"{name} must be a w3 datetime, e.g. 2010-01-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise InvalidRequest(f"{name} must include a time zone (Z or ±HH:MM)")
    return parsed
