"""The NLU loop in the console (admins): inbox → annotate → example, discard, training page,
comparison with the gate, activation refused without a reason."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.staff_users import create_staff_user
from backend.conversations.service import record_exchange
from backend.nluloop.models import register_model
from backend.settings import Settings
from storage.models import NluModel, NluTraining, StaffRole
from tests.backend.nluloop.conftest import copy_nlu
from tests.console.conftest import PASSWORD, log_in


@pytest.fixture
def nlu_console(app_settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """The console with admin `boss` and operator `op`, writing into a copy of nlu/."""
    from suban.app import create_app

    nlu = copy_nlu(tmp_path / "repo")
    models = tmp_path / "models"
    models.mkdir()
    (models / "suban.tar.gz").write_bytes(b"model")
    settings = app_settings.model_copy(update={"nlu_dir": nlu, "models_dir": models})
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as client:
        factory: sessionmaker[Session] = app.state.session_factory
        with factory.begin() as session:
            for name, role in (("boss", StaffRole.admin), ("op", StaffRole.operator)):
                create_staff_user(session=session, username=name, password=PASSWORD, role=role)
            record_exchange(
                session=session,
                channel="web",
                chat_id="s1",
                text="<b>福田区</b>的路灯坏了，我电话13812345678",
                nlu={"intent": "road", "confidence": 0.41, "entities": []},
                replies=["好的"],
            )
        yield client, nlu


def test_operators_do_not_open_the_nlu_pages(nlu_console: tuple[TestClient, Path]) -> None:
    client, _ = nlu_console
    log_in(client, "op")
    for path in ("/console/nlu", "/console/nlu/data", "/console/nlu/train", "/console/nlu/models"):
        assert client.get(path).status_code == 403


def test_an_admin_annotates_an_inbox_message_into_an_example(
    nlu_console: tuple[TestClient, Path],
) -> None:
    client, nlu = nlu_console
    token = log_in(client, "boss")
    page = client.get("/console/nlu")
    assert page.status_code == 200
    assert "&lt;b&gt;福田区&lt;/b&gt;的路灯坏了" in page.text  # escaped
    assert "<b>福田区</b>" not in page.text
    message_id = page.text.split('data-message="')[1].split('"')[0]
    text = "<b>福田区</b>的路灯坏了，我电话13812345678"
    refused = client.post("/console/nlu/examples", data={"text": text, "intent": "streetlight"})
    assert refused.status_code == 403  # no CSRF token
    done = client.post(
        "/console/nlu/examples",
        data={
            "text": text,
            "intent": "streetlight",
            "spans": "3:6:district",
            "message_id": message_id,
            "csrf_token": token,
        },
    )
    assert done.status_code == 200 and "已加入 streetlight 的样例" in done.text
    assert "nlu-inbox-empty" in done.text
    written = yaml.safe_load((nlu / "data" / "nlu" / "reviewed" / "streetlight.yml").read_text())
    line = written["nlu"][0]["examples"]
    assert "[福田区](district)" in line and "13812345678" not in line
    data = client.get("/console/nlu/data", params={"q": "路灯坏了", "intent": "streetlight"})
    assert "nlu-example" in data.text
    synonyms = client.get("/console/nlu/data", params={"q": "Futian"})
    assert "福田区" in synonyms.text and "district (" in synonyms.text
    assert "<title" in synonyms.text and synonyms.text.count('id="nlu-synonyms"') == 1


def test_a_bad_span_line_is_refused_with_its_reason(nlu_console: tuple[TestClient, Path]) -> None:
    client, nlu = nlu_console
    token = log_in(client, "boss")
    page = client.post(
        "/console/nlu/examples",
        data={"text": "路灯坏了", "intent": "streetlight", "spans": "x", "csrf_token": token},
    )
    assert "start:end:entity" in page.text
    assert not (nlu / "data" / "nlu" / "reviewed").exists()


def test_the_training_page_polls_an_open_training(nlu_console: tuple[TestClient, Path]) -> None:
    client, _ = nlu_console
    log_in(client, "boss")
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        session.add(NluTraining(state="running", progress=0.4, log_tail="Epochs: 40%",
                                requested_by="boss", open_slot=1))  # fmt: skip
    page = client.get("/console/nlu/train")
    assert 'hx-trigger="every 2s"' in page.text and 'value="0.400"' in page.text
    assert "Epochs: 40%" in page.text


def test_the_gate_asks_for_a_reason_and_activation_without_one_is_refused(
    nlu_console: tuple[TestClient, Path],
) -> None:
    client, _ = nlu_console
    token = log_in(client, "boss")
    client.get("/console/nlu/models")  # registers the bootstrap model (active)
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    prediction = {"text": "我要人工", "gold": "request_human"}
    with factory.begin() as session:
        active = session.query(NluModel).one()
        right = {**prediction, "predicted": "request_human"}
        active.metrics = {"per_intent": {"request_human": 1.0}, "predictions": [right]}
        worse = register_model(
            session=session, file_name="nlu-9.tar.gz", trained_by="boss", data_hash=None,
            git_commit=None, metrics={"per_intent": {"request_human": 0.0},
            "predictions": [{**prediction, "predicted": "greet"}]},
        )  # fmt: skip
        worse_id = worse.id
    page = client.get(f"/console/nlu/models/{worse_id}")
    assert 'data-testid="gate-blocked"' in page.text and "request_human" in page.text
    assert 'data-testid="confusion"' in page.text
    refused = client.post(f"/console/nlu/models/{worse_id}/activate", data={"csrf_token": token})
    assert "critical intents got worse" in refused.text


def test_validation_findings_are_shown_escaped(
    nlu_console: tuple[TestClient, Path], tmp_path: Path
) -> None:
    client, _ = nlu_console
    fake = tmp_path / "python"
    fake.write_text(
        f"#!{sys.executable}\n"
        "print('2026-12-01 WARNING rasa.validator - Issue found in <intent> noise')\n"
        "raise SystemExit(1)\n"
    )
    fake.chmod(0o755)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.model_copy(update={"rasa_python": fake})  # type: ignore[attr-defined]
    token = log_in(client, "boss")
    page = client.post("/console/nlu/data/validate", data={"csrf_token": token})
    assert 'data-passed="no"' in page.text
    assert "Issue found in &lt;intent&gt; noise" in page.text
