"""Rollup plus live days give exactly the numbers of the live query alone, on random tickets:
after the job, after later changes to old tickets (their days read live), after the job again,
for every grouping, trends, the matrix, one department, and several times of asking."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.stats.counts import Scope
from backend.stats.measures import period
from backend.stats.rates import matrix, rates, trend
from backend.stats.rolled import split_days
from backend.stats.rollup import run_rollup
from storage.models import StatsDirtyDay, Ticket
from tests.backend.stats.random_tickets import RandomTickets, shenzhen_midnight

FIRST, LAST = date(2026, 8, 20), date(2026, 10, 24)
TODAY = date(2026, 10, 24)  # the last day is today: never rolled up
NOW = shenzhen_midnight(TODAY) + timedelta(hours=15)


def scopes(session: Session) -> list[Scope]:
    department = session.scalar(select(func.min(Ticket.department_id)))
    whole = period(start=FIRST - timedelta(days=2), end=LAST)
    part = period(start=date(2026, 8, 25), end=date(2026, 10, 19))  # September whole
    return [
        Scope(span=whole, now=NOW),
        Scope(span=part, now=NOW, department_id=department),
        Scope(span=whole, now=NOW - timedelta(days=12)),  # overdue not final for many days
        Scope(span=part, now=NOW + timedelta(days=60)),  # every limit passed
    ]


def numbers(session: Session, scope: Scope, *, rollup: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        group_by: rates(session=session, scope=scope, group_by=group_by, rollup=rollup)
        for group_by in ("department", "district", "street", "category")
    }
    for interval in ("day", "week"):
        found[interval] = trend(session=session, scope=scope, interval=interval, rollup=rollup)
    found["matrix"] = matrix(session=session, scope=scope, rollup=rollup)
    return found


def assert_same(session: Session) -> tuple[int, int]:
    """Compare every scope; return how many of them read days, and whole months, from the
    rollup."""
    days = months = 0
    for scope in scopes(session):
        assert numbers(session, scope, rollup=True) == numbers(session, scope, rollup=False)
        split = split_days(session=session, scope=scope)
        days, months = days + split.from_rollup, months + bool(split.months)
        session.rollback()
    return days, months


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollup_and_live_agree_on_random_tickets(
    session: Session, session_factory: sessionmaker[Session], seed: int
) -> None:
    made = RandomTickets(session, seed=seed, first=FIRST, last=LAST)
    made.add(400)
    session.commit()
    assert assert_same(session) == (0, 0)  # nothing rolled up yet: all live

    report = run_rollup(session_factory=session_factory, now=NOW)
    assert min(report.computed) == date(2026, 8, 1)  # months are rolled up whole
    assert max(report.computed) == TODAY - timedelta(days=1)
    assert report.months == [date(2026, 8, 1), date(2026, 9, 1)]
    assert assert_same(session) >= (3, 2)

    made.change(40)  # resolved, rated, reopened, re-routed weeks later
    made.add(5, day=date(2026, 9, 3))  # filed late for an old day
    session.execute(  # a bulk fix outside the ORM marks its days as well
        update(Ticket).where(Ticket.id % 17 == 0).values(reopen_count=Ticket.reopen_count + 1)
    )
    session.execute(
        delete(Ticket).where(Ticket.id == made.rng.choice(list(session.scalars(select(Ticket.id)))))
    )
    session.commit()
    assert session.scalar(select(func.count()).select_from(StatsDirtyDay)) > 0
    assert assert_same(session)[0] >= 3  # September changed: its days are read one by one

    again = run_rollup(session_factory=session_factory, now=NOW)
    assert again.computed and TODAY not in again.computed
    assert date(2026, 9, 1) in again.months
    marked = session.scalars(select(StatsDirtyDay.day).where(StatsDirtyDay.day < "20261024"))
    assert list(marked) == []
    assert assert_same(session) >= (3, 2)


def test_the_job_is_idempotent_and_computes_only_what_changed(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    made = RandomTickets(session, seed=7, first=FIRST, last=LAST)
    made.add(120)
    session.commit()
    first = run_rollup(session_factory=session_factory, now=NOW)
    assert len(first.computed) == (TODAY - date(2026, 8, 1)).days
    nothing = run_rollup(session_factory=session_factory, now=NOW)
    assert (nothing.computed, nothing.months) == ([], [])
    ticket = session.scalars(select(Ticket).where(Ticket.ticket_no.like("SZ20260907%"))).first()
    assert ticket is not None
    ticket.ratings_count += 1
    session.commit()
    again = run_rollup(session_factory=session_factory, now=NOW)
    assert (again.computed, again.months) == ([date(2026, 9, 7)], [date(2026, 9, 1)])
    assert assert_same(session) >= (3, 2)


def test_a_run_computes_at_most_max_days_newest_first(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    RandomTickets(session, seed=8, first=FIRST, last=LAST).add(30)
    session.commit()
    report = run_rollup(session_factory=session_factory, now=NOW, max_days=5)
    assert report.computed == [TODAY - timedelta(days=n) for n in range(1, 6)]
    assert report.waiting == (TODAY - date(2026, 8, 1)).days - 5
    assert report.months == []  # no month has all its days yet
