"""Trained models: the registry (who, when, on which data, metrics), the comparison with the
active model, the gate on critical intents, and activation (also how rollback is done)."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.nluloop.config import loop_config
from backend.nluloop.errors import ActivationBlocked, ActivationFailed, LoopNotFound
from backend.nluloop.evaluation import compare, critical_worse
from storage.models import NluModel, utcnow

# the model `make train` builds and `make run` serves first (scripts/train.sh)
BOOTSTRAP_MODEL = "suban.tar.gz"
BOOTSTRAP_STAMP = "suban.inputs.sha256"

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
    if name == "active.tar.gz":  # Rasa started on the link: the active model
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


def ensure_bootstrap_model(*, session: Session, models_dir: Path) -> NluModel | None:
    """With no model registered yet, the one `make train` built is registered as active."""
    if session.scalar(select(NluModel.id).limit(1)) is not None:
        return active_model(session=session)
    path = models_dir / BOOTSTRAP_MODEL
    if not path.exists():
        return None
    stamp = models_dir / BOOTSTRAP_STAMP
    data_hash = stamp.read_text().strip() if stamp.exists() else None
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
    if model.active:
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
    _point_active_link(models_dir=models_dir, file_name=model.file_name)
    return model


def _point_active_link(*, models_dir: Path, file_name: str) -> None:
    """`var/models/active.tar.gz` names the active model, for the next start of Rasa."""
    link = models_dir / "active.tar.gz"
    temporary = models_dir / "active.tar.gz.tmp"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(file_name)
    temporary.replace(link)
