"""`make bench` load part: simulated citizens hold full intake conversations against the real
Rasa server, action server and platform. Run from the repository root with the platform runtime:
``.venv/bin/python -m scripts.bench_load [--citizens 200 --think 10-20 …]``.

Phases (each optional, `--phases`):
- ``turn``: one citizen alone: where a turn's time goes (NLU, tracker fetch, place look-up over
  HTTP) and the turn before/after the one-call path (Rasa called as the platform used to:
  webhook + tracker GET, the actions calling /api/v1/locate back; and as it does now: /turn
  with the place passed in metadata);
- ``chat``: `--users` web-chat citizens back to back, then the same turns straight to Rasa's
  channel (`/webhooks/suban/webhook` with RASA_TOKEN): `chat_load.json`;
- ``citizens``: `--citizens` citizens (half Telegram through a fake Bot API the platform polls,
  half web chat), each pausing `--think` seconds between messages;
- ``scale``: two Rasa processes on a shared PostgreSQL tracker store and Redis lock store:
  throughput of one against two, and conversations whose turns alternate between the two.
Reports: `<out>/load.json`, `<out>/load.md`, `<out>/chat_load.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bot.pipeline import located_metadata
from scripts.bench_stack import TimedBotApi, free_ports, peak_rss_mb, running_platform
from scripts.load_citizens import crowd, rasa_citizen, telegram_citizen, web_citizen
from scripts.load_model import (
    Tally,
    chat_load,
    offered_rate,
    report_for,
    summary,
    verdicts,
)
from tests.e2e.fake_bot_api import serving_fake_bot_api
from tests.e2e.stack import RasaStack, running_rasa_stack

CHANNEL = "/webhooks/suban/webhook"
TIMEOUT = 60.0


# --- the phases -----------------------------------------------------------------------------


async def phase_turn(url: str, stack: RasaStack, *, samples: int) -> dict[str, Any]:
    """One citizen alone: the parts of a turn and the turn before/after the one-call path."""
    params = {"token": stack.rasa_token}
    service = {"Authorization": f"Bearer {stack.service_api_token}"}
    parts: dict[str, list[float]] = {"nlu_parse": [], "tracker_get": [], "locate_http": []}
    turns: dict[str, list[float]] = {"before": [], "after": [], "after_without_place": []}
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        for i in range(samples):
            text = report_for(i, 0)
            for name, call in (
                (
                    "nlu_parse",
                    lambda text=text: http.post(
                        f"{stack.rasa_url}/model/parse", json={"text": text}, params=params
                    ),
                ),
                (
                    "locate_http",
                    lambda text=text: http.post(
                        f"{url}/api/v1/locate", json={"text": text}, headers=service
                    ),
                ),
            ):
                start = time.monotonic()
                (await call()).raise_for_status()
                parts[name].append((time.monotonic() - start) * 1000)
            # the first turn of a fresh conversation three ways, in a rotating order
            variants = [
                ("before", lambda text=text: _turn_before(http, stack, text, parts)),
                ("after", lambda text=text: _turn_after(http, stack, text, located=True)),
                (
                    "after_without_place",
                    lambda text=text: _turn_after(http, stack, text, located=False),
                ),
            ]
            shift = i % len(variants)
            for name, run in variants[shift:] + variants[:shift]:
                start = time.monotonic()
                await run()
                turns[name].append((time.monotonic() - start) * 1000)
    median = lambda xs: round(sorted(xs)[len(xs) // 2], 1)  # noqa: E731
    return {
        "samples": samples,
        "parts_p50_ms": {name: median(xs) for name, xs in parts.items()},
        "turn_before_p50_ms": median(turns["before"]),
        "turn_after_p50_ms": median(turns["after"]),
        "turn_after_without_place_p50_ms": median(turns["after_without_place"]),
        "note": "first turn of a complaint (rich report → read-back), one citizen alone; "
        "before: webhook + tracker GET, the actions calling /api/v1/locate; after: one /turn "
        "call with the place in metadata (the platform's reading of it included)",
    }


async def _turn_before(
    http: httpx.AsyncClient, stack: RasaStack, text: str, parts: dict[str, list[float]]
) -> None:
    """As the platform called Rasa before: the channel's webhook, then the tracker's NLU."""
    headers = {"Authorization": f"Bearer {stack.rasa_token}"}
    sender = f"web:turnbench-{uuid.uuid4().hex[:10]}"
    body = {"sender": sender, "message": text, "metadata": {"channel": "web"}}
    (await http.post(f"{stack.rasa_url}{CHANNEL}", json=body, headers=headers)).raise_for_status()
    start = time.monotonic()
    tracker = await http.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token, "include_events": "NONE"},
    )
    tracker.raise_for_status()
    parts["tracker_get"].append((time.monotonic() - start) * 1000)


async def _turn_after(
    http: httpx.AsyncClient, stack: RasaStack, text: str, *, located: bool
) -> None:
    """As the platform calls Rasa now: one /turn call, the place read and passed along."""
    headers = {"Authorization": f"Bearer {stack.rasa_token}"}
    metadata = {"channel": "web", **(located_metadata(text) if located else {})}
    body = {
        "sender": f"web:turnbench-{uuid.uuid4().hex[:10]}",
        "message": text,
        "metadata": metadata,
    }
    response = await http.post(f"{stack.rasa_url}/webhooks/suban/turn", json=body, headers=headers)
    response.raise_for_status()


async def phase_chat(url: str, stack: RasaStack, *, users: int, seconds: float) -> dict[str, Any]:
    until = time.monotonic() + seconds
    start = time.monotonic()
    suban_tally = await crowd(
        [web_citizen(url, n, until=until, think=(0, 0)) for n in range(users)]
    )
    suban_figures = summary(suban_tally, seconds=time.monotonic() - start)
    until = time.monotonic() + seconds
    start = time.monotonic()
    rasa_tally = await crowd(
        [rasa_citizen([stack.rasa_url], stack.rasa_token, n, until=until) for n in range(users)]
    )
    rasa_figures = summary(rasa_tally, seconds=time.monotonic() - start)
    return {
        "suban": suban_figures,
        "rasa": rasa_figures,
        **chat_load(users=users, suban=suban_figures, rasa=rasa_figures),
    }


async def phase_citizens(
    url: str, api: TimedBotApi, *, citizens: int, think: tuple[float, float], seconds: float
) -> dict[str, Any]:
    api.loop = asyncio.get_running_loop()
    until = time.monotonic() + seconds
    start = time.monotonic()
    half = citizens // 2
    base_chat = 8_000_000_000 + int(time.time()) % 1_000_000 * 1000
    tallies = await asyncio.gather(
        crowd(
            [telegram_citizen(api, base_chat + n, n, until=until, think=think) for n in range(half)]
        ),
        crowd([web_citizen(url, n, until=until, think=think) for n in range(half, citizens)]),
    )
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    elapsed = time.monotonic() - start
    figures = summary(total, seconds=elapsed)
    figures["offered_msg_s_nominal"] = round(
        offered_rate(citizens=citizens, think_low=think[0], think_high=think[1], turn_s=0), 2
    )
    figures["telegram"] = summary(tallies[0], seconds=elapsed)
    figures["web"] = summary(tallies[1], seconds=elapsed)
    return {"citizens": citizens, "think_s": f"{think[0]:g}-{think[1]:g}", **figures}


async def phase_scale(stack: RasaStack, *, users: int, seconds: float) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for count in (1, 2):
        urls = list(stack.rasa_urls[:count])
        until = time.monotonic() + seconds
        start = time.monotonic()
        tally = await crowd(
            [rasa_citizen(urls, stack.rasa_token, n, until=until) for n in range(users)]
        )
        figures[f"rasa_{count}"] = summary(tally, seconds=time.monotonic() - start)
    one, two = figures["rasa_1"]["achieved_msg_s"], figures["rasa_2"]["achieved_msg_s"]
    figures["speedup"] = round(two / one, 2) if one else None
    # conversations whose turns alternate between the two processes end in a ticket
    alternating = await crowd(
        [
            rasa_citizen(
                list(stack.rasa_urls),
                stack.rasa_token,
                n,
                until=time.monotonic() + 1,
                alternate=True,
            )
            for n in range(20)
        ]
    )
    figures["alternating_conversations"] = 20
    # a ticket number in the answer to 确认提交 (one problem reported by several chats is one
    # ticket: numbers repeat); every failure is an error
    figures["alternating_ended_in_a_ticket"] = 20 - len(alternating.errors)
    figures["alternating_distinct_tickets"] = len(alternating.tickets)
    figures["alternating_errors"] = alternating.errors[:5]
    return figures


# --- running it -----------------------------------------------------------------------------


def scaled_env(tracker_db: str) -> dict[str, str]:
    """nlu/endpoints.scaled.yml's settings: PostgreSQL tracker store, Redis lock store."""
    return {
        "RASA_TRACKER_HOST": os.environ.get("RASA_TRACKER_HOST", "127.0.0.1"),
        "RASA_TRACKER_PORT": os.environ.get("RASA_TRACKER_PORT", "5432"),
        "RASA_TRACKER_DB": tracker_db,
        "RASA_TRACKER_USER": os.environ.get("RASA_TRACKER_USER", "postgres"),
        "RASA_TRACKER_PASSWORD": os.environ.get("RASA_TRACKER_PASSWORD", ""),
        "RASA_TRACKER_LOGIN_DB": os.environ.get("RASA_TRACKER_LOGIN_DB", "postgres"),
        "REDIS_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": os.environ.get("REDIS_PORT", "6379"),
        "REDIS_DB": os.environ.get("REDIS_DB", "1"),
    }


def memory(pids: dict[str, int]) -> dict[str, float | None]:
    return {name: peak_rss_mb(pid) for name, pid in pids.items()} | {
        "load_generator": peak_rss_mb(os.getpid())
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_single(args: argparse.Namespace, tmp: Path, results: dict[str, Any]) -> None:
    """The turn, chat and citizens phases on one Rasa process, SQLite unless told otherwise."""
    api = TimedBotApi()
    [port] = free_ports(1)
    url = f"http://127.0.0.1:{port}"
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'suban.db'}"
    with (
        running_rasa_stack(log_dir=tmp / "logs", backend_url=url) as stack,
        serving_fake_bot_api(api) as served,
        running_platform(
            stack=stack, database_url=database_url, bot_api_url=served.url, tmp=tmp, port=port
        ) as (_, platform_pid),
    ):
        pids = {**stack.pids(), "platform": platform_pid}
        results["database"] = database_url.split(":", 1)[0]
        # warm-up: one conversation through the web chat (first calls load lazily)
        asyncio.run(web_citizen(url, 0, until=time.monotonic() + 0.1, think=(0, 0)))
        if "turn" in args.phases:
            results["turn"] = asyncio.run(phase_turn(url, stack, samples=args.turn_samples))
            print("turn:", json.dumps(results["turn"], ensure_ascii=False))
        if "chat" in args.phases:
            results["load_average_before_chat"] = load_average()
            results["chat_load"] = asyncio.run(
                phase_chat(url, stack, users=args.users, seconds=args.seconds)
            )
            print("chat:", json.dumps(results["chat_load"], ensure_ascii=False))
        if "citizens" in args.phases:
            results["load_average_before_citizens"] = load_average()
            results["citizens"] = asyncio.run(
                phase_citizens(
                    url, api, citizens=args.citizens, think=args.think, seconds=args.citizen_seconds
                )
            )
            print("citizens:", json.dumps(results["citizens"], ensure_ascii=False))
        results["peak_rss_mb"] = memory(pids)


def run_scaled(args: argparse.Namespace, tmp: Path, results: dict[str, Any]) -> None:
    """Two Rasa processes sharing a PostgreSQL tracker store and a Redis lock store."""
    env = scaled_env(f"suban_bench_{uuid.uuid4().hex[:8]}")  # made by nlu.prepare_stores
    [port] = free_ports(1)
    url = f"http://127.0.0.1:{port}"
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'suban-scaled.db'}"
    with (
        running_rasa_stack(
            log_dir=tmp / "logs-scaled",
            backend_url=url,
            rasa_processes=2,
            endpoints="nlu/endpoints.scaled.yml",
            extra_env=env,
        ) as stack,
        running_platform(
            stack=stack, database_url=database_url, bot_api_url=None, tmp=tmp, port=port
        ) as (_, platform_pid),
    ):
        results["load_average_before_scale"] = load_average()
        results["rasa_processes"] = asyncio.run(
            phase_scale(stack, users=args.users, seconds=args.seconds)
        )
        results["rasa_processes"]["tracker_store"] = "postgresql"
        results["rasa_processes"]["lock_store"] = "redis"
        results["peak_rss_mb_scaled"] = memory({**stack.pids(), "platform": platform_pid})
        print("scale:", json.dumps(results["rasa_processes"], ensure_ascii=False))
    drop_database(env)


def drop_database(env: dict[str, str]) -> None:
    """Remove the run's tracker database (best effort: a leftover only takes disk)."""
    import psycopg

    try:
        with psycopg.connect(
            host=env["RASA_TRACKER_HOST"],
            port=int(env["RASA_TRACKER_PORT"]),
            user=env["RASA_TRACKER_USER"],
            password=env["RASA_TRACKER_PASSWORD"] or None,
            dbname=env["RASA_TRACKER_LOGIN_DB"],
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{env["RASA_TRACKER_DB"]}"')
    except psycopg.Error as exc:
        print(f"could not drop {env['RASA_TRACKER_DB']}: {exc}")


def render(results: dict[str, Any]) -> str:
    when = (
        f"Run at {results['started']} (load average at start {results['load_average_start']}, "
        f"at end {results.get('load_average_end')}; {os.cpu_count()} cores, shared)"
    )
    lines = ["# Suban load benchmark", "", when, ""]
    lines += ["| target | measured | met |", "|---|---|---|"]
    for target, measured, met in verdicts(results):
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no'} |")
    for name in (
        "turn",
        "chat_load",
        "citizens",
        "rasa_processes",
        "peak_rss_mb",
        "peak_rss_mb_scaled",
    ):
        if name in results:
            lines += [
                "",
                f"## {name}",
                "",
                "```json",
                json.dumps(results[name], ensure_ascii=False, indent=2),
                "```",
            ]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=int(os.environ.get("BENCH_CITIZENS", 200)))
    parser.add_argument(
        "--think", default=os.environ.get("BENCH_THINK", "10-20"), help="seconds, low-high"
    )
    parser.add_argument(
        "--citizen-seconds", type=float, default=120.0, help="length of the citizens phase"
    )
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", 30)))
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="length of each back-to-back run"
    )
    parser.add_argument("--turn-samples", type=int, default=20)
    parser.add_argument(
        "--phases", default=os.environ.get("BENCH_PHASES", "turn,chat,citizens,scale")
    )
    parser.add_argument("--out", type=Path, default=Path("var/reports/bench"))
    args = parser.parse_args(argv)
    low, _, high = args.think.partition("-")
    args.think = (float(low), float(high or low))
    args.phases = set(args.phases.split(","))
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = {
        "citizens": args.citizens,
        "think_s": list(args.think),
        "users": args.users,
        "seconds": args.seconds,
        "citizen_seconds": args.citizen_seconds,
    }
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_start": load_average(),
        "settings": settings,
    }
    with tempfile.TemporaryDirectory(prefix="suban-bench-") as tmp:
        if args.phases & {"turn", "chat", "citizens"}:
            run_single(args, Path(tmp), results)
        if "scale" in args.phases:
            run_scaled(args, Path(tmp), results)
    results["load_average_end"] = load_average()
    (args.out / "load.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if "chat_load" in results:
        keys = ("users", "suban_msg_s", "rasa_msg_s", "ratio", "p50_ms", "p95_ms", "p99_ms")
        chat = {key: results["chat_load"][key] for key in keys}
        (args.out / "chat_load.json").write_text(json.dumps(chat, indent=2), encoding="utf-8")
    report = render(results)
    (args.out / "load.md").write_text(report, encoding="utf-8")
    print(report)
    print(f"reports: {args.out / 'load.md'}")


if __name__ == "__main__":
    main()
