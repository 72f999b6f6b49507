"""Trained models: the registry (who, when, on which data, metrics), the comparison with the
active model, the gate on critical intents, and activation (also how rollback is done).

The database's active row is the one record of which model the admins chose. Rasa's launcher
(nlu/serve.py, another runtime that cannot read the database) starts with the file the link
`MODELS_DIR/active.tar.gz` names; the link is written from the row, atomically, once the
activation has committed, so a restart serves the model the admins activated."""

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from backend.nluloop.config import loop_config
from backend.nluloop.errors import ActivationBlocked, ActivationFailed, LoopNotFound
from backend.nluloop.evaluation import compare, critical_worse
from storage.models import NluModel, utcnow

# the model `make train` builds and `make run` serves first (scripts/train.sh)
BOOTSTRAP_MODEL = "suban.tar.gz"
BOOTSTRAP_STAMP = "suban.inputs.sha256"
# the link Rasa's launcher starts with when it names a file (nlu/serve.py --active-model)
ACTIVE_LINK = "active.tar.gz"
# session.info key: the link to write once the session's activation commits
_PENDING_LINK = "nluloop.active_link"

log = logging.getLogger(__name__)

LoadModel = Callable[[Path], Awaitable[None]]


def list_models(*, session: Session) -> list[NluModel]:
    """Every model, newest first."""
    return list(session.scalars(select(NluModel).order_by(NluModel.id.desc())))


def get_model(*, session: Session, model_id: int) -> NluModel:
    """The model; LoopNotFound when there is none with this id."""
    model = session.get(NluModel, model_id)
    if model is None:
        raise LoopNotFound(f"no model {model_id}")
    return model


def active_model(*, session: Session) -> NluModel | None:
    """The model Rasa answers with (as the platform last made it load)."""
    return session.scalar(select(NluModel).where(NluModel.active_slot == 1))


def model_id_for_file(*, session: Session, model_file: str | None) -> int | None:
    """The registered model Rasa reports it has loaded (its `/status` model_file)."""
    if not model_file:
        return None
    name = Path(model_file).name
    if name == ACTIVE_LINK:  # Rasa started on the link itself: the active model
        model = active_model(session=session)
        return model.id if model is not None else None
    return session.scalar(select(NluModel.id).where(NluModel.file_name == name))


def register_model(
    *,
    session: Session,
    file_name: str,
    trained_by: str,
    data_hash: str | None,
    git_commit: str | None,
    metrics: dict[str, Any],
    active: bool = False,
) -> NluModel:
    """Keep a model file with who trained it, on which data, and its scores."""
    model = NluModel(
        file_name=file_name,
        trained_by=trained_by,
        data_hash=data_hash,
        git_commit=git_commit,
        metrics=metrics,
        active_slot=1 if active else None,
        activated_at=utcnow() if active else None,
    )
    session.add(model)
    session.flush()
    return model


def production_model(*, session: Session) -> NluModel | None:
    """The registered model `make train` builds (var/models/suban.tar.gz)."""
    return session.scalar(select(NluModel).where(NluModel.file_name == BOOTSTRAP_MODEL))


def ensure_bootstrap_model(*, session: Session, models_dir: Path) -> NluModel | None:
    """With no model registered yet, the one `make train` built is registered as active.
    When `make train` has rebuilt it since (its inputs' hash changed), its row says so and
    its scores are dropped: they were the old file's (the next training scores it again)."""
    stamp = models_dir / BOOTSTRAP_STAMP
    data_hash = stamp.read_text().strip() or None if stamp.exists() else None
    production = production_model(session=session)
    if production is not None and data_hash is not None and production.data_hash != data_hash:
        production.data_hash = data_hash
        production.git_commit = None
        production.metrics = {}
        production.created_at = utcnow()
        session.flush()
    if session.scalar(select(NluModel.id).limit(1)) is not None:
        return active_model(session=session)
    path = models_dir / BOOTSTRAP_MODEL
    if not path.exists():
        return None
    return register_model(
        session=session,
        file_name=BOOTSTRAP_MODEL,
        trained_by="make train",
        data_hash=data_hash,
        git_commit=None,
        metrics={},
        active=True,
    )


def comparison(*, session: Session, model_id: int) -> dict[str, Any]:
    """The model against the active one on the held-out split, and what the gate says."""
    model = get_model(session=session, model_id=model_id)
    current = active_model(session=session)
    against = current.metrics if current is not None else {}
    result = compare(new=model.metrics, old=against)
    config = loop_config()
    worse = critical_worse(
        deltas=result["per_intent"],
        critical=config.critical_intents,
        tolerance=config.critical_tolerance,
    )
    return {
        "model_id": model.id,
        "active_model_id": current.id if current is not None else None,
        **result,
        "critical_intents": list(config.critical_intents),
        "critical_worse": worse,
        "gate": "blocked" if worse else "open",
    }


async def activate(
    *,
    session: Session,
    model_id: int,
    staff_id: str,
    reason: str | None,
    models_dir: Path,
    load: LoadModel,
) -> NluModel:
    """Make Rasa answer with this model (an older one: rollback). Blocked when a critical intent
    gets worse unless a reason is given; a model Rasa does not load leaves the active one."""
    model = get_model(session=session, model_id=model_id)
    if model.active:  # nothing to load; the link is written again (repairs a lost write)
        write_active_link_on_commit(session=session, models_dir=models_dir, model=model)
        return model
    worse = comparison(session=session, model_id=model_id)["critical_worse"]
    reason = (reason or "").strip() or None
    if worse and reason is None:
        raise ActivationBlocked(worse)
    path = (models_dir / model.file_name).resolve()
    if not path.is_file():
        raise ActivationFailed(f"the model file {model.file_name} is missing")
    await load(path)
    session.execute(update(NluModel).where(NluModel.active_slot == 1).values(active_slot=None))
    session.flush()
    model.active_slot = 1
    model.activated_at = utcnow()
    model.activated_by = staff_id
    model.override_reason = reason if worse else None
    session.flush()
    write_active_link_on_commit(session=session, models_dir=models_dir, model=model)
    return model


def write_active_link_on_commit(*, session: Session, models_dir: Path, model: NluModel) -> None:
    """Point `MODELS_DIR/active.tar.gz` at the model once `session` commits (not before: a
    rolled-back activation must not be what Rasa's next start serves)."""
    session.info[_PENDING_LINK] = (models_dir, model.file_name)


def point_active_link(*, models_dir: Path, file_name: str) -> None:
    """`MODELS_DIR/active.tar.gz` → `file_name` (relative, in the same directory), replaced in
    one rename so Rasa's launcher never sees a half-written link."""
    link = models_dir / ACTIVE_LINK
    temporary = models_dir / f"{ACTIVE_LINK}.tmp"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(file_name)
    temporary.replace(link)


@event.listens_for(Session, "after_commit")
def _write_committed_link(session: Session) -> None:
    pending = session.info.pop(_PENDING_LINK, None)
    if pending is None:
        return
    models_dir, file_name = pending
    try:
        point_active_link(models_dir=models_dir, file_name=file_name)
    except OSError:  # the activation stands (Rasa serves it); only the next start would not
        log.exception("could not point %s at %s: activate the model again", ACTIVE_LINK, file_name)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back_link(session: Session) -> None:
    session.info.pop(_PENDING_LINK, None)
