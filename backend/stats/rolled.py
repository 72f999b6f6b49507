"""Reading the rollup: which months and days of a period it answers for, and their counts and
handling times. A month or day comes from the rollup when the job has computed it, none of its
tickets changed since (no marker in `stats_dirty_days`) and its overdue counts are final at the
time of asking; every other day is counted live (backend/stats/live.py).

All departments read the level of the grouping (`department`, `street`, …); one department
reads its own rows (its `department` rows, or its `full` rows for its districts, streets and
categories) and its own tickets' handling times.
"""

from calendar import monthrange
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from backend.stats.counts import GROUPS, Counts, Scope
from backend.stats.measures import Period
from backend.stats.medians import COARSE, hours
from storage.models import (
    StatsCount,
    StatsDirtyDay,
    StatsHandling,
    StatsHistogram,
    StatsRollupDay,
    StatsRollupMonth,
)

DayRange = tuple[str, str]
"""First and last day (YYYYMMDD, both included)."""

COUNTED = (
    "received",
    "responded_on_time",
    "resolved_on_time",
    "reopened",
    "overdue",
    "rated",
    "satisfied",
)


def day_key(day: date) -> str:
    """YYYYMMDD, as in ticket numbers (zero-padded whatever the year)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def month_end(first: date) -> date:
    return first.replace(day=monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class Days:
    """A period split into whole months and runs of days read from the rollup, and runs of
    days counted live."""

    months: list[str]  # first days
    rolled: list[DayRange]
    live: list[Period]

    @property
    def from_rollup(self) -> bool:
        return bool(self.months or self.rolled)

    def rolled_days(self) -> list[DayRange]:
        """Every rolled-up day, the months' included, in as few runs as there are."""
        whole = [(first, day_key(month_end(key_date(first)))) for first in self.months]
        runs: list[DayRange] = []
        for first, last in sorted([*whole, *self.rolled]):
            after = day_key(key_date(runs[-1][1]) + timedelta(days=1)) if runs else None
            if after == first:
                runs[-1] = (runs[-1][0], last)
            else:
                runs.append((first, last))
        return runs


def key_date(key: str) -> date:
    """The date of a YYYYMMDD key."""
    return date(int(key[:4]), int(key[4:6]), int(key[6:8]))


def split_days(*, session: Session, scope: Scope, months: bool = True, final: bool = True) -> Days:
    """The months (with `months`) and days of the scope's period the rollup answers for, and
    the rest; with `final`, only those whose overdue counts no longer depend on the hour."""
    span = scope.span
    whole = _whole_months(span) if months else []
    ready_months = set()
    if whole:
        marked = exists().where(
            func.substr(StatsDirtyDay.day, 1, 6) == func.substr(StatsRollupMonth.month, 1, 6)
        )
        ready_months = set(
            session.scalars(
                select(StatsRollupMonth.month).where(
                    StatsRollupMonth.month.in_([day_key(first) for first in whole]),
                    *_final(StatsRollupMonth, scope, final),
                    ~marked,
                )
            )
        )
    in_months = {
        day_key(first + timedelta(days=n))
        for first in whole
        if day_key(first) in ready_months
        for n in range(month_end(first).day)
    }
    ready_days = set(
        session.scalars(
            select(StatsRollupDay.day).where(
                StatsRollupDay.day.between(day_key(span.start), day_key(span.end)),
                *_final(StatsRollupDay, scope, final),
                ~exists().where(StatsDirtyDay.day == StatsRollupDay.day),
            )
        )
    )
    # Each day: in a whole month (None), rolled up (True) or live (False); then runs of each.
    kinds = [
        (day, None if day_key(day) in in_months else day_key(day) in ready_days)
        for day in _each_day(span.start, span.end)
    ]
    rolled: list[DayRange] = []
    live: list[Period] = []
    for kind, run in groupby(kinds, key=lambda item: item[1]):
        run_days = [day for day, _ in run]
        first, last = run_days[0], run_days[-1]
        if kind is True:
            rolled.append((day_key(first), day_key(last)))
        elif kind is False:
            live.append(Period(start=first, end=last))
    return Days(months=sorted(ready_months), rolled=rolled, live=live)


def _whole_months(span: Period) -> list[date]:
    first = span.start if span.start.day == 1 else month_end(span.start) + timedelta(days=1)
    found = []
    while month_end(first) <= span.end:
        found.append(first)
        first = month_end(first) + timedelta(days=1)
    return found


def _final(record: Any, scope: Scope, final: bool) -> list[ColumnElement[bool]]:
    """Its overdue counts no longer depend on the time of asking (when that matters)."""
    if not final:
        return []
    return [or_(record.overdue_final_at.is_(None), record.overdue_final_at < scope.now)]


def _level(scope: Scope, group: str | None) -> str:
    if scope.department_id is not None:  # one department: its own rows
        return "department" if group in (None, "day", "department") else "full"
    return "total" if group in (None, "day") else group


def _columns(table: Any, group: str | None) -> tuple[Any, ...]:
    day = table.day if table is StatsHandling else table.period
    names = GROUPS[group] if group else ()
    return tuple(day if name == "day" else getattr(table, name) for name in names)


def _periods(table: Any, scope: Scope, days: Days) -> list[ColumnElement[bool]]:
    """Rows of a level table (counts, histograms) of the rolled-up months and days. Days are
    listed one by one, so that the (grain, period, level) index finds each level's rows."""
    keys = [
        day_key(day)
        for first, last in days.rolled
        for day in _each_day(key_date(first), key_date(last))
    ]
    found = []
    if keys:
        found.append(and_(table.grain == "day", table.period.in_(keys)))
    if days.months:
        found.append(and_(table.grain == "month", table.period.in_(days.months)))
    return [or_(*found), *_department(table, scope)]


def _each_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _department(table: Any, scope: Scope) -> list[ColumnElement[bool]]:
    return [table.department_id == scope.department_id] if scope.department_id is not None else []


def _handled(scope: Scope, days: Days) -> list[ColumnElement[bool]]:
    """Handling times of the rolled-up days."""
    ranges = [StatsHandling.day.between(first, last) for first, last in days.rolled_days()]
    return [or_(*ranges), *_department(StatsHandling, scope)]


def rolled_counts(
    *, session: Session, scope: Scope, group: str, days: Days, medians: bool = False
) -> dict[tuple[Any, ...], Counts]:
    """Counts per group over the rolled-up months and days (their overdue counts are final);
    with `medians`, per day (`group` "day"), each day's median kept with its counts."""
    columns = _columns(StatsCount, group)
    sums = [func.sum(getattr(StatsCount, name)) for name in COUNTED]
    if medians:
        assert group == "day" and not days.months  # then each group is one row
        sums.append(func.max(StatsCount.median_seconds))
    query = (
        select(*columns, *sums)
        .where(StatsCount.level == _level(scope, group), *_periods(StatsCount, scope, days))
        .group_by(*columns)
    )
    width = len(columns)
    found = {}
    for row in session.connection().execute(query).all():
        counts = Counts(*(int(value) for value in row[width : width + len(COUNTED)]))
        if medians:
            counts.median_handling_hours = hours(row[-1])
        found[tuple(row[:width])] = counts
    return found


def rolled_buckets(
    *, session: Session, scope: Scope, group: str | None, days: Days
) -> dict[tuple[Any, ...], Counter[int]]:
    """How many handling times of each group (None: of all) fall into each coarse bucket."""
    if scope.department_id is None:
        columns = _columns(StatsHistogram, group)
        bucket, count = StatsHistogram.bucket, func.sum(StatsHistogram.count)
        where = [
            StatsHistogram.level == _level(scope, group),
            *_periods(StatsHistogram, scope, days),
        ]
    else:  # one department's times are few: counted from the times themselves
        columns = _columns(StatsHandling, group)
        bucket, count = StatsHandling.bucket // COARSE, func.count()
        where = _handled(scope, days)
    query = select(*columns, bucket, count).where(*where).group_by(*columns, bucket)
    width = len(columns)
    found: dict[tuple[Any, ...], Counter[int]] = defaultdict(Counter)
    for row in session.connection().execute(query).all():
        found[tuple(row[:width])][row[width]] = int(row[width + 1])
    return found


def rolled_fine_counts(
    *,
    session: Session,
    scope: Scope,
    group: str | None,
    days: Days,
    pairs: Iterable[tuple[tuple[Any, ...], int]],
) -> dict[tuple[tuple[Any, ...], int], Counter[int]]:
    """For (group key, coarse bucket) pairs: how many rolled-up times fall into each of the
    coarse bucket's fine buckets."""
    columns = _columns(StatsHandling, group)
    query = (
        select(*columns, StatsHandling.bucket, func.count())
        .where(*_handled(scope, days), _pairs(columns, pairs, coarse=True))
        .group_by(*columns, StatsHandling.bucket)
    )
    width = len(columns)
    found: dict[tuple[tuple[Any, ...], int], Counter[int]] = defaultdict(Counter)
    for row in session.connection().execute(query).all():
        fine = row[width]
        found[(tuple(row[:width]), fine // COARSE)][fine] = int(row[width + 1])
    return found


def rolled_times(
    *,
    session: Session,
    scope: Scope,
    group: str | None,
    days: Days,
    pairs: Iterable[tuple[tuple[Any, ...], int]],
) -> dict[tuple[tuple[Any, ...], int], list[float]]:
    """The rolled-up handling times of (group key, fine bucket) pairs."""
    columns = _columns(StatsHandling, group)
    query = select(*columns, StatsHandling.bucket, StatsHandling.seconds).where(
        *_handled(scope, days), _pairs(columns, pairs, coarse=False)
    )
    width = len(columns)
    found: dict[tuple[tuple[Any, ...], int], list[float]] = defaultdict(list)
    for row in session.connection().execute(query).all():
        found[(tuple(row[:width]), row[width])].append(row[width + 1])
    return found


def _pairs(
    columns: tuple[Any, ...], pairs: Iterable[tuple[tuple[Any, ...], int]], *, coarse: bool
) -> ColumnElement[bool]:
    """Handling times of the given (group key, bucket) pairs, a coarse bucket being a range of
    fine ones: per bucket, its keys in one IN list (hashed by PostgreSQL when it holds a single
    column); NULL never equals anything, so keys with one get a condition each."""
    keys_of: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for key, bucket in pairs:
        keys_of[bucket].append(key)
    found = []
    for bucket, keys in sorted(keys_of.items()):
        if coarse:
            where = StatsHandling.bucket.between(bucket * COARSE, bucket * COARSE + COARSE - 1)
        else:
            where = StatsHandling.bucket == bucket
        found.append(and_(where, _keys(columns, keys)) if columns else where)
    return or_(*found)


def _keys(columns: tuple[Any, ...], keys: list[tuple[Any, ...]]) -> ColumnElement[bool]:
    plain = [key for key in keys if None not in key]
    conditions: list[ColumnElement[bool]] = []
    if plain:
        if len(columns) == 1:
            conditions.append(columns[0].in_([key[0] for key in plain]))
        else:
            conditions.append(tuple_(*columns).in_(plain))
    conditions += [
        and_(
            *(
                column.is_(None) if part is None else column == part
                for column, part in zip(columns, key, strict=True)
            )
        )
        for key in keys
        if None in key
    ]
    return or_(*conditions)
