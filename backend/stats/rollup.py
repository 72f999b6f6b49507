"""The rollup job: the 三率 of every closed Shenzhen day and month, computed from `tickets` once
and again whenever one of their tickets changes.

Rows are keyed by the day a ticket was received. A ticket changes long after that day (resolved,
rated, reopened, re-routed weeks later), so recomputing "the last N days" would never be exact;
instead triggers on `tickets` write the day of each change into `stats_dirty_days` in the
changing transaction, and the dashboard reads marked days live until this job has computed them
again. Each run computes yesterday and every earlier day not yet rolled up or marked, newest
first, each day in its own short transaction, and deletes only the markers it saw before
computing: a change committed meanwhile keeps its marker, and its day is computed again on the
next run. Computing a day drops its month's record (the month's sums are then not read); closed
months whose days are all rolled up and unmarked are summed from their days afterwards.
Several replicas may run it: a day's or month's record row is locked first.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, case, delete, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from backend.stats.counts import HISTOGRAM_LEVELS, LEVELS, Scope
from backend.stats.measures import OVERDUE_ONCE_DUE, TICKET_CONDITIONS, Period, handling_seconds
from backend.stats.medians import COARSE, bucket_of, middle
from backend.stats.rolled import COUNTED, day_key, key_date, month_end
from backend.tickets.numbers import shenzhen_zone
from storage.db import is_postgresql
from storage.models import (
    StatsCount,
    StatsDirtyDay,
    StatsHandling,
    StatsHistogram,
    StatsRollupDay,
    StatsRollupMonth,
    Ticket,
    utcnow,
)

log = logging.getLogger(__name__)

DIMENSIONS = LEVELS["full"]
MARKERS_PER_DELETE = 5000


@dataclass(frozen=True)
class RollupReport:
    """Days and months computed by one run, and days left for the next runs."""

    computed: list[date]
    months: list[date]
    waiting: int


def run_rollup(
    *, session_factory: sessionmaker[Session], now: datetime | None = None, max_days: int = 366
) -> RollupReport:
    """Compute at most `max_days` closed days that are missing or marked changed, newest first,
    then the closed months all of whose days are rolled up."""
    now = now or utcnow()
    today = now.astimezone(shenzhen_zone()).date()
    with session_factory() as session:
        markers: dict[str, list[int]] = defaultdict(list)
        closed = StatsDirtyDay.day < day_key(today)
        for marker_id, day in session.execute(
            select(StatsDirtyDay.id, StatsDirtyDay.day).where(closed)
        ):
            markers[day].append(marker_id)
        days = sorted(set(markers) | _missing_days(session=session, today=today), reverse=True)
    for key in days[:max_days]:
        with session_factory() as session, session.begin():
            compute_day(session=session, day=key, now=now, markers=markers.get(key, []))
    months = []
    with session_factory() as session:
        ready = _ready_months(session=session, today=today)
    for first in ready:
        with session_factory() as session, session.begin():
            build_month(session=session, first=first, now=now)
        months.append(first)
    computed = [key_date(key) for key in days[:max_days]]
    waiting = len(days) - len(computed)
    if computed or months:
        log.info(
            "stats rollup: %d day(s), %d month(s), %d waiting", len(computed), len(months), waiting
        )
    return RollupReport(computed=computed, months=months, waiting=waiting)


def _first_day(session: Session) -> date | None:
    """The first day of the month of the first ticket (months are rolled up whole)."""
    first = session.scalar(select(func.min(Ticket.created_at)))
    return first.astimezone(shenzhen_zone()).date().replace(day=1) if first else None


def _missing_days(*, session: Session, today: date) -> set[str]:
    """Closed days from the first ticket's month on that the rollup does not hold yet."""
    day = _first_day(session)
    if day is None:
        return set()
    held = set(
        session.scalars(select(StatsRollupDay.day).where(StatsRollupDay.day >= day_key(day)))
    )
    missing = set()
    while day < today:
        if day_key(day) not in held:
            missing.add(day_key(day))
        day += timedelta(days=1)
    return missing


def _ready_months(*, session: Session, today: date) -> list[date]:
    """Closed months without a record whose days are all rolled up and none marked."""
    first = _first_day(session)
    if first is None:
        return []
    built = set(session.scalars(select(StatsRollupMonth.month)))
    rolled = set(
        session.scalars(select(StatsRollupDay.day).where(StatsRollupDay.day >= day_key(first)))
    )
    marked = set(session.scalars(select(StatsDirtyDay.day).distinct()))
    ready = []
    while month_end(first) < today:
        keys = {day_key(first + timedelta(days=n)) for n in range(month_end(first).day)}
        if day_key(first) not in built and keys <= rolled and not keys & marked:
            ready.append(first)
        first = month_end(first) + timedelta(days=1)
    return ready


def _lock(session: Session, record: Any, column: Any, key: str, now: datetime) -> None:
    """Create the record if missing and lock it: two replicas take turns on one day or month."""
    postgres = is_postgresql(session.get_bind().engine)
    dialect_insert = postgresql.insert if postgres else sqlite.insert
    session.execute(
        dialect_insert(record)
        .values({column.key: key, "computed_at": now})
        .on_conflict_do_nothing(index_elements=[column])
    )
    session.execute(select(column).where(column == key).with_for_update())


def compute_day(*, session: Session, day: str, now: datetime, markers: list[int]) -> None:
    """Replace the rollup of one day (YYYYMMDD) by what its tickets say now, in the session's
    transaction; drop its month's record and delete the given markers of that day."""
    local = key_date(day)
    scope = Scope(span=Period(start=local, end=local), now=now)
    _lock(session, StatsRollupDay, StatsRollupDay.day, day, now)
    for table in (StatsCount, StatsHistogram):
        session.execute(delete(table).where(table.grain == "day", table.period == day))
    session.execute(delete(StatsHandling).where(StatsHandling.day == day))
    _count_day(session, day, scope)
    _time_day(session, day, scope)
    # max() of a CASE, not of the column: a plain max(resolve_due) tempts PostgreSQL to walk the
    # resolve_due index from the top past every later ticket.
    latest_due = func.max(case((OVERDUE_ONCE_DUE, Ticket.resolve_due)))
    final_at = session.scalar(select(latest_due).where(*scope.filters()))
    session.execute(
        update(StatsRollupDay)
        .where(StatsRollupDay.day == day)
        .values(computed_at=now, overdue_final_at=final_at)
    )
    month = day_key(local.replace(day=1))
    session.execute(delete(StatsRollupMonth).where(StatsRollupMonth.month == month))
    for start in range(0, len(markers), MARKERS_PER_DELETE):
        chunk = markers[start : start + MARKERS_PER_DELETE]
        session.execute(delete(StatsDirtyDay).where(StatsDirtyDay.id.in_(chunk)))


def _count_day(session: Session, day: str, scope: Scope) -> None:
    """The day's `full` counts from its tickets, then every other level from those."""
    dimensions = [getattr(Ticket, name) for name in DIMENSIONS]
    conditions = (
        TICKET_CONDITIONS["responded_on_time"](scope.now),
        TICKET_CONDITIONS["resolved_on_time"](scope.now),
        TICKET_CONDITIONS["reopened"](scope.now),
        OVERDUE_ONCE_DUE,  # the count once every limit has passed (see overdue_final_at)
    )
    full = select(
        literal("day"),
        literal(day),
        literal("full"),
        *dimensions,
        func.count(Ticket.id),
        *(func.sum(case((condition, 1), else_=0)) for condition in conditions),
        func.sum(Ticket.ratings_count),
        func.sum(Ticket.satisfied_count),
    )
    full = full.where(*scope.filters()).group_by(*dimensions)
    session.execute(insert(StatsCount).from_select(_names(DIMENSIONS, COUNTED), full))
    of_day = [StatsCount.grain == "day", StatsCount.period == day, StatsCount.level == "full"]
    for level, names in LEVELS.items():
        if level != "full":
            _sum_level(session, StatsCount, level, names, COUNTED, "day", day, of_day)


def _time_day(session: Session, day: str, scope: Scope) -> None:
    """The day's handling times (with their buckets), its histograms and its medians."""
    postgres = is_postgresql(session.get_bind().engine)
    dimensions = [getattr(Ticket, name) for name in DIMENSIONS]
    times = session.execute(
        select(*dimensions, handling_seconds(postgres=postgres)).where(
            *scope.filters(), Ticket.resolved_at.is_not(None)
        )
    ).all()
    if not times:
        return
    rows = [
        {
            "day": day,
            **dict(zip(DIMENSIONS, row[:-1], strict=True)),
            "bucket": bucket_of(row[-1]),
            "seconds": float(row[-1]),
        }
        for row in times
    ]
    session.execute(insert(StatsHandling.__table__), rows)
    for level in HISTOGRAM_LEVELS:
        columns = [getattr(StatsHandling, name) for name in LEVELS[level]]
        coarse = StatsHandling.bucket // COARSE  # histograms count coarse buckets
        by_bucket = select(
            literal("day"), literal(day), literal(level), *columns, coarse, func.count()
        )
        by_bucket = by_bucket.where(StatsHandling.day == day).group_by(*columns, coarse)
        names = _names(LEVELS[level], ("bucket", "count"))
        session.execute(insert(StatsHistogram).from_select(names, by_bucket))
    _day_medians(session, day, times)


def _day_medians(session: Session, day: str, times: Sequence[Row[Any]]) -> None:
    """The day's median handling time, of all and of each department, on their count rows."""
    of_department: dict[int | None, list[float]] = defaultdict(list)
    for row in times:
        of_department[row.department_id].append(float(row[-1]))
    every = sorted(value for values in of_department.values() for value in values)
    of_day = [StatsCount.grain == "day", StatsCount.period == day]
    if every:
        session.execute(
            update(StatsCount)
            .where(*of_day, StatsCount.level == "total")
            .values(median_seconds=middle(every))
        )
    if of_department:
        by_department = (
            update(StatsCount.__table__)
            .where(
                *of_day,
                StatsCount.level == "department",
                StatsCount.department_id.is_not_distinct_from(bindparam("department")),
            )
            .values(median_seconds=bindparam("median"))
        )
        medians = [
            {"department": department, "median": middle(sorted(values))}
            for department, values in of_department.items()
        ]
        session.execute(by_department, medians)


def build_month(*, session: Session, first: date, now: datetime) -> None:
    """The sums of a closed month from its rolled-up days, in the session's transaction."""
    month, last = day_key(first), day_key(month_end(first))
    _lock(session, StatsRollupMonth, StatsRollupMonth.month, month, now)
    for table in (StatsCount, StatsHistogram):
        session.execute(delete(table).where(table.grain == "month", table.period == month))
        # Every level at once: the columns a level does not keep are NULL and group together.
        summed = COUNTED if table is StatsCount else ("count",)
        days = [table.grain == "day", table.period.between(month, last)]
        _sum_level(session, table, None, DIMENSIONS, summed, "month", month, days)
    latest = select(func.max(StatsRollupDay.overdue_final_at)).where(
        StatsRollupDay.day.between(month, last)
    )
    session.execute(
        update(StatsRollupMonth)
        .where(StatsRollupMonth.month == month)
        .values(computed_at=now, overdue_final_at=latest.scalar_subquery())
    )


def _names(dimensions: tuple[str, ...], measures: tuple[str, ...]) -> list[str]:
    return ["grain", "period", "level", *dimensions, *measures]


def _sum_level(
    session: Session,
    table: Any,
    level: str | None,
    names: tuple[str, ...],
    summed: tuple[str, ...],
    grain: str,
    period: str,
    where: list[Any],
) -> None:
    """Insert sums of `table`'s rows matching `where`, grouped by `names` (and by bucket for
    histograms), as rows of `level` (None: the level of the rows summed) and `grain`."""
    columns = [getattr(table, name) for name in names]
    if table is StatsHistogram:
        columns.append(table.bucket)
    level_column = literal(level) if level is not None else table.level
    query = select(
        literal(grain),
        literal(period),
        level_column,
        *columns,
        *(func.sum(getattr(table, name)) for name in summed),
    ).where(*where)
    query = query.having(func.count() > 0).group_by(
        *([] if level is not None else [table.level]), *columns
    )
    kept = (*names, "bucket") if table is StatsHistogram else names
    session.execute(insert(table).from_select(_names(kept, summed), query))
