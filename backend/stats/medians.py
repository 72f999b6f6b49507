"""Exact medians of handling times without sorting a year of them.

Each resolved ticket's handling time gets a fine `bucket` (buckets grow by 0.25 % from one
minute on); twenty fine buckets make one coarse bucket (about 5 %), which is what the rollup's
histograms count. The middle of a group is then found in three small steps: the coarse counts
(histograms, a few rows a month) say which coarse bucket holds it; the fine counts inside that
one bucket say which fine bucket; only that fine bucket's times are read and sorted. The result
is the exact median, the same float the live query gives (PostgreSQL's percentile_cont: the
lower middle plus half the gap to the upper).
"""

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar


def _thresholds(start: int = 60, ceiling: int = 10**10) -> tuple[int, ...]:
    # Whole seconds, each 0.25 % above the last (at least 1 s): integers, so every process and
    # platform puts a time into the same bucket.
    bounds = [start]
    while bounds[-1] < ceiling:
        bounds.append(bounds[-1] + max(1, bounds[-1] // 400))
    return tuple(bounds)


THRESHOLDS = _thresholds()
"""Fine bucket 0 holds times under a minute, bucket k times in [THRESHOLDS[k-1], THRESHOLDS[k])."""

COARSE = 20
"""Fine buckets per coarse bucket: coarse bucket c holds fine buckets COARSE*c .. COARSE*c+19."""


def bucket_of(seconds: float) -> int:
    """The fine bucket of a handling time; a larger time never gets a smaller bucket."""
    return bisect_right(THRESHOLDS, seconds)


def between(low: float, high: float) -> float:
    """percentile_cont(0.5) from the lower and upper middle: the lower plus half the gap."""
    return low if low == high else low + (high - low) * 0.5


def middle(ordered: list[float]) -> float | None:
    """The median of sorted values as percentile_cont(0.5) computes it (None when empty)."""
    if not ordered:
        return None
    return between(ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2])


def hours(seconds: float | None) -> float | None:
    """The dashboard's median handling hours (two decimals)."""
    return round(seconds / 3600, 2) if seconds is not None else None


Key = TypeVar("Key", bound=Hashable)


@dataclass
class Times:
    """A group's handling times: counts per coarse bucket from the rollup, live times in full."""

    rolled: Counter[int] = field(default_factory=Counter)
    live: list[float] = field(default_factory=list)

    def add(self, other: "Times") -> None:
        self.rolled.update(other.rolled)
        self.live.extend(other.live)


@dataclass(frozen=True)
class Wanted:
    """Where a group's middle lies: the bucket(s) holding it and its ranks among their values."""

    buckets: tuple[int, ...]
    ranks: tuple[int, int]  # of the lower and upper middle, counted from the first bucket's start


def locate(counts: Mapping[int, int], ranks: tuple[int, int]) -> Wanted:
    """The bucket(s) holding the values of the given ranks (counted over `counts` in order)."""
    low_rank, high_rank = ranks
    before = start = 0
    buckets: list[int] = []
    for bucket in sorted(counts):
        end = before + counts[bucket]  # this bucket's values have ranks before .. end - 1
        if end > low_rank and before <= high_rank:
            start = before if not buckets else start
            buckets.append(bucket)
        if end > high_rank:
            break
        before = end
    return Wanted(buckets=tuple(buckets), ranks=(low_rank - start, high_rank - start))


class Inconsistent(Exception):
    """The rolled-up times changed between two reads (the job rewrote a day meanwhile)."""


Pairs = Iterable[tuple[Key, int]]


def exact_medians(
    *,
    times: Mapping[Key, Times],
    count_fine: Callable[[Pairs[Key]], Mapping[tuple[Key, int], Counter[int]]],
    read: Callable[[Pairs[Key]], Mapping[tuple[Key, int], list[float]]],
) -> dict[Key, float | None]:
    """Each group's median in seconds. `count_fine` counts the rolled-up times of (group, coarse
    bucket) pairs per fine bucket; `read` gives the rolled-up times of (group, fine bucket) pairs.

    Raises Inconsistent when what they return does not match the counts before."""
    medians: dict[Key, float | None] = {}
    coarse: dict[Key, Wanted] = {}
    for key, group in times.items():
        counts = Counter(group.rolled)
        counts.update(bucket_of(value) // COARSE for value in group.live)
        total = sum(counts.values())
        if total == 0:
            medians[key] = None
        else:
            coarse[key] = locate(counts, ((total - 1) // 2, total // 2))
    wanted_coarse = [
        (key, bucket)
        for key, where in coarse.items()
        for bucket in where.buckets
        if times[key].rolled[bucket]
    ]
    fine_counts = count_fine(wanted_coarse) if wanted_coarse else {}
    fine: dict[Key, Wanted] = {}
    for key, where in coarse.items():
        counts: Counter[int] = Counter()
        for bucket in where.buckets:
            rolled = fine_counts.get((key, bucket), Counter())
            if sum(rolled.values()) != times[key].rolled[bucket]:
                raise Inconsistent(f"coarse bucket {bucket} of {key!r}")
            counts.update(rolled)
        counts.update(b for b in map(bucket_of, times[key].live) if b // COARSE in where.buckets)
        fine[key] = locate(counts, where.ranks)
    wanted_fine = [
        (key, bucket)
        for key, where in fine.items()
        for bucket in where.buckets
        if fine_counts.get((key, bucket // COARSE), Counter())[bucket]
    ]
    values_read = read(wanted_fine) if wanted_fine else {}
    for key, where in fine.items():
        values: list[float] = []
        for bucket in where.buckets:
            rolled = values_read.get((key, bucket), [])
            if len(rolled) != fine_counts.get((key, bucket // COARSE), Counter())[bucket]:
                raise Inconsistent(f"fine bucket {bucket} of {key!r}")
            values.extend(rolled)
            values.extend(value for value in times[key].live if bucket_of(value) == bucket)
        values.sort()
        low, high = where.ranks
        medians[key] = between(values[low], values[high])
    return medians
