"""`python -m suban nlu …`: the loop for scripts."""

import argparse
import json
from pathlib import Path

import pytest

from backend.settings import Settings
from suban.nlu_command import add_parser, run
from tests.backend.nluloop.conftest import copy_nlu


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["nlu", *argv])


def test_example_models_and_compare_from_the_command_line(
    app_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nlu = copy_nlu(tmp_path)
    models = tmp_path / "models"
    models.mkdir()
    (models / "suban.tar.gz").write_bytes(b"model")
    settings = app_settings.model_copy(update={"nlu_dir": nlu, "models_dir": models})
    text = "宝安区西乡街道这边的公交车老是不准时"
    status = run(parse("example", "public_transport", text, "--entity", "0:3:district"), settings)
    assert status == 0
    written = (nlu / "data" / "nlu" / "reviewed" / "public_transport.yml").read_text()
    assert "- [宝安区](district)西乡街道这边的公交车老是不准时" in written
    capsys.readouterr()
    assert run(parse("models"), settings) == 0
    [model] = json.loads(capsys.readouterr().out)
    assert (model["file_name"], model["active"]) == ("suban.tar.gz", True)
    assert run(parse("compare", str(model["id"])), settings) == 0
    assert json.loads(capsys.readouterr().out)["gate"] == "open"
