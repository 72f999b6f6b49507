"""Malformed requests found by probing: each gets a clear 4xx, never a 500 (SQLite and PostgreSQL).

The TestClient re-raises server errors, so a 500 fails these tests with its traceback.
"""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.settings import Settings
from bot.texts import bot_text
from storage.models import Message, Ticket
from tests.backend.api.routes.conftest import ADMIN, NOISE
from tests.bot.rasa_double import RasaDouble
from tests.conftest import SERVICE_HEADERS

API_KEY = "open311-test-key"
JSON = {"Content-Type": "application/json"}
BODY_ENDPOINTS = [
    "/api/v1/locate",
    "/api/v1/tickets",
    "/chat/api/messages",
    "/api/v1/understand",
    "/api/v1/admin/tokens",
]


@pytest.fixture
def client(app_settings: Settings, rasa: RasaDouble) -> Iterator[TestClient]:
    from suban.app import create_app

    settings = app_settings.model_copy(update={"open311_api_keys": API_KEY})
    # the bot's token on every call (a call's own Authorization, e.g. ADMIN, replaces it)
    with TestClient(create_app(settings), headers=SERVICE_HEADERS) as client:
        client.app.state.rasa = rasa.client()  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def rasa() -> RasaDouble:
    return RasaDouble()


def _post_raw(client: TestClient, path: str, body: str) -> tuple[int, object]:
    response = client.post(path, content=body.encode(), headers={**JSON, **ADMIN})
    return response.status_code, response.json()


UNECHOABLE = [
    '{"text": NaN, "lat": NaN, "description": NaN, "session_id": NaN, "username": NaN}',
    '{"text": Infinity, "lat": -Infinity, "description": "x", "username": Infinity}',
    '{"text": "\\ud800", "description": "\\udfff", "session_id": "\\ud800", "kind": "\\ud800"}',
    '{"\\ud800": 1, "text": {"\\ud800": NaN}, "username": ["\\ud800"]}',
]
# The web chat reads only `text` (its chat id is the cookie's): a lone surrogate there is
# stripped, leaving a blank message (test_a_lone_surrogate_is_a_blank_chat_message).
BLANK_IN_CHAT = UNECHOABLE[2]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (path, body)
        for path in BODY_ENDPOINTS
        for body in UNECHOABLE
        if (path, body) != ("/chat/api/messages", BLANK_IN_CHAT)
    ],
)
def test_values_that_cannot_be_echoed_get_a_clear_422(
    client: TestClient, path: str, body: str
) -> None:
    status, answer = _post_raw(client, path, body)
    assert status == 422, answer
    assert isinstance(answer, dict)
    for problem in answer["detail"]:
        assert set(problem) == {"type", "loc", "msg"}  # the input is not echoed back
        assert problem["loc"][0] == "body"


def test_a_lone_surrogate_is_a_blank_chat_message(client: TestClient, rasa: RasaDouble) -> None:
    status, answer = _post_raw(client, "/chat/api/messages", BLANK_IN_CHAT)
    assert status == 200
    assert isinstance(answer, dict)
    assert [reply["text"] for reply in answer["replies"]] == [bot_text("blank_message")]
    assert rasa.messages == []


def test_a_deeply_nested_value_gets_a_422_without_its_input(client: TestClient) -> None:
    status, answer = _post_raw(client, "/api/v1/locate", '{"text": ' + "[" * 900 + "]" * 900 + "}")
    assert status == 422, answer
    assert "[[" not in json.dumps(answer)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/chat/api/updates?session_id=websession42&after=9223372036854775808", "after"),
        ("/chat/api/updates?session_id=websession42&after=2147483648", "after"),  # PostgreSQL
        ("/api/v1/tickets?offset=9223372036854775808", "offset"),
        ("/api/v1/tickets?department_id=9223372036854775808", "department_id"),
        ("/api/v1/tickets?department_id=2147483648", "department_id"),
    ],
)
def test_integers_past_what_the_database_holds_are_422(
    client: TestClient, path: str, field: str
) -> None:
    response = client.get(path, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", field]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/admin/tokens", {"username": "op", "department_id": 2**63}),
        ("/api/v1/tickets", {**NOISE, "lat": 1e400}),
    ],
)
def test_oversized_numbers_in_bodies_are_422(client: TestClient, path: str, body: dict) -> None:
    response = client.post(path, content=json.dumps(body), headers={**JSON, **ADMIN})
    assert response.status_code == 422, response.text


def test_5000_deep_json_to_open311_is_a_400_in_the_spec_format(client: TestClient) -> None:
    status, answer = _post_raw(client, "/open311/v2/requests.json", "[" * 5000 + "]" * 5000)
    assert status == 400
    assert answer == [{"code": 400, "description": "the request body is nested too deeply"}]


def test_5000_deep_json_elsewhere_is_a_clear_400(client: TestClient) -> None:
    status, answer = _post_raw(client, "/api/v1/tickets", "[" * 5000 + "]" * 5000)
    assert status == 400
    assert answer == {"detail": "There was an error parsing the body"}


def test_a_media_url_must_be_http_or_https(client: TestClient) -> None:
    for url in ("javascript:alert(1)", "data:text/html,<script>x</script>"):
        response = client.post("/api/v1/tickets", json={**NOISE, "media": [{"url": url}]})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", "media", 0, "url"]
    ok = client.post("/api/v1/tickets", json={**NOISE, "media": [{"url": "https://x.test/a.jpg"}]})
    assert ok.status_code == 201, ok.text


def test_an_open311_media_url_must_be_http_or_https(client: TestClient) -> None:
    form = {"api_key": API_KEY, "service_code": "noise", "lat": "22.54", "long": "113.95"}
    response = client.post("/open311/v2/requests.json", data={**form, "media_url": "javascript:x"})
    assert response.status_code == 400
    assert "media_url" in response.json()[0]["description"]


def test_nul_and_control_characters_are_stripped_from_stored_text(client: TestClient) -> None:
    created = client.post(
        "/api/v1/tickets",
        json={**NOISE, "description": "工地\x00晚上\x07打桩\r\n很吵", "address": "科技园\x00"},
    )
    assert created.status_code == 201, created.text
    ticket_no = created.json()["ticket_no"]
    assert created.json()["description"] == "工地晚上打桩\n很吵"
    note = client.post(
        f"/api/v1/tickets/{ticket_no}/notes",
        json={"note": "已\x00联系", "public": False},
        headers=ADMIN,
    )
    assert note.status_code == 201, note.text
    assert note.json()["note"] == "已联系"
    blank_note = client.post(
        f"/api/v1/tickets/{ticket_no}/notes", json={"note": "\x00 \x01"}, headers=ADMIN
    )
    assert blank_note.status_code == 422
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        ticket = session.scalars(select(Ticket).where(Ticket.ticket_no == ticket_no)).one()
        assert (ticket.description, ticket.address) == ("工地晚上打桩\n很吵", "科技园")


def test_nul_in_an_open311_request_is_stripped(client: TestClient) -> None:
    form = {
        "api_key": API_KEY,
        "service_code": "noise",
        "lat": "22.54",
        "long": "113.95",
        "description": "打桩\x00声",
        "first_name": "\x00",
    }
    response = client.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 201, response.text
    as_json = client.post(
        "/open311/v2/requests.json",
        content=json.dumps({**form, "description": "夜间\x00施工\ud800"}),
        headers=JSON,
    )
    assert as_json.status_code == 201, as_json.text
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        descriptions = set(session.scalars(select(Ticket.description)))
    assert {"打桩声", "夜间施工"} <= descriptions


def test_nul_in_a_web_chat_message_is_stripped_before_rasa_and_storage(
    client: TestClient, rasa: RasaDouble
) -> None:
    response = client.post(
        "/chat/api/messages", json={"session_id": "websession42", "text": "路灯\x00坏了"}
    )
    assert response.status_code == 200, response.text
    assert rasa.texts == ["路灯坏了"]
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        assert "路灯坏了" in set(session.scalars(select(Message.text)))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/SZ20261201-000001%00",
        "/api/v1/citizens/web/abc%00def/tickets",
        "/open311/v2/requests/SZ%00.json",
        "/open311/v2/requests.json?service_code=noise%00",
    ],
)
def test_control_characters_in_urls_are_refused(client: TestClient, path: str) -> None:
    response = client.get(path, headers=ADMIN)
    assert response.status_code == 400, response.text
    if path.startswith("/open311/"):
        assert response.json()[0]["code"] == 400
    else:
        assert "control characters" in response.json()["detail"]


@pytest.fixture
def small_body_client(app_settings: Settings) -> Iterator[TestClient]:
    from suban.app import create_app

    settings = app_settings.model_copy(update={"max_request_bytes": 2048})
    with TestClient(create_app(settings), headers=SERVICE_HEADERS) as client:
        yield client


def test_a_body_past_the_limit_is_413(small_body_client: TestClient) -> None:
    big = {**NOISE, "description": "吵" * 2000}
    response = small_body_client.post("/api/v1/tickets", json=big)
    assert response.status_code == 413
    assert "larger than 2048 bytes" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield json.dumps(big).encode()[:1500]
        yield json.dumps(big).encode()[1500:]

    streamed = small_body_client.post("/api/v1/tickets", content=chunks(), headers=JSON)
    assert streamed.status_code == 413
    open311 = small_body_client.post("/open311/v2/requests.json", data={"description": "x" * 3000})
    assert open311.status_code == 413
    assert open311.json()[0]["code"] == 413
    assert small_body_client.post("/api/v1/tickets", json=NOISE).status_code == 201
