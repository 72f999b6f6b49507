"""The tickets behind a dashboard number: the same scope and condition as the aggregate."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidRequest
from backend.stats.counts import Scope
from backend.stats.live import local_day
from backend.stats.measures import DRILL_CONDITIONS
from storage.models import Ticket

MAX_ROWS = 5000


@dataclass(frozen=True)
class Slice:
    """Which part of the scope: a measure and the filters of a row, cell or day."""

    measure: str = "received"
    department_id: int | None = None
    district: str | None = None
    street: str | None = None
    service_code: str | None = None
    day: date | None = None


def drill_down(
    *, session: Session, scope: Scope, part: Slice, limit: int = 500, offset: int = 0
) -> list[dict[str, Any]]:
    """Tickets of the slice, oldest first; InvalidRequest for an unknown measure."""
    if part.measure not in DRILL_CONDITIONS:
        known = ", ".join(DRILL_CONDITIONS)
        raise InvalidRequest(f"unknown measure {part.measure!r}; use one of: {known}")
    if not 1 <= limit <= MAX_ROWS:
        raise InvalidRequest(f"limit must be between 1 and {MAX_ROWS}")
    query = select(Ticket).where(*scope.filters()).order_by(Ticket.id).limit(limit).offset(offset)
    condition = DRILL_CONDITIONS[part.measure]
    if condition is not None:
        query = query.where(condition(scope.now))
    for column, value in (
        (Ticket.department_id, part.department_id),
        (Ticket.district, part.district),
        (Ticket.street, part.street),
        (Ticket.service_code, part.service_code),
    ):
        if value is not None:
            query = query.where(column == value)
    if part.day is not None:
        query = query.where(local_day() == part.day.strftime("%Y%m%d"))
    return [_row(ticket) for ticket in session.scalars(query)]


def _row(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket_no": ticket.ticket_no,
        "state": ticket.state,
        "service_code": ticket.service_code,
        "district": ticket.district,
        "street": ticket.street,
        "department": ticket.department.name if ticket.department else None,
        "created_at": ticket.created_at.isoformat(),
        "contact_due": _iso(ticket.contact_due),
        "first_contact_at": _iso(ticket.first_contact_at),
        "resolve_due": _iso(ticket.resolve_due),
        "resolved_at": _iso(ticket.resolved_at),
        "reopen_count": ticket.reopen_count,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
