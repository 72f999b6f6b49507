"""The periodic jobs: which run, how they are configured, and that their work commits."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.outbox.delivery import DeliveryResult, OutboxMessage
from backend.scheduler import (
    CLUSTER_JOB_ID,
    HANDOFF_JOB_ID,
    HELD_JOB_ID,
    OUTBOX_JOB_ID,
    RATING_JOB_ID,
    RETENTION_JOB_ID,
    ROLLUP_JOB_ID,
    SWEEP_JOB_ID,
    BackgroundJobs,
    build_background_jobs,
    start_background_jobs,
)
from backend.settings import Settings
from storage.models import DeadlineAlert, OutboxEvent, StatsCount, StatsRollupDay
from tests.backend.ticket_factory import open_ticket

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


async def deliver_nothing(message: OutboxMessage) -> DeliveryResult:
    return DeliveryResult.retry("not in this test")


def settings_for(database_url: str, **changes: object) -> Settings:
    return Settings(database_url=database_url, _env_file=None, **changes)  # type: ignore[arg-type]


def test_no_outbox_job_without_a_deliverer(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    jobs = build_background_jobs(
        settings=settings_for(database_url), session_factory=session_factory, deliver=None
    )
    assert jobs.job_ids == [
        SWEEP_JOB_ID,
        RATING_JOB_ID,
        RETENTION_JOB_ID,
        HANDOFF_JOB_ID,
        CLUSTER_JOB_ID,
        ROLLUP_JOB_ID,
    ]


def test_the_jobs_run_at_their_configured_intervals(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    settings = settings_for(
        database_url,
        sweep_interval_seconds=90,
        outbox_interval_seconds=3,
        stats_rollup_interval_seconds=120,
    )
    jobs = build_background_jobs(
        settings=settings, session_factory=session_factory, deliver=deliver_nothing
    )
    assert jobs.job_ids == [
        SWEEP_JOB_ID,
        RATING_JOB_ID,
        RETENTION_JOB_ID,
        HANDOFF_JOB_ID,
        CLUSTER_JOB_ID,
        ROLLUP_JOB_ID,
        OUTBOX_JOB_ID,
    ]
    assert jobs.job(SWEEP_JOB_ID).seconds == 90
    assert jobs.job(OUTBOX_JOB_ID).seconds == 3
    assert jobs.job(ROLLUP_JOB_ID).seconds == 120


def test_held_messages_are_released_every_few_seconds(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    async def release_nothing() -> int:
        return 0

    settings = settings_for(database_url, held_release_interval_seconds=2)
    jobs = build_background_jobs(
        settings=settings,
        session_factory=session_factory,
        deliver=None,
        release_held=release_nothing,
    )
    assert HELD_JOB_ID in jobs.job_ids
    assert jobs.job(HELD_JOB_ID).seconds == 2


def test_disabled_scheduler_starts_nothing(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    settings = settings_for(database_url, scheduler_enabled=False)
    assert (
        start_background_jobs(settings=settings, session_factory=session_factory, deliver=None)
        is None
    )


async def test_the_jobs_do_their_work_and_commit(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    open_ticket(session_factory, now=T0)
    delivered: list[str] = []

    async def deliver(message: OutboxMessage) -> DeliveryResult:
        delivered.append(message.kind)
        return DeliveryResult.delivered()

    jobs = build_background_jobs(
        settings=settings_for(database_url), session_factory=session_factory, deliver=deliver
    )
    with time_machine.travel(T0 + timedelta(hours=25), tick=False):
        await jobs.job(SWEEP_JOB_ID).run_once()
        await jobs.job(OUTBOX_JOB_ID).run_once()
        await jobs.job(ROLLUP_JOB_ID).run_once()
    with session_factory() as session:
        assert len(session.scalars(select(DeadlineAlert)).all()) == 1
        statuses = session.scalars(select(OutboxEvent.status).order_by(OutboxEvent.id)).all()
        rolled = session.scalars(select(StatsRollupDay.day).order_by(StatsRollupDay.day)).all()
        received = session.scalar(
            select(StatsCount.received).where(
                StatsCount.level == "total", StatsCount.period == "20261129"
            )
        )
    assert statuses == ["delivered", "delivered"]
    assert delivered == ["dispatched", "escalated"]
    # The rollup: every day of the first ticket's month up to yesterday (T0 is 29 November).
    assert rolled[0] == "20261101" and rolled[-1] == "20261129" and received == 1


async def test_started_jobs_stop_cleanly(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    jobs = start_background_jobs(
        settings=settings_for(database_url), session_factory=session_factory, deliver=None
    )
    assert jobs is not None and jobs.running
    await jobs.stop()
    assert not jobs.running


def test_the_app_starts_and_stops_its_jobs(app_settings: Settings) -> None:
    from suban.app import create_app

    settings = app_settings.model_copy(update={"scheduler_enabled": True})
    app = create_app(settings)
    with TestClient(app):
        jobs = app.state.background_jobs
        assert jobs.running
        assert SWEEP_JOB_ID in jobs.job_ids
    assert not jobs.running


class Runs:
    """A count of a job's runs that a test can wait on."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Condition()

    async def add(self) -> None:
        async with self._changed:
            self.count += 1
            self._changed.notify_all()

    async def reach(self, count: int) -> None:
        """Until `count` runs happened (bounded: a job that never runs fails the test)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count >= count), 30)


async def test_a_wall_clock_stepped_back_does_not_put_the_jobs_to_sleep() -> None:
    runs = Runs()
    jobs = BackgroundJobs()
    jobs.add_job(job_id="tick", seconds=0.05, work=runs.add)
    jobs.start()
    try:
        await runs.reach(2)
        # NTP (or a test) steps the clock back by days while the job runs
        with time_machine.travel(datetime.now(UTC) - timedelta(days=3), tick=False):
            await runs.reach(runs.count + 2)
        await runs.reach(runs.count + 2)
    finally:
        await jobs.stop()


async def test_runs_never_overlap_and_a_failing_run_does_not_stop_the_job() -> None:
    active = 0
    overlaps = 0
    runs = Runs()

    async def work() -> None:
        nonlocal active, overlaps
        active += 1
        overlaps += active > 1
        await asyncio.sleep(0.05)  # longer than the interval
        active -= 1
        await runs.add()
        if runs.count == 1:
            raise RuntimeError("the first run fails")

    jobs = BackgroundJobs()
    jobs.add_job(job_id="slow", seconds=0.01, work=work)
    jobs.start()
    try:
        await runs.reach(4)
    finally:
        await jobs.stop()
    assert overlaps == 0
    assert not jobs.running


async def test_stop_lets_a_running_job_finish() -> None:
    started = asyncio.Event()
    finished: list[bool] = []

    async def work() -> None:
        started.set()
        await asyncio.sleep(0.1)
        finished.append(True)

    jobs = BackgroundJobs()
    jobs.add_job(job_id="work", seconds=0.01, work=work)
    jobs.start()
    await asyncio.wait_for(started.wait(), timeout=30)
    await jobs.stop()
    assert finished == [True]


def test_a_job_id_is_added_once() -> None:
    jobs = BackgroundJobs()
    jobs.add_job(job_id="a", seconds=1, work=asyncio.sleep)
    with pytest.raises(ValueError, match="already"):
        jobs.add_job(job_id="a", seconds=1, work=asyncio.sleep)
    with pytest.raises(ValueError, match="positive"):
        jobs.add_job(job_id="b", seconds=0, work=asyncio.sleep)
