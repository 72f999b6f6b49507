"""The platform's periodic work on APScheduler: the deadline sweep, the outbox dispatcher, the
release of messages held by the chat rate limits, the retention of uploads and chat messages,
the return of idle operator claims to the waiting list, the 类案 clustering job and the 三率
rollup.

Both jobs are stateless (deadlines and pending messages are database rows), so a restart loses
nothing and several replicas may run them side by side: rows are claimed with
`FOR UPDATE SKIP LOCKED` on PostgreSQL.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.orm import Session, sessionmaker

from backend.clusters.detection import run_cluster_job
from backend.handoff.service import run_claim_expiry
from backend.outbox.delivery import Deliver
from backend.outbox.dispatcher import dispatch_pending
from backend.retention import run_retention
from backend.settings import Settings
from backend.stats.rollup import run_rollup
from backend.tickets.rating_followup import run_rating_followup
from backend.timers.job import run_sweep
from storage.models import utcnow

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "deadline-sweep"
OUTBOX_JOB_ID = "outbox-dispatch"
RATING_JOB_ID = "rating-followup"
HELD_JOB_ID = "held-release"
RETENTION_JOB_ID = "retention"
HANDOFF_JOB_ID = "handoff-claim-expiry"
CLUSTER_JOB_ID = "clusters"
ROLLUP_JOB_ID = "stats-rollup"
STOP_GRACE_SECONDS = 10.0


class BackgroundJobs:
    """An AsyncIOScheduler plus the jobs it runs; `stop()` lets running jobs finish first."""

    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        )
        self._running: set[asyncio.Task[object]] = set()

    def add_job(
        self, *, job_id: str, seconds: float, work: Callable[[], Awaitable[object]]
    ) -> None:
        """Run `work` every `seconds`; never two at once, missed runs coalesced into one."""

        async def tracked() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await work()
            except Exception:
                log.exception("background job %s failed; it runs again next interval", job_id)
            finally:
                self._running.discard(task)

        self.scheduler.add_job(
            tracked, "interval", seconds=seconds, id=job_id, max_instances=1, coalesce=True
        )

    @property
    def job_ids(self) -> list[str]:
        """The ids of the scheduled jobs."""
        return [job.id for job in self.scheduler.get_jobs()]

    def start(self) -> None:
        """Start ticking on the running event loop."""
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop scheduling, then wait (a little) for the jobs that are running to finish."""
        if self.scheduler.running:
            self.scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=STOP_GRACE_SECONDS)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the next loop iteration


def build_background_jobs(
    *,
    settings: Settings,
    session_factory: sessionmaker[Session],
    deliver: Deliver | None,
    release_held: Callable[[], Awaitable[object]] | None = None,
) -> BackgroundJobs:
    """The sweep, rating follow-up, retention, clustering and rollup jobs always; the outbox job
    with a deliverer, the release of held messages with the channels' `release_held`."""
    jobs = BackgroundJobs()
    reminder_window = timedelta(hours=settings.reminder_window_hours)

    async def sweep() -> None:
        await asyncio.to_thread(
            run_sweep,
            session_factory=session_factory,
            reminder_window=reminder_window,
            console_url=f"{settings.public_base_url.rstrip('/')}/console",
        )

    jobs.add_job(job_id=SWEEP_JOB_ID, seconds=settings.sweep_interval_seconds, work=sweep)

    async def rating_followup() -> None:
        await asyncio.to_thread(run_rating_followup, session_factory=session_factory)

    jobs.add_job(
        job_id=RATING_JOB_ID, seconds=settings.sweep_interval_seconds, work=rating_followup
    )

    async def retention() -> None:
        await asyncio.to_thread(
            run_retention,
            session_factory=session_factory,
            uploads_dir=settings.uploads_dir,
            uploads_days=settings.uploads_retention_days,
            outbound_days=settings.outbound_retention_days,
        )

    jobs.add_job(
        job_id=RETENTION_JOB_ID, seconds=settings.retention_interval_seconds, work=retention
    )

    async def claim_expiry() -> None:
        await asyncio.to_thread(
            run_claim_expiry,
            session_factory=session_factory,
            timeout=settings.handoff_claim_timeout,
        )

    jobs.add_job(
        job_id=HANDOFF_JOB_ID,
        seconds=settings.handoff_expiry_interval_seconds,
        work=claim_expiry,
    )

    async def clusters() -> None:
        await asyncio.to_thread(run_cluster_job, session_factory=session_factory)

    jobs.add_job(job_id=CLUSTER_JOB_ID, seconds=settings.cluster_interval_seconds, work=clusters)

    async def rollup() -> None:
        await asyncio.to_thread(
            run_rollup, session_factory=session_factory, max_days=settings.stats_rollup_max_days
        )

    jobs.add_job(job_id=ROLLUP_JOB_ID, seconds=settings.stats_rollup_interval_seconds, work=rollup)
    if release_held is not None:
        jobs.add_job(
            job_id=HELD_JOB_ID, seconds=settings.held_release_interval_seconds, work=release_held
        )

    if deliver is not None:
        deliverer = deliver

        async def dispatch() -> None:
            await dispatch_pending(
                session_factory=session_factory,
                deliver=deliverer,
                now=utcnow(),
                batch_size=settings.outbox_batch_size,
                max_attempts=settings.outbox_max_attempts,
            )

        jobs.add_job(job_id=OUTBOX_JOB_ID, seconds=settings.outbox_interval_seconds, work=dispatch)
    else:
        log.info("no outbox deliverer registered: citizen notifications stay pending")
    return jobs


def start_background_jobs(
    *,
    settings: Settings,
    session_factory: sessionmaker[Session],
    deliver: Deliver | None,
    release_held: Callable[[], Awaitable[object]] | None = None,
) -> BackgroundJobs | None:
    """Build and start the jobs when `settings.scheduler_enabled`; None otherwise."""
    if not settings.scheduler_enabled:
        return None
    jobs = build_background_jobs(
        settings=settings,
        session_factory=session_factory,
        deliver=deliver,
        release_held=release_held,
    )
    jobs.start()
    log.info("background jobs started: %s", ", ".join(jobs.job_ids))
    return jobs
