"""The 三率 straight from `tickets`: SQL aggregates of the conditions in `measures`, in one pass
over the tickets received in some periods (ratings are counted on the ticket row). This is the
definition the rollup must agree with, and what counts the days the rollup does not hold.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, tuple_
from sqlalchemy.orm import Session

from backend.stats.counts import GROUPS, TICKET_COUNTS, Aggregate, Counts, Scope
from backend.stats.measures import TICKET_CONDITIONS, Period, handling_seconds
from backend.stats.medians import hours, middle
from storage.db import is_postgresql
from storage.models import Ticket


def local_day() -> ColumnElement[str]:
    """The Shenzhen day a ticket was received, YYYYMMDD: its number is SZYYYYMMDD-NNNNNN,
    numbered by that day (backend.tickets.numbers), so no time-zone arithmetic in SQL."""
    return func.substr(Ticket.ticket_no, 3, 8)


def ticket_columns(group: str) -> tuple[Any, ...]:
    """The columns of `tickets` a grouping groups by."""
    return tuple(local_day() if name == "day" else getattr(Ticket, name) for name in GROUPS[group])


def live_aggregate(
    *,
    session: Session,
    scope: Scope,
    group: str,
    spans: Sequence[Period],
    median: bool = True,
    total: bool = True,
) -> Aggregate:
    """One pass over the scope's tickets received in `spans`: the counts of every group and
    (with `total`) of all.

    On PostgreSQL the median is taken in the same pass (percentile_cont; GROUPING SETS add the
    total row); SQLite (small deployments) reads the durations and takes the medians here.
    Without `median` the pass is a plain hash aggregate (no sort), the cheapest there is.
    """
    columns = ticket_columns(group)
    postgres = is_postgresql(session.get_bind().engine)
    measures = [
        func.count(Ticket.id),
        *(func.sum(case((TICKET_CONDITIONS[n](scope.now), 1), else_=0)) for n in TICKET_COUNTS),
        func.sum(Ticket.ratings_count),
        func.sum(Ticket.satisfied_count),
    ]
    sql_median = postgres and median
    if sql_median:
        seconds = handling_seconds(postgres=True)
        measures.append(func.percentile_cont(0.5).within_group(seconds))
    query = select(*columns, *measures).where(*scope.filters(spans))
    if sql_median and total:  # the total's median cannot be added up from the groups'
        is_total = func.grouping(*columns)  # 0 on group rows, non-zero on the total row
        query = query.add_columns(is_total).group_by(func.grouping_sets(tuple_(*columns), tuple_()))
    else:
        query = query.group_by(*columns)
    width = len(columns)
    groups: dict[tuple[Any, ...], Counts] = {}
    overall = Counts()
    for row in session.connection().execute(query).all():
        received, *counted = row[width : width + 7]
        counts = Counts(received, *(int(value or 0) for value in counted))
        if sql_median:
            counts.median_handling_hours = hours(row[width + 7])
        if sql_median and total and row[width + 8]:
            overall = counts
        else:
            groups[tuple(row[:width])] = counts
            if not (sql_median and total):
                overall.add(counts)
    if median and not postgres:
        times = live_times(session=session, scope=scope, group=group, spans=spans)
        for key, values in times.items():
            groups[key].median_handling_hours = hours(middle(sorted(values)))
        if total:
            every = sorted(value for values in times.values() for value in values)
            overall.median_handling_hours = hours(middle(every))
    return Aggregate(groups=groups, total=overall)


def live_times(
    *, session: Session, scope: Scope, group: str, spans: Sequence[Period]
) -> dict[tuple[Any, ...], list[float]]:
    """Handling times (seconds) of the resolved tickets of each group, received in `spans`."""
    columns = ticket_columns(group)
    postgres = is_postgresql(session.get_bind().engine)
    resolved = [*scope.filters(spans), Ticket.resolved_at.is_not(None)]
    times: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    query = select(*columns, handling_seconds(postgres=postgres)).where(*resolved)
    for row in session.connection().execute(query).all():
        times[tuple(row[: len(columns)])].append(float(row[len(columns)]))
    return times
