"""Trainings (one at a time, failure leaves the active model), the comparison, the gate on
critical intents, activation and rollback."""

import dataclasses
import json
import shutil
import stat
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.nluloop.errors import ActivationBlocked, ActivationFailed, TrainingBusy
from backend.nluloop.models import (
    activate,
    active_model,
    comparison,
    ensure_bootstrap_model,
    list_models,
    production_model,
)
from backend.nluloop.runner import TrainingPlan, run_training
from backend.nluloop.training_data import NluPaths
from backend.nluloop.trainings import get_training, start_training
from storage.models import NluModel, NluTraining

HERE = Path(__file__).resolve().parent
HELD_OUT = [["燃气泄漏了", "gas"], ["我要人工", "request_human"], ["路灯坏了", "streetlight"]]


def fake_rasa_python(directory: Path) -> Path:
    """An executable standing in for the Rasa runtime's python (fake_rasa.py)."""
    directory.mkdir()
    fake = directory / "python"
    fake.write_text(f"#!{sys.executable}\n" + (HERE / "fake_rasa.py").read_text())
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (directory / "heldout.json").write_text(json.dumps(HELD_OUT, ensure_ascii=False))
    (directory / "wrong.json").write_text("{}")
    return fake


@pytest.fixture
def plan(tmp_path: Path, nlu_copy: NluPaths) -> TrainingPlan:
    """The fake Rasa runtime, a config, a models directory holding the bootstrap model."""
    fake = fake_rasa_python(tmp_path / "rasa-env")
    models = tmp_path / "models"
    models.mkdir()
    (models / "suban.tar.gz").write_bytes(b"first model")
    config = tmp_path / "config.yml"
    shutil.copy(HERE.parents[2] / "config.yml", config)
    return TrainingPlan(
        repo_root=nlu_copy.root.parent,
        rasa_python=fake,
        config=config,
        nlu=nlu_copy,
        models_dir=models,
        scripts_dir=tmp_path,
    )


def wrong_for(plan: TrainingPlan, mapping: dict[str, list[str]]) -> None:
    (plan.rasa_python.parent / "wrong.json").write_text(json.dumps(mapping))


def train(factory: sessionmaker[Session], plan: TrainingPlan, by: str = "admin") -> NluTraining:
    with factory.begin() as session:
        training_id = start_training(session=session, requested_by=by).id
    run_training(session_factory=factory, training_id=training_id, plan=plan, by=by)
    with factory() as session:
        training = get_training(session=session, training_id=training_id)
        session.expunge(training)
        return training


class FakeRasa:
    """Records what Rasa was told to load; may refuse."""

    def __init__(self, *, fails: bool = False) -> None:
        self.loaded: list[str] = []
        self.fails = fails

    async def __call__(self, path: Path) -> None:
        if self.fails:
            raise ActivationFailed("Rasa did not load the model")
        self.loaded.append(path.name)


def test_only_one_training_at_a_time(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        first = start_training(session=session, requested_by="a").id
    with session_factory.begin() as session, pytest.raises(TrainingBusy) as busy:
        start_training(session=session, requested_by="b")
    assert busy.value.details["training_id"] == first


def test_a_training_makes_a_scored_model_and_scores_the_active_one(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    wrong_for(plan, {"suban.tar.gz": ["streetlight"]})
    training = train(session_factory, plan)
    assert (training.state, training.progress) == ("succeeded", 1.0)
    assert "Finished training component" in training.log_tail
    with session_factory() as session:
        [new, first] = list_models(session=session)
        assert (new.id, new.file_name) == (training.model_id, "nlu-1.tar.gz")
        assert new.trained_by == "admin"
        assert new.metrics["per_intent"]["streetlight"] == 1.0
        assert first.active and first.metrics["per_intent"]["streetlight"] == 0.0
        assert len(new.data_hash or "") == 64
        result = comparison(session=session, model_id=new.id)
    assert result["per_intent"]["streetlight"] == 1.0
    assert [c["text"] for c in result["better"]] == ["路灯坏了"] and result["worse"] == []
    assert result["gate"] == "open"
    # a second training may start once the first is over
    assert train(session_factory, plan).state == "succeeded"


def test_a_failed_training_leaves_the_active_model_and_frees_the_slot(
    session_factory: sessionmaker[Session], plan: TrainingPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_FAIL", "1")
    training = train(session_factory, plan)
    assert (training.state, training.model_id) == ("failed", None)
    assert "InvalidConfigException" in training.log_tail
    assert not (plan.models_dir / "nlu-1.tar.gz").exists()
    with session_factory() as session:
        assert [m.file_name for m in list_models(session=session)] == []
    with session_factory.begin() as session:
        assert start_training(session=session, requested_by="a").state == "queued"


async def test_the_gate_blocks_a_worse_critical_intent_unless_a_reason_is_given(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    wrong_for(plan, {"nlu-1.tar.gz": ["gas"]})
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    rasa = FakeRasa()
    with session_factory() as session:
        result = comparison(session=session, model_id=model_id)
        assert (result["gate"], result["critical_worse"]) == ("blocked", {"gas": -1.0})
        assert [c["text"] for c in result["worse"]] == ["燃气泄漏了"]
        with pytest.raises(ActivationBlocked):
            await activate(session=session, model_id=model_id, staff_id="boss", reason=" ",
                           models_dir=plan.models_dir, load=rasa)  # fmt: skip
        assert rasa.loaded == [] and active_model(session=session).file_name == "suban.tar.gz"
        model = await activate(session=session, model_id=model_id, staff_id="boss",
                               reason="gas examples fixed next", models_dir=plan.models_dir,
                               load=rasa)  # fmt: skip
        assert (model.active, model.override_reason, model.activated_by) == (
            True, "gas examples fixed next", "boss",
        )  # fmt: skip
        assert rasa.loaded == ["nlu-1.tar.gz"]


def active_link(plan: TrainingPlan) -> str | None:
    """The file Rasa's next start serves (nlu/serve.py --active-model), None without the link."""
    link = plan.models_dir / "active.tar.gz"
    return link.resolve().name if link.is_symlink() else None


async def test_rollback_activates_the_previous_model_again(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    rasa = FakeRasa()
    with session_factory.begin() as session:
        first = active_model(session=session)
        assert first is not None and first.file_name == "suban.tar.gz"
        first_id = first.id
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=rasa)  # fmt: skip
        assert active_model(session=session).id == model_id
        assert active_link(plan) is None  # not before the activation commits
    assert active_link(plan) == "nlu-1.tar.gz"
    with session_factory.begin() as session:
        await activate(session=session, model_id=first_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=rasa)  # fmt: skip
        assert active_model(session=session).id == first_id
        assert [m.active for m in list_models(session=session)] == [False, True]
    assert rasa.loaded == ["nlu-1.tar.gz", "suban.tar.gz"]
    assert active_link(plan) == "suban.tar.gz"


async def test_an_activation_rolled_back_leaves_the_link_to_the_model_before(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    with session_factory() as session:
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=FakeRasa())  # fmt: skip
        session.rollback()  # e.g. the request's commit failed
        session.execute(select(NluModel.id))  # the session goes on and commits other work
        session.commit()
    assert active_link(plan) is None
    with session_factory() as session:
        assert active_model(session=session).file_name == "suban.tar.gz"


async def test_activating_the_active_model_again_writes_its_link_without_loading(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    rasa = FakeRasa()
    with session_factory.begin() as session:
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=rasa)  # fmt: skip
    (plan.models_dir / "active.tar.gz").unlink()  # lost, say, between the commit and the write
    with session_factory.begin() as session:
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=rasa)  # fmt: skip
    assert rasa.loaded == ["nlu-1.tar.gz"]
    assert active_link(plan) == "nlu-1.tar.gz"


async def test_a_model_rasa_does_not_load_leaves_the_active_one(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    with session_factory() as session:
        with pytest.raises(ActivationFailed):
            await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                           models_dir=plan.models_dir, load=FakeRasa(fails=True))  # fmt: skip
        assert active_model(session=session).file_name == "suban.tar.gz"


def process_gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its parent counts: it runs no more), given
    a moment: a killed process closes its files (the end of the output the runner waits for)
    a little before it is done exiting."""
    for _ in range(300):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("step", ["train", "predict"])
async def test_a_training_over_its_time_limit_is_killed_and_fails_leaving_the_active_model(
    session_factory: sessionmaker[Session],
    plan: TrainingPlan,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    with session_factory.begin() as session:
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=FakeRasa())  # fmt: skip
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_RASA_HANG", step)
    monkeypatch.setenv("FAKE_RASA_PIDS", str(pids))
    # ends only once rasa train (or the evaluation) and its child are killed: they never exit
    # on their own (a generous guard keeps a broken kill from hanging the suite)
    done: list[NluTraining] = []
    limited = dataclasses.replace(plan, time_limit_seconds=2)
    runner = threading.Thread(target=lambda: done.append(train(session_factory, limited)))
    runner.start()
    runner.join(timeout=120)
    assert done, "the training was not stopped at its time limit"
    [hung] = done
    assert (hung.state, hung.model_id, hung.open_slot) == ("failed", None, None)
    assert "the time limit (NLU_TRAINING_TIMEOUT_SECONDS)" in hung.log_tail
    # (a fake stopped before it started its child has written its own id only, or none)
    written = pids.read_text().split() if pids.exists() else []
    assert all(process_gone(int(pid)) for pid in written)
    assert sorted(p.name for p in plan.models_dir.glob("nlu-2*")) == []
    with session_factory() as session:
        assert active_model(session=session).id == model_id
        assert [m.id for m in list_models(session=session)] == [model_id, 1]
    assert active_link(plan) == "nlu-1.tar.gz"


async def test_make_train_rebuilding_the_production_model_leaves_the_admins_model_active(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    (plan.models_dir / "suban.inputs.sha256").write_text("old-inputs\n")
    wrong_for(plan, {"suban.tar.gz": ["streetlight"]})
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    with session_factory.begin() as session:
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=FakeRasa())  # fmt: skip
    # `make train` on changed data: a new production file and stamp
    (plan.models_dir / "suban.tar.gz").write_bytes(b"rebuilt")
    (plan.models_dir / "suban.inputs.sha256").write_text("new-inputs\n")
    with session_factory.begin() as session:
        assert ensure_bootstrap_model(session=session, models_dir=plan.models_dir).id == model_id
        production = production_model(session=session)
        assert (production.data_hash, production.metrics) == ("new-inputs", {})
    wrong_for(plan, {"suban.tar.gz": ["gas"]})
    assert train(session_factory, plan).state == "succeeded"  # scores the rebuilt one
    with session_factory() as session:
        production = production_model(session=session)
        assert production.metrics["per_intent"]["streetlight"] == 1.0
        assert production.metrics["per_intent"]["gas"] == 0.0
        assert active_model(session=session).id == model_id
    assert active_link(plan) == "nlu-1.tar.gz"
