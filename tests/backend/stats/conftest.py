"""A hand-built set of tickets with known 三率 (see `known_tickets`)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.stats.measures import period
from backend.stats.rates import Scope
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from storage.models import Rating, Ticket, TicketState

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
PERIOD = period(start=date(2026, 11, 2), end=date(2026, 11, 8))  # Monday to Sunday
H = timedelta(hours=1)
PLACES = {"noise": ("南山区", "粤海街道"), "streetlight": ("福田区", "华强北街道")}


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """2026-11-`day` `hour`:`minute` Shenzhen time, in UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - 8 * H


@dataclass(frozen=True)
class Known:
    """The tickets by their role in the set."""

    tickets: dict[str, Ticket]

    def no(self, *names: str) -> list[str]:
        return sorted(self.tickets[name].ticket_no for name in names)


def build(
    session: Session,
    service_code: str,
    created: datetime,
    *,
    state: TicketState = TicketState.dispatched,
    contact_after: float | None = None,
    resolved_after: float | None = None,
    contact_limit: float = 24,
    resolve_limit: float = 48,
    reopen_count: int = 0,
    scores: tuple[int, ...] = (),
) -> Ticket:
    """A ticket received at `created`, then given its history's outcome directly."""
    district, street = PLACES[service_code]
    draft = TicketDraft(
        service_code=service_code, description="测试", district=district, street=street
    )
    with time_machine.travel(created, tick=False):
        ticket = create_ticket(session=session, draft=draft, actor=Actor.citizen(), now=created)
    ticket = ticket.ticket
    ticket.state = state
    ticket.contact_due = created + contact_limit * H
    ticket.resolve_due = created + resolve_limit * H
    ticket.first_contact_at = created + contact_after * H if contact_after is not None else None
    ticket.resolved_at = created + resolved_after * H if resolved_after is not None else None
    ticket.reopen_count = reopen_count
    for round_, score in enumerate(scores):
        session.add(Rating(ticket_id=ticket.id, round=round_, score=score, created_at=created))
    ticket.ratings_count = len(scores)  # what backend.tickets.ratings keeps for each rating
    ticket.satisfied_count = sum(score in (2, 3) for score in scores)
    session.flush()
    return ticket


@pytest.fixture
def known(session: Session) -> Known:
    """Noise in 南山区粤海街道, streetlights in 福田区华强北街道, 2–8 November 2026.

    on time  : answered and resolved within the limits, 满意
    reopened : 不满意 in round 0, then reopened, answered and resolved on time, 基本满意
    returned : returned by the department, never answered, its resolve limit long past
    midnight : received at 00:10 Shenzhen time on the 2nd (still the 1st in UTC), untouched
    pending  : answered on time, still in hand, its resolve limit in the future
    late     : resolved after the limit, 基本满意
    merged, cancelled, next_day (00:30 on the 9th, Shenzhen): not counted
    """
    tickets = {
        "on_time": build(
            session, "noise", local(2, 10), state=TicketState.closed,
            contact_after=1, resolved_after=10, scores=(3,),
        ),
        "reopened": build(
            session, "noise", local(3, 9), state=TicketState.closed, contact_after=2,
            resolved_after=30, resolve_limit=72, reopen_count=1, scores=(1, 2),
        ),
        "returned": build(session, "noise", local(4, 9), state=TicketState.returned),
        "midnight": build(
            session, "noise", local(2, 0, 10), resolve_limit=24 * 30,
        ),
        "pending": build(
            session, "streetlight", local(5, 9), state=TicketState.accepted,
            contact_after=3, resolve_limit=24 * 30,
        ),
        "late": build(
            session, "streetlight", local(6, 9), state=TicketState.closed,
            contact_after=4, resolved_after=50, scores=(2,),
        ),
        "merged": build(session, "streetlight", local(6, 10), state=TicketState.merged),
        "cancelled": build(session, "noise", local(7, 10), state=TicketState.cancelled),
        "next_day": build(session, "noise", local(9, 0, 30)),
    }  # fmt: skip
    session.commit()
    return Known(tickets=tickets)


def scope(department_id: int | None = None) -> Scope:
    return Scope(span=PERIOD, now=NOW, department_id=department_id)
