"""Exact medians from bucket counts and one bucket's times (backend/stats/medians.py)."""

import random
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

import pytest

from backend.stats.medians import (
    COARSE,
    THRESHOLDS,
    Inconsistent,
    Times,
    bucket_of,
    exact_medians,
    middle,
)


def test_buckets_are_integer_bounds_growing_by_a_quarter_percent() -> None:
    assert THRESHOLDS[0] == 60 and all(isinstance(bound, int) for bound in THRESHOLDS)
    assert all(b > a for a, b in pairwise(THRESHOLDS))
    assert bucket_of(0) == bucket_of(59.999) == 0
    assert bucket_of(60) == 1
    assert bucket_of(86400) // COARSE < 400 and len(THRESHOLDS) < 2**15  # smallint
    ordered = sorted(random.Random(1).uniform(-5, 4e7) for _ in range(5000))
    buckets = [bucket_of(value) for value in ordered]
    assert buckets == sorted(buckets)  # never smaller for a larger time


def test_middle_is_percentile_cont() -> None:
    assert middle([]) is None
    assert middle([3.0]) == 3.0
    assert middle([1.0, 2.0, 10.0]) == 2.0
    assert middle([1.0, 2.0, 4.0, 10.0]) == 3.0


class Rolled:
    """The rollup's side of a group's times, as the rolled-up tables would answer."""

    def __init__(self, values: dict[str, list[float]]) -> None:
        self.values = values

    def times(self, key: str, live: list[float]) -> Times:
        coarse = Counter(bucket_of(value) // COARSE for value in self.values[key])
        return Times(rolled=coarse, live=live)

    def count_fine(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Counter[int]]:
        found: dict[tuple[str, int], Counter[int]] = {}
        for key, coarse in pairs:
            fine = (bucket_of(value) for value in self.values[key])
            found[(key, coarse)] = Counter(b for b in fine if b // COARSE == coarse)
        return found

    def read(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[float]]:
        return {
            (key, fine): [value for value in self.values[key] if bucket_of(value) == fine]
            for key, fine in pairs
        }


@pytest.mark.parametrize("seed", range(5))
def test_the_median_of_rolled_and_live_times_is_that_of_all_of_them(seed: int) -> None:
    rng = random.Random(seed)
    every: dict[str, list[float]] = {}
    live: dict[str, list[float]] = {}
    rolled: dict[str, list[float]] = {}
    for key in "abcdefgh":
        count = rng.choice([0, 1, 2, 3, rng.randrange(4, 300)])
        values = [
            rng.choice(
                [
                    rng.uniform(0, 90),  # under and around a minute
                    rng.randrange(1, 100) * 3600.0,  # whole hours: ties
                    rng.uniform(0, 40 * 86400),
                    float(rng.choice(THRESHOLDS[:3000])),  # on a bucket's edge
                ]
            )
            for _ in range(count)
        ]
        cut = rng.randrange(count + 1)
        every[key], rolled[key], live[key] = values, values[:cut], values[cut:]
    source = Rolled(rolled)
    found = exact_medians(
        times={key: source.times(key, live[key]) for key in every},
        count_fine=source.count_fine,
        read=source.read,
    )
    assert found == {key: middle(sorted(values)) for key, values in every.items()}


def test_times_changed_between_reads_are_noticed() -> None:
    source = Rolled({"a": [3600.0, 7200.0, 10800.0]})
    times = {"a": source.times("a", [])}

    def fewer(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[float]]:
        return {pair: values[:-1] for pair, values in source.read(pairs).items()}

    with pytest.raises(Inconsistent):
        exact_medians(times=times, count_fine=source.count_fine, read=fewer)
    with pytest.raises(Inconsistent):
        exact_medians(times=times, count_fine=lambda pairs: {}, read=source.read)
