"""The load benchmark's logic: conversations, think time, percentiles, the figures."""

import random

import pytest

from scripts.load_model import (
    REPORTS,
    Tally,
    chat_load,
    offered_rate,
    percentile,
    report_for,
    summary,
    think_seconds,
    verdicts,
)


def test_nearest_rank_percentiles_are_measured_values() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
    assert percentile(samples, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_percentile_refuses_nothing_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_think_time_stays_in_its_range_and_is_repeatable() -> None:
    first = [think_seconds(random.Random(4), low=10, high=20) for _ in range(3)]
    again = [think_seconds(random.Random(4), low=10, high=20) for _ in range(3)]
    assert first == again
    rng = random.Random(1)
    assert all(10 <= think_seconds(rng, low=10, high=20) <= 20 for _ in range(200))
    with pytest.raises(ValueError):
        think_seconds(rng, low=5, high=1)


def test_citizens_spread_over_different_reports() -> None:
    assert {report_for(c, 0) for c in range(len(REPORTS))} == set(REPORTS)
    assert report_for(0, 1) != report_for(0, 0)


def test_the_summary_counts_replies_not_messages_as_achieved() -> None:
    tally = Tally(latencies_ms=[100.0, 200.0, 300.0], sent=4, errors=["timeout"], tickets={"SZ1"})
    figures = summary(tally, seconds=2.0, offered_msg_s=5.0)
    assert figures["offered_msg_s"] == 5.0
    assert figures["achieved_msg_s"] == 1.5
    assert (figures["p50_ms"], figures["p99_ms"]) == (200.0, 300.0)
    assert (figures["errors"], figures["tickets_filed"]) == (1, 1)
    assert summary(Tally(sent=2), seconds=1.0)["offered_msg_s"] == 2.0


def test_tallies_merge() -> None:
    total = Tally()
    total.merge(Tally(latencies_ms=[1.0], sent=1, tickets={"a"}))
    total.merge(Tally(latencies_ms=[2.0], sent=2, errors=["x"], tickets={"a", "b"}))
    assert (total.latencies_ms, total.sent, total.errors, total.tickets) == (
        [1.0, 2.0],
        3,
        ["x"],
        {"a", "b"},
    )


def test_offered_rate_is_citizens_over_their_cycle() -> None:
    assert offered_rate(citizens=200, think_low=10, think_high=20, turn_s=0) == pytest.approx(
        200 / 15
    )
    with pytest.raises(ValueError):
        offered_rate(citizens=1, think_low=0, think_high=0, turn_s=0)


def test_chat_load_ratio_and_the_targets() -> None:
    suban = {"achieved_msg_s": 9.0, "p50_ms": 500.0, "p95_ms": 900.0, "p99_ms": 1200.0}
    rasa = {"achieved_msg_s": 10.0, "p50_ms": 400.0, "p99_ms": 1000.0}
    load = chat_load(users=30, suban=suban, rasa=rasa)
    assert (load["users"], load["ratio"], load["p99_ms"]) == (30, 0.9, 1200.0)
    results = {
        "chat_load": load,
        "citizens": {"citizens": 200, "think_s": "10-20", "p99_ms": 1100.0},
        "rasa_processes": {"speedup": 1.7},
    }
    assert [met for _, _, met in verdicts(results)] == [True, False, True]
    assert chat_load(users=1, suban=suban, rasa={"achieved_msg_s": 0})["ratio"] is None
