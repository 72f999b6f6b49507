"""The 三率 over a large history on PostgreSQL: seed N tickets (1,000,000 by default) into a
scratch schema, fill the rollup, then time the dashboard's queries. Part of `make bench` when
BENCH_DATABASE_URL is set; alone: `BENCH_DATABASE_URL=postgresql+psycopg://… python
scripts/bench_rates.py` (BENCH_RATES_TICKETS sets N). Reports under var/reports/bench/.

The tickets are spread evenly over one year, over every category, department and a few
districts and streets, with realistic outcomes (most closed on time, some late, returned,
reopened, overdue) and ratings on about half of the closed ones. The rollup job then computes
every day and month (timed), and once more after one old ticket changes. Each query is run a
few times after one warm-up and the median wall time is reported, as the dashboard runs it
(`queries`: rollup plus live days) and straight from the tickets as before the rollup
(`live_queries`), with whether both gave the same answer; the target is under a second.
"""

import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from backend.seed import seed_reference_data  # noqa: E402
from backend.stats.measures import period  # noqa: E402
from backend.stats.rates import Scope, matrix, rates, trend  # noqa: E402
from backend.stats.rollup import run_rollup  # noqa: E402
from storage.db import create_db_engine, create_session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.models import Department, ServiceCategory, Ticket  # noqa: E402

REPORT_DIR = REPO / "var" / "reports" / "bench"
START = datetime(2025, 12, 1, tzinfo=UTC)
DAYS = 365
PLACES = [
    ("福田区", "华强北街道"),
    ("福田区", "福田街道"),
    ("南山区", "粤海街道"),
    ("南山区", "南头街道"),
    ("罗湖区", "东门街道"),
    ("宝安区", "新安街道"),
    ("龙岗区", "布吉街道"),
    ("龙华区", "民治街道"),
]
TARGET_MS = 1000.0

SEED_TICKETS = """
INSERT INTO tickets (
    ticket_no, state, source, request_type, service_code, description, district, street,
    urgent, department_id, routing_explanation, contact_preference, reopen_count, supervision,
    contact_due, resolve_due, first_contact_at, resolved_at, closed_at, created_at, updated_at)
SELECT
    'SZ' || to_char(created AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
        || lpad(i::text, 7, '0'),
    CASE WHEN fate < 0.78 THEN 'closed' WHEN fate < 0.86 THEN 'accepted'
         WHEN fate < 0.92 THEN 'dispatched' WHEN fate < 0.96 THEN 'returned'
         WHEN fate < 0.98 THEN 'merged' ELSE 'cancelled' END,
    'chat', 'complaint', codes[1 + i % cardinality(codes)], '基准测试工单',
    districts[1 + (i / 7) % cardinality(districts)],
    streets[1 + (i / 7) % cardinality(streets)],
    false, departments[1 + (i / 3) % cardinality(departments)], '', 'chat',
    CASE WHEN fate < 0.05 THEN 1 ELSE 0 END, false,
    created + interval '24 hours', created + interval '5 days',
    CASE WHEN fate < 0.92 THEN created + speed * interval '30 hours' END,
    CASE WHEN fate < 0.78 THEN created + speed * interval '7 days' END,
    CASE WHEN fate < 0.78 THEN created + speed * interval '8 days' END,
    created, created
FROM (
    SELECT i, random() AS fate, random() AS speed,
           CAST(:start AS timestamptz) + (i * :step) * interval '1 second' AS created,
           CAST(:codes AS text[]) AS codes, CAST(:districts AS text[]) AS districts,
           CAST(:streets AS text[]) AS streets, CAST(:departments AS int[]) AS departments
    FROM generate_series(1, :n) AS i
) AS seed
"""

SEED_RATINGS = """
INSERT INTO ratings (ticket_id, round, score, created_at)
SELECT id, 0, 1 + (id % 7) % 3, resolved_at FROM tickets
WHERE state = 'closed' AND id % 2 = 0
"""


def _scratch_url(url: str, schema: str) -> str:
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def seed(engine: Engine, *, count: int) -> dict[str, float]:
    """Reference data and `count` tickets with ratings; returns the seconds each step took."""
    factory = create_session_factory(engine)
    with factory.begin() as session:
        seed_reference_data(session=session)
        codes = list(session.scalars(select(ServiceCategory.service_code)))
        departments = list(session.scalars(select(Department.id)))
    timings = {}
    with engine.begin() as connection:
        began = time.perf_counter()
        connection.execute(
            text(SEED_TICKETS),
            {
                "codes": codes,
                "districts": [district for district, _ in PLACES],
                "streets": [street for _, street in PLACES],
                "departments": departments,
                "start": START,
                "step": DAYS * 86400 / count,
                "n": count,
            },
        )
        timings["tickets_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        connection.execute(text(SEED_RATINGS))
        timings["ratings_s"] = round(time.perf_counter() - began, 1)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE tickets"))
        connection.execute(text("VACUUM ANALYZE ratings"))
    return timings


def _time(work: Any, repeats: int) -> dict[str, float]:
    work()  # warm-up: caches and plans
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        samples.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def fill_rollup(engine: Engine, *, now: datetime) -> dict[str, Any]:
    """The job's first run over the whole history, then a run after one old ticket changed."""
    factory = create_session_factory(engine)
    began = time.perf_counter()
    first = run_rollup(session_factory=factory, now=now)
    filled = time.perf_counter() - began
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("stats_counts", "stats_histograms", "stats_handling"):  # as autovacuum would
            connection.execute(text(f"VACUUM ANALYZE {table}"))
    with factory.begin() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.ticket_no.like("SZ20260615%"))).first()
        assert ticket is not None
        ticket.ratings_count += 1  # a late rating: marks its day
    began = time.perf_counter()
    again = run_rollup(session_factory=factory, now=now)
    return {
        "first_run_s": round(filled, 1),
        "days": len(first.computed),
        "months": len(first.months),
        "one_changed_day_s": round(time.perf_counter() - began, 2),
        "recomputed": {"days": len(again.computed), "months": len(again.months)},
    }


def time_queries(
    factory: sessionmaker[Session], *, now: datetime, repeats: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, bool]]:
    """Each query timed with the rollup and without it, and whether both answer the same."""
    year = period(start=date(2025, 12, 1), end=date(2026, 11, 30))
    month = period(start=date(2026, 6, 1), end=date(2026, 6, 30))
    works: dict[str, Callable[[Session, bool], Any]] = {}
    for span_name, span in (("year", year), ("month", month)):
        scope = Scope(span=span, now=now)
        for group_by in ("department", "district", "street", "category"):
            works[f"rates_{group_by}_{span_name}"] = lambda db, rollup, s=scope, g=group_by: rates(
                session=db, scope=s, group_by=g, rollup=rollup
            )
        for interval in ("week", "day"):
            works[f"trend_{interval}_{span_name}"] = lambda db, rollup, s=scope, i=interval: trend(
                session=db, scope=s, interval=i, rollup=rollup
            )
        works[f"matrix_{span_name}"] = lambda db, rollup, s=scope: matrix(
            session=db, scope=s, rollup=rollup
        )
    one_department = Scope(span=year, now=now, department_id=1)
    works["rates_category_year_one_department"] = lambda db, rollup: rates(
        session=db, scope=one_department, group_by="category", rollup=rollup
    )
    whole_city = Scope(span=year, now=now)
    works["dashboard_page_year"] = lambda db, rollup: [  # what /console/dashboard computes
        rates(session=db, scope=whole_city, group_by="department", rollup=rollup),
        rates(session=db, scope=whole_city, group_by="category", rollup=rollup),
        trend(session=db, scope=whole_city, interval="day", rollup=rollup),
        matrix(session=db, scope=whole_city, rollup=rollup),
    ]
    timed: dict[str, Any] = {}
    live: dict[str, Any] = {}
    same: dict[str, bool] = {}
    with factory() as session:
        for name, work in works.items():
            timed[name] = _time(lambda w=work: w(session, True), repeats)
            live[name] = _time(lambda w=work: w(session, False), repeats)
            same[name] = work(session, True) == work(session, False)
            session.rollback()
    return timed, live, same


def bench_rates(url: str, *, count: int = 1_000_000, repeats: int = 3) -> dict[str, Any]:
    """Seed a scratch schema on `url`, time the dashboard queries, drop the schema."""
    schema = f"bench_rates_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scratch = _scratch_url(url, schema)
    try:
        upgrade_to_head(database_url=scratch)
        engine = create_db_engine(scratch)
        result: dict[str, Any] = {"tickets": count, "seed": seed(engine, count=count)}
        factory = create_session_factory(engine)
        now = START + timedelta(days=DAYS)
        result["rollup"] = fill_rollup(engine, now=now)
        result["queries"], result["live_queries"], result["same_as_live"] = time_queries(
            factory, now=now, repeats=repeats
        )
        engine.dispose()
        worst = max(value["median_ms"] for value in result["queries"].values())
        before = max(value["median_ms"] for value in result["live_queries"].values())
        result.update(worst_median_ms=worst, worst_live_median_ms=before, target_ms=TARGET_MS)
        result["load_average"] = [round(value, 2) for value in os.getloadavg()]
        result["cpus"] = os.cpu_count()
        result["within_target"] = worst < TARGET_MS and all(result["same_as_live"].values())
        return result
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("set BENCH_DATABASE_URL to a PostgreSQL URL (postgresql+psycopg://…)")
    count = int(os.environ.get("BENCH_RATES_TICKETS", "1000000"))
    result = bench_rates(url, count=count)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "rates.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"report: {REPORT_DIR / 'rates.json'}")


if __name__ == "__main__":
    main()
