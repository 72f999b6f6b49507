"""The 三率 by department, district, street or category; trends per day or week; the district ×
category table. Closed days come from the rollup (backend/stats/rollup.py fills it, rolled.py
reads it), the others straight from `tickets` (live.py); both give the same numbers, the
medians included (exact, medians.py), on SQLite and PostgreSQL alike.
"""

import logging
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend.stats.counts import Aggregate, Counts, Scope, ratio
from backend.stats.live import live_aggregate, live_times
from backend.stats.medians import Inconsistent, Times, exact_medians, hours
from backend.stats.rolled import (
    Days,
    rolled_buckets,
    rolled_counts,
    rolled_fine_counts,
    rolled_times,
    split_days,
)
from storage.db import is_postgresql
from storage.models import Department, ServiceCategory

__all__ = [
    "Aggregate",
    "Counts",
    "GroupBy",
    "Interval",
    "Scope",
    "aggregate",
    "matrix",
    "rates",
    "trend",
]

log = logging.getLogger(__name__)

GroupBy = Literal["department", "district", "street", "category"]
Interval = Literal["day", "week"]
MEDIAN_ATTEMPTS = 3


def aggregate(
    *,
    session: Session,
    scope: Scope,
    group: str,
    median: bool = True,
    total: bool = True,
    rollup: bool = True,
) -> Aggregate:
    """The counts of every group and of all, over the scope's tickets; medians unless told not.

    With `rollup` the months and days the rollup holds are summed from it and only the rest is
    read from `tickets`; without, everything is (the definition the rollup is tested against)."""
    if is_postgresql(session.get_bind().engine):
        # Aggregates over up to millions of rows: compiling them (JIT) costs more than it saves.
        session.execute(text("SET LOCAL jit = off"))
    if not rollup:
        spans = [scope.span]
        return live_aggregate(
            session=session, scope=scope, group=group, spans=spans, median=median, total=total
        )
    if group == "day" and not total:
        return _per_day(session=session, scope=scope, median=median)
    days = split_days(session=session, scope=scope)
    # Handling times do not depend on the time of asking: days whose overdue counts are not
    # final yet (their last time limits still ahead) give their medians from the rollup too.
    timed = split_days(session=session, scope=scope, final=False) if median else days
    if not timed.from_rollup:
        return live_aggregate(
            session=session, scope=scope, group=group, spans=days.live, median=median, total=total
        )
    groups = _counts(session=session, scope=scope, group=group, days=days)
    overall = Counts()
    for counts in groups.values():
        overall.add(counts)
    if median and not _medians_read(
        session=session,
        scope=scope,
        group=group,
        days=timed,
        groups=groups,
        total=overall if total else None,
    ):  # the rolled-up times were rewritten every time: read everything live rather than wait
        return aggregate(
            session=session, scope=scope, group=group, median=median, total=total, rollup=False
        )
    return Aggregate(groups=groups, total=overall)


def _per_day(*, session: Session, scope: Scope, median: bool) -> Aggregate:
    """Each day's numbers: a rolled-up day from its rows (its median kept with them), the other
    days live; no day mixes both, so nothing needs merging."""
    days = split_days(session=session, scope=scope, months=False)
    groups = (
        rolled_counts(session=session, scope=scope, group="day", days=days, medians=median)
        if days.from_rollup
        else {}
    )
    if days.live:
        live = live_aggregate(
            session=session, scope=scope, group="day", spans=days.live, median=median, total=False
        )
        groups.update(live.groups)
    overall = Counts()
    for counts in groups.values():
        overall.add(counts)
    return Aggregate(groups=groups, total=overall)


def _counts(
    *, session: Session, scope: Scope, group: str, days: Days
) -> dict[tuple[Any, ...], Counts]:
    """Counts per group: the rolled-up months and days summed, plus the live days."""
    groups = (
        rolled_counts(session=session, scope=scope, group=group, days=days)
        if days.from_rollup
        else {}
    )
    if days.live:
        live = live_aggregate(
            session=session, scope=scope, group=group, spans=days.live, median=False, total=False
        )
        for key, counts in live.groups.items():
            groups.setdefault(key, Counts()).add(counts)
    return groups


def _medians_read(**reading: Any) -> bool:
    """Set the medians; False when the job rewrote a day between two reads each attempt."""
    for _ in range(MEDIAN_ATTEMPTS):
        try:
            _add_medians(**reading)
            return True
        except Inconsistent as error:
            log.info("stats: rolled-up handling times changed while read (%s); again", error)
    return False


def _add_medians(
    *,
    session: Session,
    scope: Scope,
    group: str,
    days: Days,
    groups: dict[tuple[Any, ...], Counts],
    total: Counts | None,
) -> None:
    """Exact medians of the groups (and of all, given `total`) over rolled-up and live days."""
    times: dict[tuple[Any, ...], Times] = {key: Times() for key in groups}
    rolled = rolled_buckets(session=session, scope=scope, group=group, days=days)
    for key, buckets in rolled.items():
        times.setdefault(key, Times()).rolled.update(buckets)
    if days.live:
        live = live_times(session=session, scope=scope, group=group, spans=days.live)
        for key, values in live.items():
            times.setdefault(key, Times()).live.extend(values)

    def medians(by: str | None, of: dict[Any, Times]) -> dict[Any, float | None]:
        def count_fine(pairs: Any) -> Any:
            return rolled_fine_counts(
                session=session, scope=scope, group=by, days=days, pairs=pairs
            )

        def read(pairs: Any) -> Any:
            return rolled_times(session=session, scope=scope, group=by, days=days, pairs=pairs)

        return exact_medians(times=of, count_fine=count_fine, read=read)

    for key, seconds in medians(group, times).items():
        if key in groups:
            groups[key].median_handling_hours = hours(seconds)
    if total is not None:
        every = Times()
        for one in times.values():
            every.add(one)
        total.median_handling_hours = hours(medians(None, {(): every})[()])


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


def rates(
    *, session: Session, scope: Scope, group_by: GroupBy, rollup: bool = True
) -> dict[str, Any]:
    """Rows per group, most tickets first (then by key), and the total of the whole scope."""
    found = aggregate(session=session, scope=scope, group=group_by, rollup=rollup)
    names = _names(session=session, group_by=group_by, keys=list(found.groups))
    rows = [
        {**names[key], **counts.as_dict()}
        for key, counts in sorted(
            found.groups.items(), key=lambda item: (-item[1].received, names[item[0]]["key"])
        )
    ]
    return {"rows": rows, "total": found.total.as_dict()}


def _bucket(day: date, interval: Interval) -> date:
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def trend(
    *, session: Session, scope: Scope, interval: Interval, rollup: bool = True
) -> list[dict[str, Any]]:
    """Counts per Shenzhen day or week (weeks start on Monday), every bucket of the period
    listed, empty ones with zeros, so that charts have no gaps. The median handling time is
    given per day only (a week's median cannot be made from its days')."""
    buckets: dict[date, Counts] = {}
    day = scope.span.start
    while day <= scope.span.end:
        buckets.setdefault(_bucket(day, interval), Counts())
        day += timedelta(days=1)
    per_day = aggregate(
        session=session,
        scope=scope,
        group="day",
        median=interval == "day",  # weeks carry none
        total=False,
        rollup=rollup,
    )
    for (stamp,), counts in per_day.groups.items():
        local = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
        if interval == "day":
            buckets[local] = counts
        else:
            buckets[_bucket(local, interval)].add(counts)
    return [
        {"period": start.isoformat(), **counts.as_dict()}
        for start, counts in sorted(buckets.items())
    ]


def matrix(*, session: Session, scope: Scope, rollup: bool = True) -> dict[str, Any]:
    """The district × category table: received, overdue and satisfaction per cell."""
    cells = aggregate(
        session=session, scope=scope, group="cell", median=False, total=False, rollup=rollup
    ).groups
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
                "satisfaction_rate": ratio(counts.satisfied, counts.rated),
            }
            for (district, code), counts in sorted(
                cells.items(), key=lambda item: (item[0][0] or "", item[0][1])
            )
        ],
    }
