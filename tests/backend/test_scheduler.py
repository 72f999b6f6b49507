"""The periodic jobs: which run, how they are configured, and that their work commits."""

from datetime import UTC, datetime, timedelta

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


def test_jobs_never_overlap_and_coalesce(
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
    for job_id, seconds in ((SWEEP_JOB_ID, 90), (OUTBOX_JOB_ID, 3), (ROLLUP_JOB_ID, 120)):
        job = jobs.scheduler.get_job(job_id)
        assert job.max_instances == 1
        assert job.coalesce is True
        assert job.trigger.interval == timedelta(seconds=seconds)


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
    assert jobs.scheduler.get_job(HELD_JOB_ID).trigger.interval == timedelta(seconds=2)


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
        await jobs.scheduler.get_job(SWEEP_JOB_ID).func()
        await jobs.scheduler.get_job(OUTBOX_JOB_ID).func()
        await jobs.scheduler.get_job(ROLLUP_JOB_ID).func()
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
    assert jobs is not None and jobs.scheduler.running
    await jobs.stop()
    assert not jobs.scheduler.running


def test_the_app_starts_and_stops_its_jobs(app_settings: Settings) -> None:
    from suban.app import create_app

    settings = app_settings.model_copy(update={"scheduler_enabled": True})
    app = create_app(settings)
    with TestClient(app):
        jobs = app.state.background_jobs
        assert jobs.scheduler.running
        assert SWEEP_JOB_ID in jobs.job_ids
    assert not jobs.scheduler.running
