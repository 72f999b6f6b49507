"""The load benchmark's plain logic (`make bench`, scripts/bench_load.py): what simulated
citizens say, when they say it, and the figures made from what they measured.

No I/O here, so it is unit-tested (tests/scripts/test_load_model.py).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

# Full intake conversations: one rich report (category, place, what happens), then the tap on
# 确认提交 under the read-back. Different places and categories, so no report is merged into
# another as the same problem.
REPORTS: tuple[str, ...] = (
    "粤海街道科技园这边有个工地每天晚上十一点还在打桩",
    "福田区华强北街道振华路的路灯坏了一个星期了",
    "宝安区新安街道建安一路有个下水道井盖不见了",
    "罗湖区东门街道东门老街垃圾好几天没人清运",
    "南山区蛇口街道海上世界附近有人占道经营",
    "龙岗区坂田街道五和大道的红绿灯坏了",
)
CONFIRM = "确认提交"
# Under many citizens the same report soon meets its own earlier ticket: the bot offers to
# follow it, and the citizen files a new one all the same (a full intake each time).
FILE_NEW = "仍然新建"


def report_for(citizen: int, conversation: int) -> str:
    """The report a citizen makes in its n-th conversation (spread over the list)."""
    return REPORTS[(citizen + conversation) % len(REPORTS)]


def think_seconds(rng: random.Random, *, low: float, high: float) -> float:
    """How long a citizen pauses before its next message: uniform in [low, high]."""
    if low < 0 or high < low:
        raise ValueError(f"think time must be 0 ≤ low ≤ high, not {low}..{high}")
    return rng.uniform(low, high)


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile (q in 0..100): a value that was measured."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < q <= 100:
        raise ValueError(f"q must be in (0, 100], not {q}")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Tally:
    """What one phase's citizens measured: reply latencies, messages sent, errors, tickets."""

    latencies_ms: list[float] = field(default_factory=list)
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    tickets: set[str] = field(default_factory=set)

    def merge(self, other: Tally) -> None:
        """Add another citizen's tally to this one."""
        self.latencies_ms += other.latencies_ms
        self.sent += other.sent
        self.errors += other.errors
        self.tickets |= other.tickets


def summary(tally: Tally, *, seconds: float, offered_msg_s: float | None = None) -> dict:
    """The figures of a phase: msg/s offered and achieved, latency percentiles, errors."""
    if seconds <= 0:
        raise ValueError("a phase lasts a positive time")
    answered = len(tally.latencies_ms)
    figures: dict = {
        "messages_sent": tally.sent,
        "replies": answered,
        "seconds": round(seconds, 1),
        "offered_msg_s": round(
            offered_msg_s if offered_msg_s is not None else tally.sent / seconds, 2
        ),
        "achieved_msg_s": round(answered / seconds, 2),
        "tickets_filed": len(tally.tickets),
        "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:5],
    }
    if answered:
        for q in (50, 95, 99):
            figures[f"p{q}_ms"] = round(percentile(tally.latencies_ms, q), 1)
    return figures


def offered_rate(*, citizens: int, think_low: float, think_high: float, turn_s: float) -> float:
    """Messages per second the citizens would send if every reply took `turn_s`: each sends
    one message per (mean think time + reply time)."""
    cycle = (think_low + think_high) / 2 + turn_s
    if cycle <= 0:
        raise ValueError("back-to-back citizens have no offered rate; measure it")
    return citizens / cycle


def chat_load(*, users: int, suban: dict, rasa: dict) -> dict:
    """`chat_load.json`: Suban's web chat against the same turns sent straight to Rasa."""
    suban_rate, rasa_rate = suban["achieved_msg_s"], rasa["achieved_msg_s"]
    return {
        "users": users,
        "suban_msg_s": suban_rate,
        "rasa_msg_s": rasa_rate,
        "ratio": round(suban_rate / rasa_rate, 3) if rasa_rate else None,
        "p50_ms": suban.get("p50_ms"),
        "p95_ms": suban.get("p95_ms"),
        "p99_ms": suban.get("p99_ms"),
        "rasa_p50_ms": rasa.get("p50_ms"),
        "rasa_p99_ms": rasa.get("p99_ms"),
    }


def verdicts(results: dict) -> list[tuple[str, str, bool | None]]:
    """Each target of issue 14 beside what was measured: (target, measured, met or None)."""
    out: list[tuple[str, str, bool | None]] = []
    load = results.get("chat_load")
    if load:
        p99, ratio = load.get("p99_ms"), load.get("ratio")
        out.append(
            (
                f"{load['users']} web citizens back to back: p99 ≤ 1.5 s, ratio ≥ 0.85",
                f"p99 {p99} ms, ratio {ratio}",
                p99 is not None and ratio is not None and p99 <= 1500 and ratio >= 0.85,
            )
        )
    crowd = results.get("citizens")
    if crowd and "p99_ms" in crowd:
        out.append(
            (
                f"{crowd['citizens']} citizens, think {crowd['think_s']} s: p99 ≤ 1 s",
                f"p99 {crowd['p99_ms']} ms",
                crowd["p99_ms"] <= 1000,
            )
        )
    scale = results.get("rasa_processes")
    if scale and scale.get("speedup") is not None:
        out.append(
            ("two Rasa processes ≥ 1.6× one", f"{scale['speedup']}×", scale["speedup"] >= 1.6)
        )
    return out
