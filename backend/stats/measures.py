"""What each dashboard number counts, as SQL conditions (the one place they are written down).

The texts the console shows are in `data/definitions.yml`; the conditions below are their
SQL. The aggregates (rates.py) sum these conditions and the drill-down (drilldown.py) lists
the tickets that meet them, so a number and the list behind it always agree.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, func, or_

from backend.errors import InvalidRequest
from backend.tickets.numbers import shenzhen_zone
from storage.models import Ticket, TicketState

DEFINITIONS_FILE = Path(__file__).resolve().parent / "data" / "definitions.yml"
MAX_PERIOD_DAYS = 3 * 366


class Text(BaseModel):
    """A definition in Chinese and English."""

    zh: str
    en: str


class Definitions(BaseModel):
    """The scope of the counts and the definition of every measure."""

    scope: Text
    measures: dict[str, Text]


@cache
def definitions() -> Definitions:
    """The shipped definitions (read on first use)."""
    with DEFINITIONS_FILE.open(encoding="utf-8") as handle:
        return Definitions.model_validate(yaml.safe_load(handle))


@dataclass(frozen=True)
class Period:
    """Shenzhen calendar days `start`..`end` (both included) as a half-open UTC range."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=shenzhen_zone()).astimezone(UTC)

    @property
    def until(self) -> datetime:
        after = self.end + timedelta(days=1)
        return datetime.combine(after, time.min, tzinfo=shenzhen_zone()).astimezone(UTC)


def period(*, start: date, end: date) -> Period:
    """The period, or InvalidRequest when it is reversed or longer than three years."""
    if end < start:
        raise InvalidRequest("'to' must not be before 'from'")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidRequest(f"the period may span at most {MAX_PERIOD_DAYS} days")
    return Period(start=start, end=end)


def in_scope(*, spans: Sequence[Period]) -> list[ColumnElement[bool]]:
    """Tickets received in the periods (at least one), neither merged into another nor
    cancelled."""
    received = [
        and_(Ticket.created_at >= span.since, Ticket.created_at < span.until) for span in spans
    ]
    return [
        received[0] if len(received) == 1 else or_(*received),
        Ticket.state.not_in([TicketState.merged.value, TicketState.cancelled.value]),
    ]


Condition = Callable[[datetime], ColumnElement[bool]]


def not_resolved_in_time() -> ColumnElement[bool]:
    """Still open, or resolved after the time limit: overdue once the limit has passed."""
    return or_(Ticket.resolved_at.is_(None), Ticket.resolved_at > Ticket.resolve_due)


TICKET_CONDITIONS: dict[str, Condition] = {
    "responded_on_time": lambda now: Ticket.first_contact_at <= Ticket.contact_due,
    "resolved_on_time": lambda now: Ticket.resolved_at <= Ticket.resolve_due,
    "reopened": lambda now: Ticket.reopen_count > 0,
    "overdue": lambda now: and_(Ticket.resolve_due < now, not_resolved_in_time()),
}
"""Per-ticket conditions, summed by the aggregates (NULL compares false: not counted)."""

OVERDUE_ONCE_DUE: ColumnElement[bool] = and_(
    Ticket.resolve_due.is_not(None), not_resolved_in_time()
)
"""Overdue whatever the time of asking, once `resolve_due` has passed (the rollup counts these
and keeps the latest such `resolve_due` of each day)."""


def handling_seconds(*, postgres: bool) -> ColumnElement[float]:
    """Seconds from receipt to resolution (NULL while unresolved), the median's input; the same
    expression for the live numbers and the rollup, so that both give the same float."""
    if postgres:
        return func.date_part("epoch", Ticket.resolved_at - Ticket.created_at)
    return (func.julianday(Ticket.resolved_at) - func.julianday(Ticket.created_at)) * 86400.0


DRILL_CONDITIONS: dict[str, Condition | None] = {
    "received": None,
    **TICKET_CONDITIONS,
    "not_responded_on_time": lambda now: or_(
        Ticket.first_contact_at.is_(None),
        Ticket.contact_due.is_(None),
        Ticket.first_contact_at > Ticket.contact_due,
    ),
    "not_resolved_on_time": lambda now: or_(
        Ticket.resolved_at.is_(None),
        Ticket.resolve_due.is_(None),
        Ticket.resolved_at > Ticket.resolve_due,
    ),
    "rated": lambda now: Ticket.ratings_count > 0,
    "satisfied": lambda now: Ticket.satisfied_count > 0,
    "unsatisfied": lambda now: Ticket.ratings_count > Ticket.satisfied_count,
}
"""What a drill-down may list: the tickets behind each number (rated: tickets with a rating)."""
