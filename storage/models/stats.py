"""The 三率 rollup: what the dashboard counts, per closed Shenzhen day and per closed month, so that
a year over a large history is summed from a few thousand rows instead of scanned (filled by
backend/stats/rollup.py, read by backend/stats/rolled.py).

Days are `YYYYMMDD`, the day a ticket was received (its number's day); a month is keyed by its
first day. Every change to a ticket writes its day into `stats_dirty_days` in the same
transaction (database triggers, see the migration `stats_rollup`), so a rolled-up day (and its
month) whose tickets changed later is read live until the job has computed it again.
"""

from datetime import datetime

from sqlalchemy import Float, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class StatsRollupDay(Base):
    """A day the rollup holds, and from when its overdue counts stop depending on the hour."""

    __tablename__ = "stats_rollup_days"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column()
    # The latest time limit among the day's tickets not resolved on time. Before it, whether such
    # a ticket is overdue depends on the time of asking, so the day is counted live.
    overdue_final_at: Mapped[datetime | None] = mapped_column()


class StatsRollupMonth(Base):
    """A month whose sums are built from its days; gone as soon as one of its days is computed
    again (and built anew after)."""

    __tablename__ = "stats_rollup_months"

    month: Mapped[str] = mapped_column(String(8), primary_key=True)  # its first day
    computed_at: Mapped[datetime] = mapped_column()
    overdue_final_at: Mapped[datetime | None] = mapped_column()  # the latest of its days'


class StatsCount(Base):
    """Counts of the in-scope tickets (not merged, not cancelled) of one day or month, at one
    `level`: `full` keeps department, district, street and category (the rollup proper); the
    other levels keep only the columns of one grouping of the dashboard (the rest NULL), so that
    all departments over a year is a few thousand rows. `overdue` counts the tickets not
    resolved on time (open, or late) that have a time limit: all of them are overdue once the
    period's `overdue_final_at` has passed."""

    __tablename__ = "stats_counts"
    __table_args__ = (
        Index("ix_stats_counts_grain_period", "grain", "period", "level"),
        Index("ix_stats_counts_department_id_level", "department_id", "level", "grain", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[str] = mapped_column(String(5))  # day | month
    period: Mapped[str] = mapped_column(String(8))  # the day, or the month's first day
    level: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(Integer)
    district: Mapped[str | None] = mapped_column(String(32))
    street: Mapped[str | None] = mapped_column(String(32))
    service_code: Mapped[str | None] = mapped_column(String(32))
    received: Mapped[int] = mapped_column()
    responded_on_time: Mapped[int] = mapped_column()
    resolved_on_time: Mapped[int] = mapped_column()
    reopened: Mapped[int] = mapped_column()
    overdue: Mapped[int] = mapped_column()
    rated: Mapped[int] = mapped_column()
    satisfied: Mapped[int] = mapped_column()
    # On day rows of the `total` and `department` levels: the median handling time of the row's
    # tickets (seconds), so that a trend per day needs no histogram.
    median_seconds: Mapped[float | None] = mapped_column(Float)


class StatsHistogram(Base):
    """How many handling times of one day or month fall into each coarse bucket, at one level
    (backend/stats/medians.py): where a group's median lies, without reading the times."""

    __tablename__ = "stats_histograms"
    __table_args__ = (Index("ix_stats_histograms_grain_period", "grain", "period", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[str] = mapped_column(String(5))
    period: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(Integer)
    district: Mapped[str | None] = mapped_column(String(32))
    street: Mapped[str | None] = mapped_column(String(32))
    service_code: Mapped[str | None] = mapped_column(String(32))
    bucket: Mapped[int] = mapped_column(SmallInteger)
    count: Mapped[int] = mapped_column()


class StatsHandling(Base):
    """The handling time of one resolved in-scope ticket of a rolled-up day: the exact values of
    the fine bucket a median lies in are read from here (and one department's buckets
    counted)."""

    __tablename__ = "stats_handling"
    __table_args__ = (
        Index("ix_stats_handling_day_bucket", "day", "bucket"),
        Index("ix_stats_handling_bucket_day", "bucket", "day"),
        Index("ix_stats_handling_department_id_bucket", "department_id", "bucket", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(8))
    department_id: Mapped[int | None] = mapped_column(Integer)
    district: Mapped[str | None] = mapped_column(String(32))
    street: Mapped[str | None] = mapped_column(String(32))
    service_code: Mapped[str] = mapped_column(String(32))
    bucket: Mapped[int] = mapped_column(SmallInteger)
    seconds: Mapped[float] = mapped_column(Float)


class StatsDirtyDay(Base):
    """A day one of whose tickets changed (written by triggers on `tickets`); the rollup job
    deletes the markers it has seen once it has computed that day again."""

    __tablename__ = "stats_dirty_days"
    __table_args__ = (Index("ix_stats_dirty_days_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(8))
