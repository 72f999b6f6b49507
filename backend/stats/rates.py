"""The 三率 by department, district, street or category; trends per day or week; the district ×
category table. All counts are SQL aggregates of the conditions in `measures`, in one pass over
the period's tickets (ratings are counted on the ticket row), so they are the same on SQLite and
PostgreSQL and fast over a large history (`ix_tickets_stats`, `scripts/bench_rates.py`).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func, select, text, tuple_
from sqlalchemy.orm import Session

from backend.stats.measures import TICKET_CONDITIONS, Period, in_scope
from storage.db import is_postgresql
from storage.models import Department, ServiceCategory, Ticket

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


@dataclass(frozen=True)
class Aggregate:
    """Counts per group key (a tuple of the group's column values), and over the whole scope."""

    groups: dict[tuple[Any, ...], Counts]
    total: Counts


def aggregate(
    *, session: Session, scope: Scope, group: str, median: bool = True, total: bool = True
) -> Aggregate:
    """One pass over the scope's tickets: the counts of every group and (with `total`) of all.

    On PostgreSQL the median is taken in the same pass (percentile_cont; GROUPING SETS add the
    total row); SQLite (small deployments) reads the durations and takes the medians here.
    Without `median` the pass is a plain hash aggregate (no sort), the cheapest there is.
    """
    columns = GROUP_COLUMNS[group]
    postgres = is_postgresql(session.get_bind().engine)
    measures = [
        func.count(Ticket.id),
        *(func.sum(case((TICKET_CONDITIONS[n](scope.now), 1), else_=0)) for n in TICKET_COUNTS),
        func.sum(Ticket.ratings_count),
        func.sum(Ticket.satisfied_count),
    ]
    sql_median = postgres and median
    if postgres:
        # One aggregate over up to millions of rows: compiling it (JIT) costs more than it saves.
        session.execute(text("SET LOCAL jit = off"))
    if sql_median:
        seconds = func.date_part("epoch", Ticket.resolved_at - Ticket.created_at)
        measures.append(func.percentile_cont(0.5).within_group(seconds))
    query = select(*columns, *measures).where(*scope.filters())
    if sql_median and total:  # the total's median cannot be added up from the groups'
        is_total = func.grouping(*columns)  # 0 on group rows, non-zero on the total row
        query = query.add_columns(is_total).group_by(func.grouping_sets(tuple_(*columns), tuple_()))
    else:
        query = query.group_by(*columns)
    width = len(columns)
    groups: dict[tuple[Any, ...], Counts] = {}
    overall = Counts()
    for row in session.execute(query):
        received, *counted = row[width : width + 7]
        counts = Counts(received, *(int(value or 0) for value in counted))
        if sql_median:
            hours = row[width + 7]
            counts.median_handling_hours = round(hours / 3600, 2) if hours is not None else None
        if sql_median and total and row[width + 8]:
            overall = counts
        else:
            groups[tuple(row[:width])] = counts
            if not (sql_median and total):
                overall.add(counts)
    if median and not postgres:
        _sqlite_medians(session=session, scope=scope, columns=columns, groups=groups, total=overall)
    return Aggregate(groups=groups, total=overall)


def _sqlite_medians(
    *,
    session: Session,
    scope: Scope,
    columns: tuple[Any, ...],
    groups: dict[tuple[Any, ...], Counts],
    total: Counts,
) -> None:
    width = len(columns)
    days = func.julianday(Ticket.resolved_at) - func.julianday(Ticket.created_at)
    resolved = [*scope.filters(), Ticket.resolved_at.is_not(None)]
    durations: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for row in session.execute(select(*columns, days).where(*resolved)):
        durations[tuple(row[:width])].append(float(row[width]) * 24)
    for key, hours in durations.items():
        groups[key].median_handling_hours = round(statistics.median(hours), 2)
    every = [hour for hours in durations.values() for hour in hours]
    total.median_handling_hours = round(statistics.median(every), 2) if every else None


def _names(
    *, session: Session, group_by: GroupBy, keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Each row's key, display name and the drill-down filters that select its tickets."""
    if group_by == "department":
        ids = [key[0] for key in keys if key[0] is not None]
        departments = dict(
            session.execute(
                select(Department.id, Department.name).where(Department.id.in_(ids))
            ).all()
        )
        return {
            key: {
                "key": str(key[0] or ""),
                "name": departments.get(key[0], "未派发"),
                "filters": {"department_id": key[0]},
            }
            for key in keys
        }
    if group_by == "category":
        codes = [key[0] for key in keys]
        categories = dict(
            session.execute(
                select(ServiceCategory.service_code, ServiceCategory.name_zh).where(
                    ServiceCategory.service_code.in_(codes)
                )
            ).all()
        )
        return {
            key: {
                "key": key[0],
                "name": categories.get(key[0], key[0]),
                "filters": {"service_code": key[0]},
            }
            for key in keys
        }
    if group_by == "street":
        return {
            (district, street): {
                "key": f"{district or ''}/{street or ''}",
                "name": f"{district or '未知区'}{street or '（街道未知）'}",
                "filters": {"district": district, "street": street},
            }
            for district, street in keys
        }
    return {
        key: {"key": key[0] or "", "name": key[0] or "未知区", "filters": {"district": key[0]}}
        for key in keys
    }


def rates(*, session: Session, scope: Scope, group_by: GroupBy) -> dict[str, Any]:
    """Rows per group, most tickets first, and the total of the whole scope."""
    found = aggregate(session=session, scope=scope, group=group_by)
    names = _names(session=session, group_by=group_by, keys=list(found.groups))
    rows = [
        {**names[key], **counts.as_dict()}
        for key, counts in sorted(found.groups.items(), key=lambda item: -item[1].received)
    ]
    return {"rows": rows, "total": found.total.as_dict()}


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
    for (stamp,), counts in aggregate(
        session=session, scope=scope, group="day", total=False
    ).groups.items():
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
    cells = aggregate(session=session, scope=scope, group="cell", median=False, total=False).groups
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
