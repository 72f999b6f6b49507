"""Trainings (one at a time, failure leaves the active model), the comparison, the gate on
critical intents, activation and rollback."""

import json
import shutil
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from backend.nluloop.errors import ActivationBlocked, ActivationFailed, TrainingBusy
from backend.nluloop.models import activate, active_model, comparison, list_models
from backend.nluloop.runner import TrainingPlan, run_training
from backend.nluloop.training_data import NluPaths
from backend.nluloop.trainings import get_training, start_training
from storage.models import NluTraining

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


async def test_rollback_activates_the_previous_model_again(
    session_factory: sessionmaker[Session], plan: TrainingPlan
) -> None:
    model_id = train(session_factory, plan).model_id
    assert model_id is not None
    rasa = FakeRasa()
    with session_factory() as session:
        first = active_model(session=session)
        assert first is not None and first.file_name == "suban.tar.gz"
        await activate(session=session, model_id=model_id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=rasa)  # fmt: skip
        assert active_model(session=session).id == model_id
        assert (plan.models_dir / "active.tar.gz").resolve().name == "nlu-1.tar.gz"
        await activate(session=session, model_id=first.id, staff_id="boss", reason=None,
                       models_dir=plan.models_dir, load=rasa)  # fmt: skip
        assert active_model(session=session).id == first.id
        assert [m.active for m in list_models(session=session)] == [False, True]
    assert rasa.loaded == ["nlu-1.tar.gz", "suban.tar.gz"]


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
