"""Speed and memory benchmarks (`make bench`); reports under var/reports/bench/.

Measures, on a fresh SQLite database under a temp dir (and PostgreSQL when
BENCH_DATABASE_URL is set):
- place resolution (`locate_text`) latency over the NLU training examples;
- ticket creation (route + dispatch + outbox) throughput through the service layer;
- the deadline sweep over a large backlog: time per sweep and that it uses an index;
- on PostgreSQL only, the 三率 dashboard's queries over 1M seeded tickets in a scratch schema
  (scripts/bench_rates.py; BENCH_RATES_TICKETS sets the number);
- `/api/v1/understand` latency against a running Rasa (RASA_URL), when one answers;
- peak resident memory of this process.
Targets are printed beside the figures; nothing here fails a test run.
"""

import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import yaml
from sqlalchemy import text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from backend.auth.actor import Actor  # noqa: E402
from backend.places import locate_text  # noqa: E402
from backend.seed import seed_reference_data  # noqa: E402
from backend.tickets.drafts import TicketDraft  # noqa: E402
from backend.tickets.service import create_ticket  # noqa: E402
from backend.timers.sweep import sweep_due  # noqa: E402
from scripts.bench_rates import bench_rates  # noqa: E402
from storage.db import create_db_engine, create_session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.models import Channel, utcnow  # noqa: E402

REPORT_DIR = REPO / "var" / "reports" / "bench"
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50/p95/max of latency samples, in milliseconds."""
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(ordered[-1], 3),
    }


def timed(work: Callable[[], object]) -> float:
    """Milliseconds one call of `work` takes."""
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def training_texts() -> list[str]:
    """Plain texts of the NLU training examples (annotations stripped)."""
    texts: list[str] = []
    for path in sorted((REPO / "nlu" / "data" / "nlu").rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip().removeprefix("- ").strip()
                if line:
                    texts.append(ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line))
    return texts


def bench_locate() -> dict[str, object]:
    """Latency of resolving places in citizens' messages."""
    texts = training_texts()
    locate_text(text=texts[0])  # load the gazetteer once, outside the samples
    samples = [timed(lambda t=t: locate_text(text=t)) for t in texts]
    return {**percentiles(samples), "target": "p95 < 5 ms"}


def bench_tickets(database_url: str, *, count: int, backlog: int) -> dict[str, object]:
    """Ticket creation throughput and the deadline sweep over a backlog."""
    upgrade_to_head(database_url=database_url)
    engine = create_db_engine(database_url)
    factory = create_session_factory(engine)
    with factory.begin() as session:
        seed_reference_data(session=session)
    districts = [("南山区", "粤海街道"), ("福田区", "华强北街道"), ("宝安区", "新安街道")]
    codes = ["noise", "sanitation", "road", "streetlight", "drainage", "property"]

    def create(i: int) -> None:
        district, street = districts[i % len(districts)]
        draft = TicketDraft(
            service_code=codes[i % len(codes)],
            description=f"基准测试工单 {i}",
            district=district,
            street=street,
            channel=Channel.web,
            chat_id=f"bench{i % 500}",
        )
        with factory.begin() as session:
            create_ticket(
                session=session, draft=draft, actor=Actor.citizen(), idempotency_key=f"bench-{i}"
            )

    start = time.perf_counter()
    samples = [timed(lambda i=i: create(i)) for i in range(count)]
    elapsed = time.perf_counter() - start
    for i in range(count, backlog):
        create(i)

    # Sweep "now" = 1 day later: contact deadlines (24 h) are due, so reminders fire in batches.
    later = utcnow() + timedelta(days=1, minutes=1)
    sweeps: list[float] = []
    fired = 0
    for _ in range(3):
        with factory.begin() as session:
            start_sweep = time.perf_counter()
            report = sweep_due(session=session, now=later, reminder_window=timedelta(hours=4))
            sweeps.append((time.perf_counter() - start_sweep) * 1000)
            fired += len(report.fired)
    plan = ""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM tickets "
                    "WHERE state = 'dispatched' AND resolve_due <= :now"
                ),
                {"now": later.isoformat()},
            ).all()
        plan = " | ".join(str(row[-1]) for row in rows)
    engine.dispose()
    return {
        "database": engine.dialect.name,
        "create": {
            **percentiles(samples),
            "tickets_per_s": round(count / elapsed, 1),
            "target": "> 20 tickets/s (SQLite, one writer)",
        },
        "sweep": {
            "backlog_tickets": backlog,
            "per_sweep_ms": [round(s, 1) for s in sweeps],
            "alerts_fired": fired,
            "ms_per_alert": round(sum(sweeps) / max(fired, 1), 2),
            "query_plan": plan,
            "target": "< 10 ms per fired alert; query uses the (state, due) index",
        },
    }


def bench_understand(rasa_url: str, platform_url: str) -> dict[str, object]:
    """Latency of /api/v1/understand on a running platform + Rasa, when both answer."""
    try:
        httpx.get(f"{platform_url}/healthz", timeout=2).raise_for_status()
    except httpx.HTTPError as exc:
        return {"skipped": f"platform/Rasa not running at {platform_url} ({exc})"}
    texts = training_texts()[:200]
    # `make bench` runs with var/secrets.env loaded: the token citizen-side calls need.
    token = os.environ.get("SERVICE_API_TOKEN", "").strip()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=platform_url, timeout=30, headers=headers) as client:
        client.post("/api/v1/understand", json={"text": texts[0]})
        samples = [
            timed(lambda t=t: client.post("/api/v1/understand", json={"text": t})) for t in texts
        ]
    return {**percentiles(samples), "rasa_url": rasa_url, "target": "p95 < 300 ms"}


def main() -> None:
    """Run every benchmark and write JSON + Markdown reports."""
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"locate_text": bench_locate()}
    with tempfile.TemporaryDirectory() as tmp:
        results["tickets_sqlite"] = bench_tickets(
            f"sqlite:///{Path(tmp) / 'bench.db'}", count=300, backlog=5000
        )
    if url := os.environ.get("BENCH_DATABASE_URL"):
        results["tickets_postgresql"] = bench_tickets(url, count=300, backlog=5000)
        count = int(os.environ.get("BENCH_RATES_TICKETS", "1000000"))
        results["rates_postgresql"] = bench_rates(url, count=count)
    results["understand"] = bench_understand(
        os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        os.environ.get("PLATFORM_URL", "http://127.0.0.1:8000"),
    )
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    (REPORT_DIR / "bench.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    lines = ["# Suban benchmarks", "", f"Run at {utcnow().isoformat()}", ""]
    for name, value in results.items():
        lines += [f"## {name}", "", "```json", json.dumps(value, ensure_ascii=False, indent=2)]
        lines += ["```", ""]
    (REPORT_DIR / "bench.md").write_text("\n".join(lines), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"reports: {REPORT_DIR / 'bench.md'}")


if __name__ == "__main__":
    main()
