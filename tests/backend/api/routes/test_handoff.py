"""The takeover API: list, transcript, claim (409 naming the holder), messages (holder only),
release, filing a ticket for the citizen and correcting one (a labelled NLU example)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.models import NluCorrection
from tests.backend.api.routes.conftest import ADMIN, NOISE, SERVICE, bearer, create, staff_token

CHAT = "/api/v1/conversations/web/abc12345"


@pytest.fixture
def operators(app_client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """Two operators' headers, and a web chat that asked for a person."""
    flagged = app_client.post(
        f"{CHAT}/needs-human", json={"reason": "市民要求转人工：转人工"}, headers=SERVICE
    )
    assert flagged.status_code == 200, flagged.text
    return (
        bearer(staff_token(app_client, "wang", "operator", None)),
        bearer(staff_token(app_client, "li", "operator", None)),
    )


def test_claim_once_and_a_second_operator_is_told_who_holds_it(
    app_client: TestClient, operators: tuple[dict[str, str], dict[str, str]]
) -> None:
    wang, li = operators
    [waiting] = app_client.get("/api/v1/conversations?state=waiting", headers=wang).json()
    assert (waiting["reason"], waiting["queue_position"]) == ("asked", 1)
    assert waiting["waiting_seconds"] >= 0
    claimed = app_client.post(f"{CHAT}/claim", headers=wang)
    assert claimed.status_code == 200, claimed.text
    assert (claimed.json()["state"], claimed.json()["holder"]) == ("held", "wang")
    refused = app_client.post(f"{CHAT}/claim", headers=li)
    assert refused.status_code == 409
    assert refused.json()["holder"] == "wang"
    assert "wang" in refused.json()["detail"]
    assert app_client.get("/api/v1/conversations?state=waiting", headers=wang).json() == []
    [held] = app_client.get("/api/v1/conversations?state=held", headers=wang).json()
    assert held["holder"] == "wang"
    assert app_client.get("/api/v1/conversations?state=nope", headers=wang).status_code == 400


def test_only_the_holder_writes_and_the_transcript_shows_the_delivery(
    app_client: TestClient, operators: tuple[dict[str, str], dict[str, str]]
) -> None:
    wang, li = operators
    assert (
        app_client.post(f"{CHAT}/messages", json={"text": "您好"}, headers=wang).status_code == 403
    )
    app_client.post(f"{CHAT}/claim", headers=wang)
    sent = app_client.post(f"{CHAT}/messages", json={"text": "您好，请讲"}, headers=wang)
    assert sent.status_code == 202, sent.text
    assert app_client.post(f"{CHAT}/messages", json={"text": "x"}, headers=li).status_code == 403
    assert app_client.post(f"{CHAT}/messages", json={"text": " "}, headers=wang).status_code == 422
    shown = app_client.get(CHAT, headers=li)
    assert shown.status_code == 200
    body = shown.json()
    assert (body["conversation"]["state"], body["conversation"]["holder"]) == ("held", "wang")
    last = body["messages"][-1]
    assert (last["role"], last["text"], last["staff_id"]) == ("operator", "您好，请讲", "wang")
    assert last["delivery"]["state"] == "queued"  # no deliverer runs in this app
    assert [m["role"] for m in body["messages"]] == ["system", "system", "bot", "operator"]


def test_release_with_a_note_gives_the_chat_back_to_the_bot(
    app_client: TestClient, operators: tuple[dict[str, str], dict[str, str]]
) -> None:
    wang, li = operators
    app_client.post(f"{CHAT}/claim", headers=wang)
    assert app_client.post(f"{CHAT}/release", json={}, headers=li).status_code == 403
    released = app_client.post(f"{CHAT}/release", json={"note": "已解答，无需立案"}, headers=wang)
    assert released.status_code == 200, released.text
    assert (released.json()["state"], released.json()["holder"]) == ("bot", None)
    texts = [m["text"] for m in app_client.get(CHAT, headers=wang).json()["messages"]]
    assert "wang 转回智能助手：已解答，无需立案" in texts
    assert app_client.get("/api/v1/conversations", headers=wang).json() == []
    [listed] = app_client.get("/api/v1/conversations?state=all", headers=wang).json()
    assert listed["state"] == "bot"


def test_department_staff_may_not_take_over(app_client: TestClient) -> None:
    department = create(app_client, channel="web", chat_id="abc12345")["department_id"]
    app_client.post(f"{CHAT}/needs-human", json={"reason": "转人工"}, headers=SERVICE)
    staff = bearer(staff_token(app_client, "yuehai", "department", department))
    assert app_client.post(f"{CHAT}/claim", headers=staff).status_code == 403
    assert app_client.get(CHAT, headers=staff).status_code == 403
    assert len(app_client.get("/api/v1/conversations", headers=staff).json()) == 1


def test_an_unknown_chat_is_404(app_client: TestClient) -> None:
    assert (
        app_client.post("/api/v1/conversations/web/nobody/claim", headers=ADMIN).status_code == 404
    )


def _file(client: TestClient, headers: dict[str, str], **changes: Any) -> Any:
    body = {k: v for k, v in NOISE.items() if k not in ("channel", "chat_id")}
    return client.post(f"{CHAT}/tickets", json={**body, **changes}, headers=headers)


def test_the_holder_files_a_ticket_the_citizen_follows(
    app_client: TestClient, operators: tuple[dict[str, str], dict[str, str]]
) -> None:
    wang, _ = operators
    assert _file(app_client, wang).status_code == 403  # claim first
    app_client.post(f"{CHAT}/claim", headers=wang)
    filed = _file(app_client, wang)
    assert filed.status_code == 201, filed.text
    number = filed.json()["ticket_no"]
    body = app_client.get(CHAT, headers=wang).json()
    assert [t["ticket_no"] for t in body["tickets"]] == [number]
    assert any(number in m["text"] for m in body["messages"] if m["role"] == "operator")
    mine = app_client.get("/api/v1/citizens/web/abc12345/tickets", headers=SERVICE)
    assert number in mine.text


def test_a_correction_reroutes_and_is_kept_as_a_labelled_example(
    app_client: TestClient, operators: tuple[dict[str, str], dict[str, str]]
) -> None:
    wang, _ = operators
    ticket = create(app_client, channel="web", chat_id="abc12345")
    path = f"/api/v1/tickets/{ticket['ticket_no']}/correction"
    assert app_client.patch(path, json={"service_code": "road"}, headers=SERVICE).status_code in (
        401,
        403,
    )
    assert app_client.patch(path, json={}, headers=wang).status_code == 400
    corrected = app_client.patch(
        path, json={"service_code": "streetlight", "reason": "是路灯不亮"}, headers=wang
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["service_code"] == "streetlight"
    with app_client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        [label] = session.scalars(select(NluCorrection)).all()
        assert (label.predicted, label.corrected) == (
            {"service_code": "noise"},
            {"service_code": "streetlight"},
        )
        assert (label.corrected_intent, label.staff_id) == ("streetlight", "wang")
