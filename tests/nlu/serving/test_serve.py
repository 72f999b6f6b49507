"""`python -m nlu.serve`: the token reaches `rasa run` whatever its first character."""

import argparse
import sys

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
    serve.run()
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    args, _ = parser.parse_known_args(seen[0][2:])
    assert args.auth_token == token
