"""The admins' NLU loop end to end, with the real Rasa: examples added through the API, a real
(small) training, comparison, activation while citizens keep chatting, the new model answering
the new example, and a rollback to the production model, also while citizens chat.

Slow: a training with tests/backend/nluloop/data/tiny_config.yml (about 2 minutes on two busy
cores) and two model loads in Rasa; measured figures are printed and written to
`activation.json` in the test's log directory.
"""

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot.texts import bot_text
from tests.e2e.stack import (
    MODEL,
    REPO,
    free_port,
    running_rasa_stack,
    serving_platform,
    stack_settings,
)

pytestmark = [pytest.mark.e2e, pytest.mark.rasa]

ADMIN = {"Authorization": "Bearer nlu-loop-admin-token"}
TINY_CONFIG = REPO / "tests" / "backend" / "nluloop" / "data" / "tiny_config.yml"
NEW_EXAMPLES = [
    "我们楼道里的声控感应灯怎么拍手都不亮",
    "楼道感应灯拍手跺脚都没反应",
    "声控灯失灵了楼道里黑漆漆的",
]
TRAINING_TIMEOUT_SECONDS = 3600


@dataclass
class Chatter:
    """Citizens chatting in the web chat in threads until stopped; every answer is kept."""

    url: str
    answers: list[tuple[float, int, list[str]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, name: str) -> None:
        with httpx.Client(base_url=self.url, timeout=600) as citizen:
            while not self.stop.is_set():
                started = time.monotonic()
                response = citizen.post("/chat/api/messages", json={"text": f"你好 {name}"})
                texts = [r.get("text") or "" for r in response.json().get("replies", [])]
                self.answers.append((time.monotonic() - started, response.status_code, texts))
                self.stop.wait(1.0)

    @property
    def longest(self) -> float:
        return max(seconds for seconds, _, _ in self.answers)


@pytest.fixture(scope="module")
def loop_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Rasa on the production model, the platform writing examples into a copy of nlu/ and
    models into a directory of its own."""
    root = tmp_path_factory.mktemp("nlu-loop")
    shutil.copytree(REPO / "nlu", root / "repo" / "nlu",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    models = root / "models"
    models.mkdir()
    (models / "suban.tar.gz").symlink_to(MODEL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_rasa_stack(log_dir=root / "logs", backend_url=url,
                            model=models / "suban.tar.gz") as stack:  # fmt: skip
        settings = stack_settings(
            stack=stack,
            port=port,
            database_url=f"sqlite:///{root / 'suban.db'}",
            admin_token=ADMIN["Authorization"].split()[1],
            telegram_bot_token=None,
            chat_rate_limit="100/minute",
            nlu_dir=root / "repo" / "nlu",
            models_dir=models,
            nlu_train_config=TINY_CONFIG,
        )
        with serving_platform(settings):
            yield url, root / "logs"


def activate_while_chatting(
    url: str, admin: httpx.Client, model_id: int, reason: str
) -> tuple[float, Chatter]:
    chatter = Chatter(url)
    threads = [threading.Thread(target=chatter.run, args=(str(n),)) for n in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(3)  # messages are flowing
    started = time.monotonic()
    response = admin.post(f"/api/v1/nlu/models/{model_id}/activate", json={"reason": reason})
    took = time.monotonic() - started
    time.sleep(3)
    chatter.stop.set()
    for thread in threads:
        thread.join(timeout=700)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is True
    return took, chatter


def assert_every_message_answered(chatter: Chatter) -> None:
    assert chatter.answers, "no citizen message was sent"
    for _, status, texts in chatter.answers:
        assert status == 200
        assert texts and not {bot_text("rasa_unavailable"), bot_text("busy")} & set(texts)


def test_examples_to_a_trained_activated_model_while_citizens_chat(
    loop_platform: tuple[str, Path],
) -> None:
    url, logs = loop_platform
    with httpx.Client(base_url=url, headers=ADMIN, timeout=900) as admin:
        [bootstrap] = admin.get("/api/v1/nlu/models").json()
        for text in NEW_EXAMPLES:
            added = admin.post("/api/v1/nlu/examples", json={"text": text, "intent": "streetlight"})
            assert added.status_code == 201, added.text
        started = time.monotonic()
        training_id = admin.post("/api/v1/nlu/trainings").json()["id"]
        progress = [0.0]
        while True:
            state = admin.get(f"/api/v1/nlu/trainings/{training_id}").json()
            assert state["progress"] >= progress[-1]
            progress.append(state["progress"])
            if state["state"] in ("succeeded", "failed"):
                break
            assert time.monotonic() - started < TRAINING_TIMEOUT_SECONDS
            time.sleep(2)
        training_seconds = time.monotonic() - started
        assert state["state"] == "succeeded", state["log_tail"]
        assert any(0 < p < 1 for p in progress) and state["progress"] == 1.0
        model_id = state["model_id"]
        comparison = admin.get(f"/api/v1/nlu/models/{model_id}/comparison").json()
        assert comparison["active_model_id"] == bootstrap["id"]
        assert set(comparison["per_intent"]) >= {"streetlight", "request_human"}

        switch_seconds, chatter = activate_while_chatting(url, admin, model_id, "tiny test model")
        assert_every_message_answered(chatter)
        understood = admin.post(
            "/api/v1/understand", json={"text": NEW_EXAMPLES[0]}, headers={**ADMIN}
        )
        health = httpx.get(f"{url}/healthz").json()
        # the citizens' messages are in the inbox as stored, the same text counted
        inbox = admin.get("/api/v1/nlu/inbox").json()
        repeated = [i for i in inbox if i["text"] == "你好 0"]

        rollback_seconds, after = activate_while_chatting(url, admin, bootstrap["id"], "rollback")
        assert_every_message_answered(after)
        models = {m["id"]: m["active"] for m in admin.get("/api/v1/nlu/models").json()}
    figures = {
        "training_seconds": round(training_seconds, 1),
        "switch_to_tiny_seconds": round(switch_seconds, 1),
        "longest_answer_during_tiny_switch": round(chatter.longest, 1),
        "rollback_to_production_seconds": round(rollback_seconds, 1),
        "longest_answer_during_rollback": round(after.longest, 1),
        "messages_during_switches": len(chatter.answers) + len(after.answers),
    }
    (logs / "activation.json").write_text(json.dumps(figures, indent=2))
    print("NLU loop figures:", figures)
    assert understood.status_code == 200, understood.text
    assert (understood.json()["intent"], understood.json()["model_id"]) == ("streetlight", model_id)
    assert health["model_id"] == model_id
    assert repeated and repeated[0]["count"] > 1 and repeated[0]["intent"]
    assert models == {bootstrap["id"]: True, model_id: False}
