"""The typed client to the platform: retries, errors, the bearer token, built lazily."""

import httpx
import pytest
from tenacity import wait_none

from actions import backend_client
from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable
from actions.config import ActionSettings, settings_from_env


def client_for(handler) -> BackendClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://platform")
    return BackendClient(http=http, wait=wait_none())


async def test_a_5xx_is_retried_until_it_works() -> None:
    answers = [
        httpx.Response(503),
        httpx.Response(502),
        httpx.Response(200, json={"district": "南山区"}),
    ]
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[len(seen) - 1]

    place = await client_for(handler).locate(text="南山")
    assert place["district"] == "南山区"
    assert len(seen) == 3


async def test_connection_errors_give_up_after_three_attempts() -> None:
    seen = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(BackendUnavailable):
        await client_for(refuse).get_ticket(
            ticket_no="SZ20261129-000001", channel="web", chat_id="s1"
        )
    assert len(seen) == 3


async def test_a_4xx_is_not_retried_and_carries_the_detail() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(409, json={"detail": "already rated"})

    with pytest.raises(BackendRejected) as error:
        await client_for(handler).rate_ticket(
            ticket_no="SZ1", channel="web", chat_id="s1", rating={"score": 3}
        )
    assert (error.value.status, error.value.detail) == (409, "already rated")
    assert len(seen) == 1


async def test_the_service_token_is_sent_as_a_bearer() -> None:
    client = backend_client.build_backend_client(
        ActionSettings(backend_url="http://platform", service_token="s3cret")
    )
    assert client._http.headers["Authorization"] == "Bearer s3cret"
    await client.aclose()


async def test_a_missing_service_token_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    client = backend_client.build_backend_client(ActionSettings(backend_url="http://platform"))
    assert "Authorization" not in client._http.headers
    assert "SERVICE_API_TOKEN is not set" in caplog.text
    await client.aclose()


def test_settings_come_from_the_environment() -> None:
    settings = settings_from_env(
        {
            "SUBAN_BACKEND_URL": "http://10.0.0.5:8000/",
            "SERVICE_API_TOKEN": " ",
            "SUBAN_FAQ_THRESHOLD": "0.8",
        }
    )
    assert settings.backend_url == "http://10.0.0.5:8000"
    assert settings.service_token is None
    assert settings.faq_threshold == 0.8


def test_a_bad_number_in_the_environment_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="SUBAN_BACKEND_TIMEOUT"):
        settings_from_env({"SUBAN_BACKEND_TIMEOUT": "soon"})
