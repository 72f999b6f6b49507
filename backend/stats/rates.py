"""The 三率 by department, district, street or category; trends per day or week; the district ×
category table. All counts are SQL aggregates over `measures` (one pass over the tickets, one
over their ratings), so they are the same on SQLite and PostgreSQL and fast over a large
history (see the `ix_tickets_stats` index and `scripts/bench_rates.py`).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from backend.stats.measures import SATISFIED_SCORES, TICKET_CONDITIONS, Period, in_scope
from storage.db import is_postgresql
from storage.models import Department, Rating, ServiceCategory, Ticket

GroupBy = Literal["department", "district", "street", "category"]
Interval = Literal["day", "week"]


def local_day() -> ColumnElement[str]:
    """The Shenzhen day a ticket was received, YYYYMMDD: its number is SZYYYYMMDD-NNNNNN,
    numbered by that day (backend.tickets.numbers), so no time-zone arithmetic in SQL."""
    return func.substr(Ticket.ticket_no, 3, 8)


GROUP_COLUMNS: dict[str, tuple[Any, ...]] = {
    "department": (Ticket.department_id,),
    "district": (Ticket.district,),
    "street": (Ticket.district, Ticket.street),
    "category": (Ticket.service_code,),
    "day": (local_day(),),
    "cell": (Ticket.district, Ticket.service_code),
    "all": (),
}


@dataclass(frozen=True)
class Scope:
    """Which tickets count: received in `span`, of one department when given; `now` for overdue."""

    span: Period
    now: datetime
    department_id: int | None = None

    def filters(self) -> list[ColumnElement[bool]]:
        found = in_scope(span=self.span)
        if self.department_id is not None:
            found.append(Ticket.department_id == self.department_id)
        return found


def _ratio(part: int, whole: int) -> float | None:
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
        for name in (*TICKET_COUNTS, "received", "rated", "satisfied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "responded_on_time": self.responded_on_time,
            "response_rate": _ratio(self.responded_on_time, self.received),
            "resolved_on_time": self.resolved_on_time,
            "resolved_on_time_rate": _ratio(self.resolved_on_time, self.received),
            "rated": self.rated,
            "satisfied": self.satisfied,
            "satisfaction_rate": _ratio(self.satisfied, self.rated),
            "reopened": self.reopened,
            "reopen_rate": _ratio(self.reopened, self.received),
            "overdue": self.overdue,
            "median_handling_hours": self.median_handling_hours,
        }


TICKET_COUNTS = ("responded_on_time", "resolved_on_time", "reopened", "overdue")


def aggregate(*, session: Session, scope: Scope, group: str) -> dict[tuple[Any, ...], Counts]:
    """Counts per group key (a tuple of the group's column values)."""
    columns = GROUP_COLUMNS[group]
    filters = scope.filters()
    sums = [
        func.sum(case((TICKET_CONDITIONS[name](scope.now), 1), else_=0)) for name in TICKET_COUNTS
    ]
    tickets = select(*columns, func.count(Ticket.id), *sums).where(*filters)
    ratings = (
        select(
            *columns,
            func.count(Rating.id),
            func.sum(case((Rating.score.in_(SATISFIED_SCORES), 1), else_=0)),
        )
        .select_from(Ticket)
        .join(Rating, Rating.ticket_id == Ticket.id)
        .where(*filters)
    )
    if columns:
        tickets = tickets.group_by(*columns)
        ratings = ratings.group_by(*columns)
    width = len(columns)
    found: dict[tuple[Any, ...], Counts] = defaultdict(Counts)
    for row in session.execute(tickets):
        if not row[width]:
            continue  # the ungrouped query answers one row of zeros for no tickets
        counts = found[tuple(row[:width])]
        counts.received = row[width]
        for offset, name in enumerate(TICKET_COUNTS, start=width + 1):
            setattr(counts, name, int(row[offset] or 0))
    for row in session.execute(ratings):
        if row[width]:
            found[tuple(row[:width])].rated = row[width]
            found[tuple(row[:width])].satisfied = int(row[width + 1] or 0)
    for key, hours in _medians(session=session, scope=scope, columns=columns).items():
        found[key].median_handling_hours = hours
    return dict(found)


def _medians(
    *, session: Session, scope: Scope, columns: tuple[Any, ...]
) -> dict[tuple[Any, ...], float]:
    """Median hours from receipt to resolution per group: PostgreSQL's percentile_cont; on
    SQLite (small deployments) the durations are read and the median taken here."""
    width = len(columns)
    resolved = [*scope.filters(), Ticket.resolved_at.is_not(None)]
    if is_postgresql(session.get_bind().engine):
        seconds = func.extract("epoch", Ticket.resolved_at - Ticket.created_at)
        query = select(*columns, func.percentile_cont(0.5).within_group(seconds)).where(*resolved)
        if columns:
            query = query.group_by(*columns)
        return {
            tuple(row[:width]): round(float(row[width]) / 3600, 2)
            for row in session.execute(query)
            if row[width] is not None
        }
    days = func.julianday(Ticket.resolved_at) - func.julianday(Ticket.created_at)
    durations: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for row in session.execute(select(*columns, days).where(*resolved)):
        durations[tuple(row[:width])].append(float(row[width]) * 24)
    return {key: round(statistics.median(hours), 2) for key, hours in durations.items()}


def _names(*, session: Session, group_by: GroupBy, key: tuple[Any, ...]) -> dict[str, Any]:
    """The row's key, display name and the drill-down filters that select its tickets."""
    if group_by == "department":
        department = session.get(Department, key[0]) if key[0] is not None else None
        name = department.name if department else "未派发"
        return {"key": str(key[0] or ""), "name": name, "filters": {"department_id": key[0]}}
    if group_by == "category":
        category = session.get(ServiceCategory, key[0])
        name = category.name_zh if category else key[0]
        return {"key": key[0], "name": name, "filters": {"service_code": key[0]}}
    if group_by == "street":
        district, street = key
        return {
            "key": f"{district or ''}/{street or ''}",
            "name": f"{district or '未知区'}{street or '（街道未知）'}",
            "filters": {"district": district, "street": street},
        }
    return {"key": key[0] or "", "name": key[0] or "未知区", "filters": {"district": key[0]}}


def rates(*, session: Session, scope: Scope, group_by: GroupBy) -> dict[str, Any]:
    """Rows per group, most tickets first, and the total of the whole scope."""
    groups = aggregate(session=session, scope=scope, group=group_by)
    rows = [
        {**_names(session=session, group_by=group_by, key=key), **counts.as_dict()}
        for key, counts in sorted(groups.items(), key=lambda item: -item[1].received)
    ]
    total = aggregate(session=session, scope=scope, group="all").get((), Counts())
    return {"rows": rows, "total": total.as_dict()}


def _bucket(day: date, interval: Interval) -> date:
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def trend(*, session: Session, scope: Scope, interval: Interval) -> list[dict[str, Any]]:
    """Counts per Shenzhen day or week (weeks start on Monday), every bucket of the period
    listed, empty ones with zeros, so that charts have no gaps. The median handling time is
    given per day only (a week's median cannot be made from its days')."""
    buckets: dict[date, Counts] = {}
    day = scope.span.start
    while day <= scope.span.end:
        buckets.setdefault(_bucket(day, interval), Counts())
        day += timedelta(days=1)
    for (stamp,), counts in aggregate(session=session, scope=scope, group="day").items():
        local = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
        if interval == "day":
            buckets[local] = counts
        else:
            buckets[_bucket(local, interval)].add(counts)
    return [
        {"period": start.isoformat(), **counts.as_dict()}
        for start, counts in sorted(buckets.items())
    ]


def matrix(*, session: Session, scope: Scope) -> dict[str, Any]:
    """The district × category table: received, overdue and satisfaction per cell."""
    cells = aggregate(session=session, scope=scope, group="cell")
    codes = sorted({code for _, code in cells})
    names = {
        category.service_code: category.name_zh
        for category in session.scalars(
            select(ServiceCategory).where(ServiceCategory.service_code.in_(codes))
        )
    }
    return {
        "districts": sorted({district or "" for district, _ in cells}),
        "categories": [{"service_code": code, "name": names.get(code, code)} for code in codes],
        "cells": [
            {
                "district": district or "",
                "service_code": code,
                "received": counts.received,
                "overdue": counts.overdue,
                "satisfaction_rate": _ratio(counts.satisfied, counts.rated),
            }
            for (district, code), counts in sorted(
                cells.items(), key=lambda item: (item[0][0] or "", item[0][1])
            )
        ],
    }
