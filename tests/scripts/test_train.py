"""`scripts/train.sh`: Rasa trains only when the model's inputs changed."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FAKE_RASA = """#!/usr/bin/env bash
echo "$@" >> "$(dirname "$0")/calls"
[ -n "${FAIL:-}" ] && exit 3
mkdir -p var/models && echo model > var/models/suban.tar.gz
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A minimal tree with the script, its inputs and a fake `rasa` that records its calls."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "train.sh", tmp_path / "scripts" / "train.sh")
    for name in ("nlu/data", "nlu/domain", "nlu/jieba", "nlu/components", "requirements"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "config.yml").write_text("language: zh\n")
    (tmp_path / "requirements/rasa.lock").write_text("rasa==3.6.21\n")
    (tmp_path / "nlu/data/nlu.yml").write_text("nlu: []\n")
    rasa = tmp_path / ".venv-rasa/bin/rasa"
    rasa.parent.mkdir(parents=True)
    rasa.write_text(FAKE_RASA)
    rasa.chmod(0o755)
    return tmp_path


def train(checkout: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(checkout / "scripts/train.sh"), "--config", "config.yml"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def rasa_calls(checkout: Path) -> list[str]:
    calls = checkout / ".venv-rasa/bin/calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_first_run_trains_then_unchanged_inputs_do_not(checkout: Path) -> None:
    assert train(checkout).returncode == 0
    assert rasa_calls(checkout) == [
        "train --config config.yml --out var/models --fixed-model-name suban"
    ]
    again = train(checkout)
    assert again.returncode == 0
    assert "up to date" in again.stdout
    assert len(rasa_calls(checkout)) == 1


@pytest.mark.parametrize(
    "changed", ["config.yml", "nlu/data/nlu.yml", "nlu/jieba/user.txt", "requirements/rasa.lock"]
)
def test_a_changed_input_trains_again(checkout: Path, changed: str) -> None:
    train(checkout)
    (checkout / changed).write_text("changed\n")
    assert train(checkout).returncode == 0
    assert len(rasa_calls(checkout)) == 2


def test_a_missing_model_trains_again(checkout: Path) -> None:
    train(checkout)
    (checkout / "var/models/suban.tar.gz").unlink()
    train(checkout)
    assert len(rasa_calls(checkout)) == 2


def test_a_failed_training_is_not_taken_for_up_to_date(checkout: Path) -> None:
    train(checkout)
    (checkout / "config.yml").write_text("language: en\n")
    assert train(checkout, FAIL="1").returncode == 3
    assert train(checkout).returncode == 0
    assert len(rasa_calls(checkout)) == 3


def test_a_retrained_production_model_leaves_the_admins_activation_and_says_so(
    checkout: Path,
) -> None:
    train(checkout)
    (checkout / "var/models/nlu-3.tar.gz").write_text("an admin's model\n")
    (checkout / "var/models/active.tar.gz").symlink_to("nlu-3.tar.gz")
    (checkout / "nlu/data/nlu.yml").write_text("nlu: [changed]\n")
    retrained = train(checkout)
    assert retrained.returncode == 0 and len(rasa_calls(checkout)) == 2
    assert (checkout / "var/models/active.tar.gz").resolve().name == "nlu-3.tar.gz"
    assert "keeps serving the model the admins activated (nlu-3.tar.gz)" in retrained.stdout


@pytest.mark.parametrize("link", [None, "suban.tar.gz"], ids=["no-activation", "rolled-back"])
def test_a_retrained_production_model_that_is_active_needs_no_note(
    checkout: Path, link: str | None
) -> None:
    train(checkout)
    if link is not None:
        (checkout / "var/models/active.tar.gz").symlink_to(link)
    (checkout / "nlu/data/nlu.yml").write_text("nlu: [changed]\n")
    retrained = train(checkout)
    assert retrained.returncode == 0 and "note" not in retrained.stdout
