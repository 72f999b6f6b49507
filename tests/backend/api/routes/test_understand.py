"""`POST /api/v1/understand` on the assembled app, with Rasa mocked or down."""

import httpx
from fastapi.testclient import TestClient

from backend.rasa.client import RasaClient
from tests.conftest import SERVICE_HEADERS


def test_understand_answers_act_category_and_place(app_client: TestClient) -> None:
    def parse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "text": "宝安区新安街道有个井盖不见了",
                "intent": {"name": "road", "confidence": 0.91},
                "entities": [{"entity": "district", "value": "宝安区", "start": 0, "end": 3}],
            },
        )

    http = httpx.AsyncClient(transport=httpx.MockTransport(parse))
    app_client.app.state.rasa = RasaClient(http=http, base_url="http://rasa")
    response = app_client.post(
        "/api/v1/understand", json={"text": "宝安区新安街道有个井盖不见了"}, headers=SERVICE_HEADERS
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["act"], body["intent"], body["service_code"]) == ("report", "road", "road")
    assert body["location"]["district"] == "宝安区"
    assert body["location"]["street"] == "新安街道"
    assert body["entities"][0]["value"] == "宝安区"


def test_understand_is_503_with_a_clear_message_when_rasa_is_down(
    app_client: TestClient,
) -> None:
    # app_settings point Rasa at the discard port: nothing answers.
    response = app_client.post("/api/v1/understand", json={"text": "你好"}, headers=SERVICE_HEADERS)
    assert response.status_code == 503
    assert "Rasa" in response.json()["detail"]


def test_an_empty_text_is_refused(app_client: TestClient) -> None:
    assert (
        app_client.post(
            "/api/v1/understand", json={"text": ""}, headers=SERVICE_HEADERS
        ).status_code
        == 422
    )


def test_a_blank_text_is_refused_before_rasa(app_client: TestClient) -> None:
    for blank in ("   ", "\u3000\n\t", "\x00\x01"):
        response = app_client.post(
            "/api/v1/understand", json={"text": blank}, headers=SERVICE_HEADERS
        )
        assert response.status_code == 422, response.text
        [problem] = response.json()["detail"]
        assert problem["loc"] == ["body", "text"]
        assert problem["msg"] in (
            "Value error, must not be blank",
            "String should have at least 1 character",
        )


def test_the_503_does_not_name_rasas_address(app_client: TestClient) -> None:
    response = app_client.post("/api/v1/understand", json={"text": "你好"}, headers=SERVICE_HEADERS)
    assert response.status_code == 503
    assert response.json() == {"detail": "the NLU service (Rasa) is not available"}
    assert "127.0.0.1" not in response.text and "http" not in response.text
