"""Open tickets that look like a new report: same service code, same place, similar words.

The place is the same when district and street are equal, or, when both reports have
coordinates, when they are within `radius_m` of each other. Descriptions are compared by a
rapidfuzz scorer (character level, so it works on Chinese without word segmentation). The
thresholds are data (`data/duplicates.yml`).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import process
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from backend.duplicates.config import DuplicateConfig, duplicate_config
from backend.places.models import Point
from backend.places.point_locator import haversine_km
from storage.models import ServiceCategory, Ticket, TicketState, utcnow

IN_PROGRESS_STATES: tuple[TicketState, ...] = (
    TicketState.received,
    TicketState.dispatched,
    TicketState.accepted,
    TicketState.returned,
    TicketState.reopened,
)
"""States in which a ticket is still being handled, so that a second reporter may follow it."""

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Report:
    """What the citizen is about to file (the place may be partly unknown)."""

    service_code: str
    description: str
    district: str | None = None
    street: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class SimilarTicket:
    """An open ticket offered as the same problem; no description or contact data."""

    ticket_no: str
    service_code: str
    category: str
    district: str | None
    street: str | None
    department: str | None
    state: str
    similarity: float
    distance_m: float | None
    created_at: datetime


def _near_clause(report: Report, config: DuplicateConfig) -> list[object]:
    """SQL for 'possibly at the same place'; the exact distance is checked in Python."""
    clauses: list[object] = []
    if report.district and report.street:
        clauses.append(and_(Ticket.district == report.district, Ticket.street == report.street))
    if report.lat is not None and report.lon is not None:
        dlat = config.radius_m / METRES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians(report.lat)), 0.01)
        clauses.append(
            and_(
                Ticket.lat.between(report.lat - dlat, report.lat + dlat),
                Ticket.lon.between(report.lon - dlon, report.lon + dlon),
            )
        )
    return clauses


def _distance_m(report: Report, ticket: Ticket) -> float | None:
    if None in (report.lat, report.lon, ticket.lat, ticket.lon):
        return None
    a = Point(lat=report.lat, lon=report.lon)  # type: ignore[arg-type]
    b = Point(lat=ticket.lat, lon=ticket.lon)  # type: ignore[arg-type]
    return haversine_km(a=a, b=b) * 1000


def _same_place(report: Report, ticket: Ticket, distance: float | None, radius: float) -> bool:
    if distance is not None and distance <= radius:
        return True
    return bool(report.street) and (ticket.district, ticket.street) == (
        report.district,
        report.street,
    )


def find_similar(
    *,
    session: Session,
    report: Report,
    now: datetime | None = None,
    config: DuplicateConfig | None = None,
    exclude_ticket_id: int | None = None,
) -> list[SimilarTicket]:
    """Open tickets of the same service code at the same place with a similar description,
    best first (at most `max_results`). Nothing when the report names no place."""
    config = config or duplicate_config()
    now = now or utcnow()
    near = _near_clause(report, config)
    if not near or not report.description.strip():
        return []
    query = (
        select(Ticket)
        .where(
            Ticket.service_code == report.service_code,
            Ticket.state.in_([state.value for state in IN_PROGRESS_STATES]),
            Ticket.created_at >= now - timedelta(days=config.lookback_days),
            or_(*near),
        )
        .order_by(Ticket.id.desc())
        .limit(500)
    )
    if exclude_ticket_id is not None:
        query = query.where(Ticket.id != exclude_ticket_id)
    candidates: dict[int, tuple[Ticket, float | None]] = {}
    for ticket in session.scalars(query):
        distance = _distance_m(report, ticket)
        if _same_place(report, ticket, distance, config.radius_m):
            candidates[ticket.id] = (ticket, distance)
    matches = process.extract(
        report.description,
        {ticket_id: ticket.description for ticket_id, (ticket, _) in candidates.items()},
        scorer=config.score,
        score_cutoff=config.min_similarity,
        limit=config.max_results,
    )
    category = session.get(ServiceCategory, report.service_code)
    label = category.name_zh if category else report.service_code
    found = []
    for _, score, ticket_id in matches:
        ticket, distance = candidates[ticket_id]
        found.append(
            SimilarTicket(
                ticket_no=ticket.ticket_no,
                service_code=ticket.service_code,
                category=label,
                district=ticket.district,
                street=ticket.street,
                department=ticket.department.name if ticket.department else None,
                state=ticket.state,
                similarity=round(float(score), 1),
                distance_m=round(distance, 1) if distance is not None else None,
                created_at=ticket.created_at,
            )
        )
    return found
