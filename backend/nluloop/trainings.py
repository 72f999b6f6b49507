"""Trainings in the database: one at a time (decided by `open_slot`), their state and progress.

The work itself (Rasa in its own runtime) is in runner.py; this module only moves the row.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.nluloop.errors import LoopNotFound, TrainingBusy
from storage.models import NluTraining, utcnow

LOG_TAIL_CHARS = 4000
OPEN_STATES = ("queued", "running")


def start_training(*, session: Session, requested_by: str) -> NluTraining:
    """A new queued training; TrainingBusy when one is queued or running (the unique
    `open_slot` decides between two admins asking at once)."""
    training = NluTraining(state="queued", requested_by=requested_by, open_slot=1)
    try:
        with session.begin_nested():
            session.add(training)
            session.flush()
    except IntegrityError:
        busy = session.scalar(select(NluTraining.id).where(NluTraining.open_slot == 1))
        raise TrainingBusy(f"training {busy} is still going", training_id=busy) from None
    return training


def get_training(*, session: Session, training_id: int) -> NluTraining:
    """The training; LoopNotFound when there is none with this id."""
    training = session.get(NluTraining, training_id)
    if training is None:
        raise LoopNotFound(f"no training {training_id}")
    return training


def latest_training(*, session: Session) -> NluTraining | None:
    """The newest training, if any."""
    return session.scalar(select(NluTraining).order_by(NluTraining.id.desc()).limit(1))


def report_progress(*, session: Session, training_id: int, progress: float, log_tail: str) -> None:
    """Running, this far along, with this end of the log."""
    session.execute(
        update(NluTraining)
        .where(NluTraining.id == training_id)
        .values(state="running", progress=min(max(progress, 0.0), 1.0), log_tail=tail(log_tail))
    )


def finish_training(
    *,
    session: Session,
    training_id: int,
    model_id: int | None,
    log_tail: str,
    now: datetime | None = None,
) -> None:
    """Succeeded with its model, or failed (no model): the slot is free again either way."""
    values = {
        "state": "succeeded" if model_id is not None else "failed",
        "model_id": model_id,
        "log_tail": tail(log_tail),
        "open_slot": None,
        "finished_at": now or utcnow(),
    }
    if model_id is not None:
        values["progress"] = 1.0
    session.execute(update(NluTraining).where(NluTraining.id == training_id).values(**values))


def fail_abandoned(*, session: Session) -> int:
    """Trainings left open by a platform that stopped mid-way failed: the slot is freed."""
    result = session.execute(
        update(NluTraining)
        .where(NluTraining.open_slot == 1)
        .values(state="failed", open_slot=None, finished_at=utcnow())
    )
    return result.rowcount or 0


def tail(text: str) -> str:
    """The last characters of a log."""
    return text[-LOG_TAIL_CHARS:]
