"""The action server answers only Rasa (the bearer token); /health stays open."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from actions.server import authorized

REPO = Path(__file__).resolve().parents[2]
TOKEN = "action-server-test-token"


def test_only_health_is_open() -> None:
    assert authorized(path="/health", authorization=None, token=TOKEN)
    assert authorized(path="/webhook", authorization=f"Bearer {TOKEN}", token=TOKEN)
    assert authorized(path="/webhook", authorization=f"bearer {TOKEN}", token=TOKEN)
    assert not authorized(path="/webhook", authorization=None, token=TOKEN)
    assert not authorized(path="/webhook", authorization="Bearer wrong", token=TOKEN)
    assert not authorized(path="/webhook", authorization=TOKEN, token=TOKEN)
    assert not authorized(path="/actions", authorization="Basic " + TOKEN, token=TOKEN)


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m actions.server` on a free port, as the Procfile starts it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "ACTION_SERVER_TOKEN": TOKEN,
        "SUBAN_BACKEND_URL": "http://127.0.0.1:9",
        "SUBAN_PENDING_DB": str(tmp_path_factory.mktemp("actions") / "pending.sqlite"),
    }
    log = tmp_path_factory.mktemp("logs") / "actions.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "actions.server", "-p", str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _action_call(sender: str) -> dict:
    tracker = {
        "sender_id": sender, "slots": {}, "latest_message": {}, "events": [],
        "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": None,
    }  # fmt: skip
    return {"next_action": "action_check_status", "sender_id": sender, "tracker": tracker,
            "domain": {}, "version": "3.6.2"}  # fmt: skip


def test_a_forged_action_call_without_the_token_is_refused(action_server: str) -> None:
    body = json.dumps(_action_call("telegram:12345"))
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        response = httpx.post(f"{action_server}/webhook", content=body, headers=headers)
        assert response.status_code == 401
    assert httpx.get(f"{action_server}/actions").status_code == 401


def test_rasa_with_the_token_gets_through(action_server: str) -> None:
    response = httpx.get(f"{action_server}/actions", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert {"name": "action_check_status"} in response.json()


def test_it_refuses_to_start_without_a_token() -> None:
    env = {key: value for key, value in os.environ.items() if key != "ACTION_SERVER_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "actions.server", "-p", "9"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "ACTION_SERVER_TOKEN" in done.stderr


def test_the_action_answers_in_the_language_of_the_message(action_server: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    said = {}
    for language in ("en", "zh"):
        call = _action_call("web:language-test")
        call["next_action"] = "action_cancel_complaint"
        call["tracker"]["latest_message"] = {"text": "cancel", "metadata": {"language": language}}
        response = httpx.post(f"{action_server}/webhook", json=call, headers=headers)
        assert response.status_code == 200, response.text
        said[language] = response.json()["responses"][0]["text"]

    assert said["en"].startswith("All right, this report has been cancelled")
    assert said["zh"].startswith("好的，已取消本次登记")
