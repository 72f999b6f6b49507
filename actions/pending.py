"""Reports not yet filed because the platform was unreachable (待提交), kept durably in SQLite.

A row is keyed by the ticket's Idempotency-Key, so saving the same report twice keeps one row
and filing it again after a lost answer returns the same ticket: each report lands once.
"""

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending_tickets (
    idempotency_key TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL,
    draft TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    rejected INTEGER NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class PendingTicket:
    """One report waiting to be filed."""

    idempotency_key: str
    sender_id: str
    draft: Dict[str, Any]
    attempts: int


class PendingStore:
    """The SQLite file of reports waiting to be filed; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10)
            try:
                if not self._ready:
                    connection.execute(_SCHEMA)
                    self._ready = True
                with connection:
                    yield connection
            finally:
                connection.close()

    def save(self, *, idempotency_key: str, sender_id: str, draft: Dict[str, Any]) -> None:
        """Keep a report to file later (a second save of the same key changes nothing)."""
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO pending_tickets"
                " (idempotency_key, sender_id, draft, created_at) VALUES (?, ?, ?, ?)",
                (idempotency_key, sender_id, json.dumps(draft, ensure_ascii=False), time.time()),
            )

    def due(self) -> List[PendingTicket]:
        """Reports still to be filed, oldest first (rejected ones are left for a person)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT idempotency_key, sender_id, draft, attempts FROM pending_tickets"
                " WHERE rejected = 0 ORDER BY created_at"
            ).fetchall()
        return [
            PendingTicket(
                idempotency_key=key, sender_id=sender, draft=json.loads(draft), attempts=attempts
            )
            for key, sender, draft, attempts in rows
        ]

    def filed(self, idempotency_key: str) -> None:
        """The report landed: forget it."""
        with self._connect() as db:
            db.execute("DELETE FROM pending_tickets WHERE idempotency_key = ?", (idempotency_key,))

    def failed(self, idempotency_key: str, *, error: str, rejected: bool = False) -> None:
        """Count a failed attempt; a rejected report (4xx) is not retried again."""
        with self._connect() as db:
            db.execute(
                "UPDATE pending_tickets SET attempts = attempts + 1, last_error = ?,"
                " rejected = ? WHERE idempotency_key = ?",
                (error[:500], 1 if rejected else 0, idempotency_key),
            )

    def count_due(self) -> int:
        """How many reports wait to be filed."""
        with self._connect() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM pending_tickets WHERE rejected = 0"
            ).fetchone()
        return int(count)
