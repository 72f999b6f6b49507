"""The periodic sweep job: one session, one sweep, one commit."""

import logging
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from backend.timers.sweep import SweepReport, sweep_due
from storage.models import utcnow

log = logging.getLogger(__name__)


def run_sweep(
    *, session_factory: sessionmaker[Session], reminder_window: timedelta, console_url: str = ""
) -> SweepReport:
    """Sweep due tickets now and commit what fired (rolled back entirely on error)."""
    with session_factory() as session, session.begin():
        report = sweep_due(
            session=session, now=utcnow(), reminder_window=reminder_window, console_url=console_url
        )
    if report.fired:
        log.info("deadline sweep fired %d alert(s)", len(report.fired))
    return report
