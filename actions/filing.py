"""Filing a report as a ticket exactly once, even when the platform is down for a while.

`file_report` tries at once; when the platform is unreachable the report is kept in the
pending store and a background thread (started lazily) retries it until it lands. Every
action that talks to the platform also calls `retry_pending`, so a report lands on the next
conversation turn at the latest once the platform is back. The ticket's Idempotency-Key
makes a retry after a lost answer return the same ticket.
"""

import asyncio
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional

from actions import backend_client
from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable, Ticket
from actions.config import get_settings
from actions.pending import PendingStore

log = logging.getLogger(__name__)

_flush_lock = threading.Lock()


@dataclass(frozen=True)
class FilingResult:
    """What became of a report: filed (with its ticket) or saved to be filed later."""

    ticket: Optional[Ticket] = None
    saved_for_later: bool = False


@lru_cache
def get_pending_store() -> PendingStore:
    """The pending store at the configured path, opened on first use."""
    return PendingStore(get_settings().pending_db_path)


async def file_report(
    *,
    client: BackendClient,
    store: PendingStore,
    draft: Dict[str, Any],
    idempotency_key: str,
    sender_id: str,
) -> FilingResult:
    """File the report now, or keep it to be filed when the platform is back.

    A 4xx answer (BackendRejected) is raised: retrying the same request will not help.
    Filed now, the citizen is told number, department and time limit by the caller's answer,
    so the platform does not push the dispatch again (`caller_announces`); a report filed
    later is announced by the platform's notice.
    """
    try:
        ticket = await client.create_ticket(
            draft={**draft, "caller_announces": True}, idempotency_key=idempotency_key
        )
    except BackendUnavailable as exc:
        log.warning("platform unreachable, keeping report %s for later: %s", idempotency_key, exc)
        store.save(idempotency_key=idempotency_key, sender_id=sender_id, draft=draft)
        return FilingResult(saved_for_later=True)
    # A report saved earlier under the same key (e.g. a double tap) is now filed too.
    store.filed(idempotency_key)
    return FilingResult(ticket=ticket)


async def retry_pending(*, client: BackendClient, store: PendingStore) -> List[Ticket]:
    """Try every waiting report once; return the tickets that landed.

    Only one caller flushes at a time (the others return at once): a report is never posted
    twice concurrently by this process, and the Idempotency-Key covers other processes.
    """
    if not _flush_lock.acquire(blocking=False):
        return []
    landed: List[Ticket] = []
    try:
        for pending in store.due():
            try:
                ticket = await client.create_ticket(
                    draft=pending.draft, idempotency_key=pending.idempotency_key
                )
            except BackendUnavailable as exc:
                store.failed(pending.idempotency_key, error=str(exc))
                break  # the platform is still down: try the rest next time
            except BackendRejected as exc:
                log.error("platform rejected pending report %s: %s", pending.idempotency_key, exc)
                store.failed(pending.idempotency_key, error=str(exc), rejected=True)
                continue
            store.filed(pending.idempotency_key)
            log.info("pending report %s filed as %s", pending.idempotency_key, ticket)
            landed.append(ticket)
    finally:
        _flush_lock.release()
    return landed


class RetryWorker:
    """A daemon thread that retries waiting reports every `interval` seconds until none is left."""

    def __init__(self, *, store: PendingStore, interval: float) -> None:
        self._store = store
        self._interval = interval
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        """Start the thread unless it runs already."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="suban-pending-retry", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (tests and shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def join(self, timeout: float) -> None:
        """Wait until the thread has filed everything and stopped (or `timeout` passed)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                asyncio.run(self._flush_once())
                if self._store.count_due() == 0:
                    return
            except Exception:
                log.exception("retrying pending reports failed; will try again")

    async def _flush_once(self) -> None:
        # Its own client: the thread runs its own event loop.
        client = backend_client.build_backend_client(get_settings())
        try:
            await retry_pending(client=client, store=self._store)
        finally:
            await client.aclose()


@lru_cache
def get_retry_worker() -> RetryWorker:
    """The process's retry thread (not started until a report waits)."""
    return RetryWorker(store=get_pending_store(), interval=get_settings().retry_interval_seconds)


async def catch_up_pending() -> None:
    """On any action call: retry waiting reports now and keep the retry thread running."""
    store = get_pending_store()
    try:
        if store.count_due() == 0:
            return
        await retry_pending(client=backend_client.get_backend(), store=store)
        if store.count_due():
            get_retry_worker().ensure_running()
    except Exception:
        log.exception("catching up on pending reports failed")
