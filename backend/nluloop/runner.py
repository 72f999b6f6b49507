"""Run one training in the Rasa runtime: `rasa train` as a subprocess into the models
directory, progress read from its log, then the held-out evaluation of the new model (and of
the active and the production model when they have no scores yet), then the model is
registered. Any failure marks the training failed and leaves the active model alone (activation
is a separate, explicit step); so does the time limit (`NLU_TRAINING_TIMEOUT_SECONDS`) and the
platform stopping: the training's processes are killed (processes.py)."""

import hashlib
import logging
import os
import re
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session, sessionmaker

from backend.nluloop.evaluation import read_parses, score
from backend.nluloop.models import (
    active_model,
    ensure_bootstrap_model,
    production_model,
    register_model,
)
from backend.nluloop.processes import TIME_LIMIT, Stopped, run_streaming
from backend.nluloop.training_data import NluPaths
from backend.nluloop.trainings import finish_training, report_progress
from storage.models import NluModel

log = logging.getLogger(__name__)

STARTED = re.compile(r"Starting to train component '(\w+)'")
FINISHED = re.compile(r"Finished training component '(\w+)'")
EPOCHS = re.compile(r"Epochs:\s+(\d+)%")
# Rasa's telemetry and error reports would go to the internet: off
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false"}
LOG_LINES = 60
REPORT_EVERY_SECONDS = 2.0
# share of the progress bar for training; the held-out evaluation takes the rest
TRAIN_SHARE = 0.85
# the inputs scripts/train.sh hashes, for "trained on which data"
HASHED_INPUTS = ("config.yml", "requirements/rasa.lock", "nlu/data", "nlu/domain", "nlu/jieba")


@dataclass(frozen=True)
class TrainingPlan:
    """What to run, where: the repository, the Rasa runtime, the config and the data."""

    repo_root: Path
    rasa_python: Path
    config: Path
    nlu: NluPaths
    models_dir: Path
    scripts_dir: Path  # where scripts/nlu_predict.py is
    time_limit_seconds: float = 3600.0  # the whole training: rasa train and the evaluations

    def train_argv(self, name: str) -> list[str]:
        return [
            str(self.rasa_python), "-m", "rasa", "train",
            "--config", str(self.config),
            "--domain", str(self.nlu.domain),
            "--data", str(self.nlu.root / "data"),
            "--out", str(self.models_dir),
            "--fixed-model-name", name,
        ]  # fmt: skip

    def predict_argv(self, model: Path, out: Path) -> list[str]:
        script = self.scripts_dir / "nlu_predict.py"
        return [
            str(self.rasa_python), str(script),
            "--model", str(model), "--data", str(self.nlu.held_out), "--out", str(out),
        ]  # fmt: skip

    def components(self) -> int:
        """How many components `rasa train` will report (pipeline and policies)."""
        config: dict[str, Any] = yaml.safe_load(self.config.read_text(encoding="utf-8")) or {}
        return len(config.get("pipeline") or []) + len(config.get("policies") or [])


class Progress:
    """Progress read from Rasa's training log: finished components, and the epoch bar of the
    component under way."""

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.finished = 0
        self.epochs = 0.0

    def read(self, line: str) -> None:
        if FINISHED.search(line):
            self.finished += 1
            self.epochs = 0.0
        elif STARTED.search(line):
            self.epochs = 0.0
        elif match := EPOCHS.search(line):
            self.epochs = int(match.group(1)) / 100

    @property
    def share(self) -> float:
        done = min(self.finished + self.epochs, self.total - 0.01)
        return TRAIN_SHARE * done / self.total


def data_hash(repo_root: Path) -> str:
    """SHA-256 over the training inputs (the files scripts/train.sh hashes)."""
    digest = hashlib.sha256()
    for name in HASHED_INPUTS:
        base = repo_root / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(repo_root)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def git_commit(repo_root: Path) -> str | None:
    """The repository's commit, when it is a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo_root, capture_output=True, text=True, timeout=10
        )
    except OSError:
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def start_in_background(
    *, session_factory: sessionmaker[Session], training_id: int, plan: TrainingPlan, by: str
) -> threading.Thread:
    """Run the training in a thread of its own (the subprocess does the heavy work)."""
    thread = threading.Thread(
        target=run_training,
        kwargs={"session_factory": session_factory, "training_id": training_id, "plan": plan,
                "by": by},
        name=f"nlu-training-{training_id}",
        daemon=True,
    )  # fmt: skip
    thread.start()
    return thread


def run_training(
    *, session_factory: sessionmaker[Session], training_id: int, plan: TrainingPlan, by: str
) -> None:
    """Train, evaluate, register; the training row says how it went."""
    lines: deque[str] = deque(maxlen=LOG_LINES)
    model_id = None
    deadline = time.monotonic() + plan.time_limit_seconds
    try:
        model_id = _train_and_register(
            session_factory=session_factory,
            training_id=training_id,
            plan=plan,
            by=by,
            lines=lines,
            deadline=deadline,
        )
    except Stopped as stopped:
        why = (f"stopped after {plan.time_limit_seconds:g} s, the time limit "
               "(NLU_TRAINING_TIMEOUT_SECONDS)" if stopped.reason == TIME_LIMIT
               else "stopped: the platform stopped")  # fmt: skip
        lines.append(f"training failed: {why}; its processes were killed")
        log.warning("training %s %s", training_id, lines[-1].removeprefix("training "))
    except Exception as error:  # the row must say failed whatever went wrong
        log.exception("training %s failed", training_id)
        lines.append(f"training failed: {error.__class__.__name__}: {error}")
    if model_id is None:  # nothing half-made stays behind
        for leftover in plan.models_dir.glob(f"nlu-{training_id}.tar.gz*"):
            leftover.unlink(missing_ok=True)
    with session_factory.begin() as session:
        finish_training(
            session=session, training_id=training_id, model_id=model_id, log_tail="\n".join(lines)
        )


def _train_and_register(
    *,
    session_factory: sessionmaker[Session],
    training_id: int,
    plan: TrainingPlan,
    by: str,
    lines: deque[str],
    deadline: float,
) -> int | None:
    name = f"nlu-{training_id}"
    model_file = plan.models_dir / f"{name}.tar.gz"
    plan.models_dir.mkdir(parents=True, exist_ok=True)
    progress = Progress(plan.components())

    def report(share: float) -> None:
        with session_factory.begin() as session:
            report_progress(
                session=session, training_id=training_id, progress=share, log_tail="\n".join(lines)
            )

    report(0.0)
    returncode = _stream(plan.train_argv(name), cwd=plan.repo_root, lines=lines, deadline=deadline,
                         on_line=progress.read, report=lambda: report(progress.share))  # fmt: skip
    if returncode != 0 or not model_file.is_file():
        lines.append(f"rasa train exited with {returncode}; no model was made")
        return None
    report(TRAIN_SHARE)
    lines.append("evaluating the new model on the held-out split")
    metrics = _evaluate(plan=plan, model=model_file, lines=lines, deadline=deadline)
    _score_unscored(session_factory=session_factory, plan=plan, lines=lines, deadline=deadline,
                    report=report)  # fmt: skip
    with session_factory.begin() as session:
        model = register_model(
            session=session,
            file_name=model_file.name,
            trained_by=by,
            data_hash=data_hash(plan.repo_root),
            git_commit=git_commit(plan.repo_root),
            metrics=metrics,
        )
        lines.append(f"model {model.id} registered: intent macro F1 {metrics['intent_macro_f1']}")
        return model.id


def _score_unscored(
    *,
    session_factory: sessionmaker[Session],
    plan: TrainingPlan,
    lines: deque[str],
    deadline: float,
    report: Callable[[float], None],
) -> None:
    """Score the active model and the production one when they have no scores yet (the first
    training, or `make train` rebuilt the production model): the comparison needs them."""
    with session_factory.begin() as session:
        ensure_bootstrap_model(session=session, models_dir=plan.models_dir)
        wanted = {
            model.id: model.file_name
            for model in (active_model(session=session), production_model(session=session))
            if model is not None and not model.metrics
        }
    for model_id, file_name in wanted.items():
        path = plan.models_dir / file_name
        if not path.is_file():
            continue
        report(TRAIN_SHARE + (1 - TRAIN_SHARE) / 2)
        lines.append(f"evaluating model {model_id} ({file_name}) on the held-out split")
        scores = _evaluate(plan=plan, model=path, lines=lines, deadline=deadline)
        with session_factory.begin() as session:
            model = session.get(NluModel, model_id)
            if model is not None and not model.metrics:
                model.metrics = scores


def _evaluate(
    *, plan: TrainingPlan, model: Path, lines: deque[str], deadline: float
) -> dict[str, Any]:
    out = plan.models_dir / f"{model.name}.heldout.jsonl"
    argv = plan.predict_argv(model, out)
    returncode = _stream(argv, cwd=plan.repo_root, lines=lines, deadline=deadline)
    if returncode != 0 or not out.is_file():
        raise RuntimeError(f"the held-out evaluation of {model.name} exited with {returncode}")
    return score(read_parses(out))


def _stream(
    argv: list[str],
    *,
    cwd: Path,
    lines: deque[str],
    deadline: float,
    on_line: Callable[[str], None] | None = None,
    report: Callable[[], None] | None = None,
) -> int:
    """Run a command, keeping the end of its output; calls back on each line and now and then.
    Stopped (processes.py) when the deadline passes or the platform stops."""
    lines.append("$ " + " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv)))
    last = 0.0

    def read(raw: str) -> None:
        nonlocal last
        # tqdm redraws with carriage returns: keep the newest state of the line
        line = raw.rstrip("\n").split("\r")[-1].strip()
        if not line:
            return
        if lines and line.startswith("Epochs:") and lines[-1].startswith("Epochs:"):
            lines.pop()  # one line for the epoch bar, not one per redraw
        lines.append(line[:300])
        if on_line is not None:
            on_line(line)
        if report is not None and time.monotonic() - last >= REPORT_EVERY_SECONDS:
            report()
            last = time.monotonic()

    return run_streaming(
        argv, cwd=cwd, env={**os.environ, **RASA_ENV}, deadline=deadline, on_line=read
    )
