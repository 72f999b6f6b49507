"""What the 三率 are computed over and into: which tickets count (`Scope`), the numbers of one
group (`Counts`), and the groupings (`GROUPS`: column names shared by `tickets` and the rollup).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

from backend.stats.measures import Period, in_scope
from storage.models import Ticket

GROUPS: dict[str, tuple[str, ...]] = {
    "department": ("department_id",),
    "district": ("district",),
    "street": ("district", "street"),
    "category": ("service_code",),
    "day": ("day",),  # the Shenzhen day received, YYYYMMDD
    "cell": ("district", "service_code"),
}

LEVELS: dict[str, tuple[str, ...]] = {
    "full": ("department_id", "district", "street", "service_code"),
    "department": ("department_id",),
    "district": ("district",),
    "street": ("district", "street"),
    "category": ("service_code",),
    "cell": ("district", "service_code"),
    "total": (),
}
"""The rollup's levels: the columns each keeps (`full` is the rollup proper, the others are its
sums for one grouping of the whole city, so that reading all departments stays small)."""

HISTOGRAM_LEVELS = ("department", "district", "street", "category", "total")
"""Levels whose handling-time histograms the rollup keeps (the groupings with a median)."""

TICKET_COUNTS = ("responded_on_time", "resolved_on_time", "reopened", "overdue")
"""The counts that are sums of a condition of `measures.TICKET_CONDITIONS`."""


@dataclass(frozen=True)
class Scope:
    """Which tickets count: received in `span`, of one department when given; `now` for overdue."""

    span: Period
    now: datetime
    department_id: int | None = None

    def filters(self, spans: Sequence[Period] | None = None) -> list[ColumnElement[bool]]:
        """Conditions on `tickets`: in scope, received in `spans` (default: the whole span)."""
        found = in_scope(spans=[self.span] if spans is None else spans)
        if self.department_id is not None:
            found.append(Ticket.department_id == self.department_id)
        return found


def ratio(part: int, whole: int) -> float | None:
    """A rate to four decimals; None when its denominator is zero."""
    return round(part / whole, 4) if whole else None


@dataclass
class Counts:
    """The numbers of one group; rates are None when their denominator is zero."""

    received: int = 0
    responded_on_time: int = 0
    resolved_on_time: int = 0
    reopened: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    median_handling_hours: float | None = None

    def add(self, other: "Counts") -> None:
        """Add another group's counts (not its median: medians do not add up)."""
        for name in (*TICKET_COUNTS, "received", "rated", "satisfied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "responded_on_time": self.responded_on_time,
            "response_rate": ratio(self.responded_on_time, self.received),
            "resolved_on_time": self.resolved_on_time,
            "resolved_on_time_rate": ratio(self.resolved_on_time, self.received),
            "rated": self.rated,
            "satisfied": self.satisfied,
            "satisfaction_rate": ratio(self.satisfied, self.rated),
            "reopened": self.reopened,
            "reopen_rate": ratio(self.reopened, self.received),
            "overdue": self.overdue,
            "median_handling_hours": self.median_handling_hours,
        }


@dataclass(frozen=True)
class Aggregate:
    """Counts per group key (a tuple of the group's column values), and over the whole scope."""

    groups: dict[tuple[Any, ...], Counts]
    total: Counts
