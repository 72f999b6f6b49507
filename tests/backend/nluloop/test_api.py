"""The NLU loop through the API: admin only, inbox → example (201, in the YAML) → discard,
trainings 202 and 409, models and comparison."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from backend.conversations.service import record_exchange
from backend.nluloop.training_data import NluPaths
from backend.settings import Settings
from storage.models import NluTraining
from tests.backend.api.routes.conftest import bearer, staff_token
from tests.backend.nluloop.test_models import fake_rasa_python, process_gone
from tests.conftest import ADMIN_HEADERS, SERVICE_HEADERS


@pytest.fixture
def client(app_settings: Settings, nlu_copy: NluPaths, tmp_path: Path) -> Iterator[TestClient]:
    from suban.app import create_app

    models = tmp_path / "models"
    models.mkdir()
    settings = app_settings.model_copy(update={"nlu_dir": nlu_copy.root, "models_dir": models})
    with TestClient(create_app(settings)) as client:
        yield client


def said(client: TestClient, text: str, intent: str, confidence: float) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        record_exchange(
            session=session,
            channel="web",
            chat_id="s1",
            text=text,
            nlu={"intent": intent, "confidence": confidence, "entities": []},
            replies=["好的"],
        )


def test_the_loop_is_for_admins_only(client: TestClient) -> None:
    operator = bearer(staff_token(client, "wang", "operator", None))
    for path in ("/api/v1/nlu/inbox", "/api/v1/nlu/models", "/api/v1/nlu/trainings/1"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=SERVICE_HEADERS).status_code == 401
        assert client.get(path, headers=operator).status_code == 403
    response = client.post("/api/v1/nlu/examples", json={"text": "x", "intent": "greet"})
    assert response.status_code == 401


def test_an_inbox_message_becomes_an_example_and_leaves_the_inbox(
    client: TestClient, nlu_copy: NluPaths
) -> None:
    said(client, "罗湖区东门那边的井盖丢了，我电话13712345678", "other", 0.31)
    said(client, "谢谢你们啊辛苦了师傅们", "thanks", 0.45)
    inbox = client.get("/api/v1/nlu/inbox?low_confidence=true", headers=ADMIN_HEADERS).json()
    item = next(i for i in inbox if i["intent"] == "other")
    assert (item["count"], item["confidence"]) == (1, 0.31)
    assert "13712345678" in item["text"]  # admins see it as it came
    text = item["text"]
    response = client.post(
        "/api/v1/nlu/examples",
        json={
            "text": text,
            "intent": "road",
            "message_id": item["id"],
            "entities": [
                {"start": 0, "end": 3, "entity": "district", "value": "罗湖区"},
                {"start": 3, "end": 5, "entity": "landmark", "value": "东门"},
            ],
        },
        headers=ADMIN_HEADERS,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["file"] == "nlu/data/nlu/reviewed/road.yml"
    assert "13712345678" not in body["text"]
    written = yaml.safe_load((nlu_copy.reviewed / "road.yml").read_text(encoding="utf-8"))
    assert written["nlu"][0]["examples"].startswith("- [罗湖区](district)[东门](landmark)那边")
    left = client.get("/api/v1/nlu/inbox", headers=ADMIN_HEADERS).json()
    assert [i["text"] for i in left] == ["谢谢你们啊辛苦了师傅们"]
    discarded = client.post(f"/api/v1/nlu/inbox/{left[0]['id']}/discard", headers=ADMIN_HEADERS)
    assert discarded.status_code == 204
    assert client.get("/api/v1/nlu/inbox", headers=ADMIN_HEADERS).json() == []


def test_a_bad_example_is_a_400_naming_the_problem(client: TestClient) -> None:
    response = client.post(
        "/api/v1/nlu/examples",
        json={"text": "路灯坏了", "intent": "no_such_intent"},
        headers=ADMIN_HEADERS,
    )
    assert response.status_code == 400
    assert "unknown intent" in response.json()["detail"]


def test_a_second_training_while_one_is_open_is_a_409(client: TestClient) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        session.add(NluTraining(state="running", requested_by="other", open_slot=1))
    response = client.post("/api/v1/nlu/trainings", headers=ADMIN_HEADERS)
    assert response.status_code == 409
    state = client.get("/api/v1/nlu/trainings/1", headers=ADMIN_HEADERS).json()
    assert (state["state"], state["model_id"]) == ("running", None)
    assert client.get("/api/v1/nlu/trainings/99", headers=ADMIN_HEADERS).status_code == 404


def test_the_bootstrap_model_is_listed_as_active(client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "models" / "suban.tar.gz").write_bytes(b"model")
    [model] = client.get("/api/v1/nlu/models", headers=ADMIN_HEADERS).json()
    assert (model["file_name"], model["active"], model["trained_by"]) == (
        "suban.tar.gz",
        True,
        "make train",
    )
    comparison = client.get(f"/api/v1/nlu/models/{model['id']}/comparison", headers=ADMIN_HEADERS)
    assert comparison.json()["gate"] == "open"


def test_a_training_runs_in_the_background_and_its_model_is_listed(
    app_settings: Settings, nlu_copy: NluPaths, tmp_path: Path
) -> None:
    from suban.app import create_app

    models = tmp_path / "models"
    models.mkdir()
    settings = app_settings.model_copy(
        update={
            "nlu_dir": nlu_copy.root,
            "models_dir": models,
            "rasa_python": fake_rasa_python(tmp_path / "rasa-env"),
        }
    )
    with TestClient(create_app(settings)) as client:
        accepted = client.post("/api/v1/nlu/trainings", headers=ADMIN_HEADERS)
        assert accepted.status_code == 202
        training_id = accepted.json()["id"]
        for _ in range(600):  # the thread runs two short subprocesses
            state = client.get(f"/api/v1/nlu/trainings/{training_id}", headers=ADMIN_HEADERS)
            if state.json()["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        body = state.json()
        assert (body["state"], body["progress"]) == ("succeeded", 1.0), body["log_tail"]
        [model] = client.get("/api/v1/nlu/models", headers=ADMIN_HEADERS).json()
        assert (model["id"], model["active"]) == (body["model_id"], False)
        assert model["metrics"]["intent_macro_f1"] == 1.0
        assert "predictions" not in model["metrics"]


def test_a_stopping_platform_stops_a_training_under_way(
    app_settings: Settings,
    nlu_copy: NluPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from suban.app import create_app

    models = tmp_path / "models"
    models.mkdir()
    settings = app_settings.model_copy(
        update={
            "nlu_dir": nlu_copy.root,
            "models_dir": models,
            "rasa_python": fake_rasa_python(tmp_path / "rasa-env"),
        }
    )
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_RASA_HANG", "train")  # rasa train and its child never end
    monkeypatch.setenv("FAKE_RASA_PIDS", str(pids))
    with TestClient(create_app(settings)) as client:
        accepted = client.post("/api/v1/nlu/trainings", headers=ADMIN_HEADERS)
        assert accepted.status_code == 202
        for _ in range(600):  # a fresh python starting, then its child
            if pids.exists() and len(pids.read_text().split()) == 2:
                break
            time.sleep(0.1)
    # the app's shutdown stopped them, though they run in a process group of their own
    assert all(process_gone(int(pid)) for pid in pids.read_text().split())
