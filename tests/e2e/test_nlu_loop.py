"""The admins' NLU loop end to end with the real Rasa, through the API, for what the browser test
(tests/browser/test_nlu_loop.py: inbox → annotate → train → compare → activate in the console,
citizens chatting meanwhile) does not show: the activated model survives a restart of Rasa
(started as `make run` starts it, on the activated model), and rolling back to the production
model while citizens keep chatting drops no message.

It reuses the model the browser test trained in the same run; run alone, it trains one first
(tests/backend/nluloop/data/tiny_config.yml, ~2-6 minutes on two cores) from the same annotated
message. Measured figures are printed and written to `activation.json` in the stack's log
directory.
"""

import json
import os
import signal
import time

import httpx
import pytest

from tests.e2e.nlu_live import (
    INTENT,
    MISUNDERSTOOD,
    SIMILAR,
    Chatter,
    NluLoop,
    trained_models,
    wait_for_training,
)
from tests.e2e.stack import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.rasa]


def tiny_model(admin: httpx.Client, figures: dict[str, float]) -> dict:
    """The model the loop trained in this run, else one trained now from the misunderstood
    message annotated through the API (as the browser test does in the console)."""
    if trained := trained_models(admin):
        return trained[0]
    [production] = admin.get("/api/v1/nlu/models").json()
    added = admin.post("/api/v1/nlu/examples", json={"text": MISUNDERSTOOD, "intent": INTENT})
    assert added.status_code == 201, added.text
    started = time.monotonic()
    state, progress = wait_for_training(admin, admin.post("/api/v1/nlu/trainings").json()["id"])
    figures["training_seconds"] = round(time.monotonic() - started, 1)
    assert state["state"] == "succeeded", state["log_tail"]
    assert any(0 < p < 1 for p in progress) and state["progress"] == 1.0
    comparison = admin.get(f"/api/v1/nlu/models/{state['model_id']}/comparison").json()
    assert comparison["active_model_id"] == production["id"]
    assert set(comparison["per_intent"]) >= {INTENT, "request_human"}
    [model] = trained_models(admin)
    return model


def model_answering(url: str) -> int | None:
    health = httpx.get(f"{url}/healthz", timeout=10)
    return health.json()["model_id"] if health.status_code == 200 else None


def test_the_activated_model_survives_a_restart_and_a_rollback_drops_no_message(
    nlu_loop: NluLoop,
) -> None:
    url, rasa = nlu_loop.url, nlu_loop.platform.rasa
    figures: dict[str, float] = {}
    with nlu_loop.admin() as admin:
        model = tiny_model(admin, figures)
        production = next(m for m in admin.get("/api/v1/nlu/models").json()
                          if m["trained_by"] == "make train")  # fmt: skip
        if not model["active"]:  # run alone: activate it, citizens chatting
            with Chatter(url) as chatter:
                started = time.monotonic()
                response = admin.post(f"/api/v1/nlu/models/{model['id']}/activate",
                                      json={"reason": "tiny test model"})  # fmt: skip
                figures["switch_to_tiny_seconds"] = round(time.monotonic() - started, 1)
            assert response.status_code == 200, response.text
            chatter.assert_every_message_answered()
        assert nlu_loop.active_link() == model["file_name"]

        # Rasa dies and its supervisor starts it again, with the Procfile's options
        killed = rasa.pid("rasa")
        started = time.monotonic()
        os.kill(killed, signal.SIGKILL)
        wait_until(lambda: model_answering(url) == model["id"], what="Rasa back on the tiny model",
                   programs=[rasa.programs["rasa"]])  # fmt: skip
        figures["restart_on_tiny_seconds"] = round(time.monotonic() - started, 1)
        assert rasa.pid("rasa") != killed
        understood = admin.post("/api/v1/understand", json={"text": SIMILAR})

        with Chatter(url) as chatter:
            started = time.monotonic()
            response = admin.post(f"/api/v1/nlu/models/{production['id']}/activate",
                                  json={"reason": "rollback"})  # fmt: skip
            figures["rollback_to_production_seconds"] = round(time.monotonic() - started, 1)
        figures["longest_answer_during_rollback"] = round(chatter.longest, 1)
        figures["messages_during_rollback"] = len(chatter.answers)
        after_rollback = model_answering(url)
        # the citizens' messages are in the inbox as stored, the same text counted
        inbox = admin.get("/api/v1/nlu/inbox").json()
        repeated = [i for i in inbox if i["text"] == "你好 0"]
        models = {m["id"]: m["active"] for m in admin.get("/api/v1/nlu/models").json()}
    (nlu_loop.logs / "activation.json").write_text(json.dumps(figures, indent=2))
    print("NLU loop figures:", figures)
    assert understood.status_code == 200, understood.text
    assert (understood.json()["intent"], understood.json()["model_id"]) == (INTENT, model["id"])
    assert response.status_code == 200, response.text
    chatter.assert_every_message_answered()
    assert after_rollback == production["id"]
    assert nlu_loop.active_link() == "suban.tar.gz"
    assert repeated and repeated[0]["count"] > 1 and repeated[0]["intent"]
    assert models[production["id"]] and not models[model["id"]]
