"""`python -m nlu.serve`: the token reaches `rasa run` whatever its first character; Rasa starts
with the model the admins activated (the link) when there is one, else the production model."""

import argparse
import sys
from pathlib import Path

import pytest
from rasa.cli.arguments.run import add_server_arguments

from nlu import serve


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "plain_token"])
def test_the_token_reaches_rasa_run_even_when_it_starts_with_a_dash(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    monkeypatch.setenv("RASA_TOKEN", token)
    monkeypatch.setattr(sys, "argv", ["nlu.serve", "--enable-api"])
    monkeypatch.setattr(serve, "main", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(serve.fast_load, "install", lambda: None)
    monkeypatch.setattr(serve.action_validation, "install", lambda: None)
    monkeypatch.setattr(serve.event_types, "install", lambda: None)
    monkeypatch.setattr(serve.endpoint_json, "install", lambda: None)
    serve.run()
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    args, _ = parser.parse_known_args(seen[0][2:])
    assert args.auth_token == token


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """A models directory with the production model and a model an admin trained."""
    (tmp_path / "suban.tar.gz").write_bytes(b"production")
    (tmp_path / "nlu-3.tar.gz").write_bytes(b"trained in the console")
    return tmp_path


def rasa_run_model(argv: list[str]) -> str:
    options, _ = serve.choose_model(argv)
    assert serve.ACTIVE_OPTION not in " ".join(options)
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    parser.add_argument("-m", "--model")
    args, _ = parser.parse_known_args(options)
    return args.model


def test_rasa_starts_with_the_activated_model_when_the_link_names_one(models: Path) -> None:
    (models / "active.tar.gz").symlink_to("nlu-3.tar.gz")
    chosen = rasa_run_model(["--enable-api", "--active-model", str(models / "active.tar.gz"),
                             "--model", str(models / "suban.tar.gz"), "-p", "5005"])  # fmt: skip
    # the file itself: Rasa reports its name, which the platform maps to the registered model
    assert chosen == str(models / "nlu-3.tar.gz")


def test_after_a_rollback_the_link_names_the_production_model(models: Path) -> None:
    (models / "active.tar.gz").symlink_to("suban.tar.gz")
    chosen = rasa_run_model([f"--active-model={models / 'active.tar.gz'}",
                             "--model", str(models / "suban.tar.gz")])  # fmt: skip
    assert chosen == str(models / "suban.tar.gz")


@pytest.mark.parametrize("link", [None, "nlu-9.tar.gz"], ids=["no-activation", "dangling"])
def test_without_an_activated_file_rasa_starts_with_the_production_model(
    models: Path, link: str | None
) -> None:
    if link is not None:
        (models / "active.tar.gz").symlink_to(link)
    argv = ["--active-model", str(models / "active.tar.gz"),
            "--model", str(models / "suban.tar.gz")]  # fmt: skip
    assert rasa_run_model(argv) == str(models / "suban.tar.gz")
    assert ("missing" in serve.choose_model(argv)[1]) == (link is not None)


def test_the_chosen_model_reaches_rasa_run(models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (models / "active.tar.gz").symlink_to("nlu-3.tar.gz")
    seen: list[list[str]] = []
    monkeypatch.setenv("RASA_TOKEN", "token")
    monkeypatch.setattr(sys, "argv", ["nlu.serve", "--active-model", str(models / "active.tar.gz"),
                                      "--model", str(models / "suban.tar.gz")])  # fmt: skip
    monkeypatch.setattr(serve, "main", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(serve.fast_load, "install", lambda: None)
    monkeypatch.setattr(serve.action_validation, "install", lambda: None)
    monkeypatch.setattr(serve.event_types, "install", lambda: None)
    monkeypatch.setattr(serve.endpoint_json, "install", lambda: None)
    serve.run()
    assert seen[0][:2] == ["rasa", "run"]
    assert seen[0][seen[0].index("--model") + 1] == str(models / "nlu-3.tar.gz")
