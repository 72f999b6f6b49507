"""The platform's periodic work: the deadline sweep, the outbox dispatcher, the release of
messages held by the chat rate limits, the retention of uploads and chat messages, the return of
idle operator claims to the waiting list, the 类案 clustering job and the 三率 rollup.

Every job is stateless (deadlines and pending messages are database rows), so a restart loses
nothing and several replicas may run them side by side: rows are claimed with
`FOR UPDATE SKIP LOCKED` on PostgreSQL.

Each job is an asyncio task that sleeps on the event loop's monotonic clock between runs.
(APScheduler's interval trigger, used before, schedules by the wall clock: a clock stepped back,
by NTP or in a test, left every job asleep until the clock caught up again, the outbox included.)
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

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


@dataclass(frozen=True, slots=True)
class Job:
    """One periodic job: `work` runs every `seconds`, never two at once."""

    id: str
    seconds: float
    work: Callable[[], Awaitable[object]]

    async def run_once(self) -> None:
        """Run the work once; a failure is logged and the next run comes as usual."""
        try:
            await self.work()
        except Exception:
            log.exception("background job %s failed; it runs again next interval", self.id)


class BackgroundJobs:
    """Periodic jobs on the running event loop; `stop()` lets running work finish first.

    A job waits `seconds` after a run ends before the next starts, so runs never overlap and a
    slow run is not followed by a burst of missed ones.
    """

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    def add_job(
        self, *, job_id: str, seconds: float, work: Callable[[], Awaitable[object]]
    ) -> None:
        """Run `work` every `seconds` once started."""
        if job_id in self._jobs:
            raise ValueError(f"job {job_id!r} is already added")
        if seconds <= 0:
            raise ValueError(f"job {job_id!r} needs a positive interval")
        self._jobs[job_id] = Job(id=job_id, seconds=seconds, work=work)

    def job(self, job_id: str) -> Job:
        """The job called `job_id`."""
        return self._jobs[job_id]

    @property
    def job_ids(self) -> list[str]:
        """The ids of the jobs, in the order they were added."""
        return list(self._jobs)

    @property
    def running(self) -> bool:
        """Whether the jobs are started and not stopped."""
        return bool(self._tasks) and not self._stopping.is_set()

    def start(self) -> None:
        """Start every job on the running event loop; each first runs one interval from now."""
        if self._tasks:
            raise RuntimeError("the background jobs are already started")
        self._tasks = [
            asyncio.create_task(self._loop(job), name=f"job:{job.id}")
            for job in self._jobs.values()
        ]

    async def _loop(self, job: Job) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=job.seconds)
            if self._stopping.is_set():
                return
            await job.run_once()

    async def stop(self) -> None:
        """Stop scheduling, then wait (a little) for the work that is running to finish."""
        self._stopping.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
        for task in pending:
            log.warning("background job %s did not finish in time; cancelled", task.get_name())
            task.cancel()
        if pending:
            await asyncio.wait(pending)


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
