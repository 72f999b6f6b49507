"""Health checks of the parts the platform depends on, against mocked HTTP answers."""

import httpx
import pytest

from backend.health import check_action_server, check_rasa


def client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


def rasa_status(request: httpx.Request) -> httpx.Response:
    """Rasa behind `--auth-token rasa-token`: /status wants `?token=`."""
    if request.url.params.get("token") != "rasa-token":
        return httpx.Response(401, json={"message": "User is not authenticated."})
    return httpx.Response(200, json={"model_file": "suban.tar.gz", "model_id": "x"})


async def test_rasa_with_a_loaded_model_is_up() -> None:
    async with client(httpx.MockTransport(rasa_status)) as http:
        part = await check_rasa(
            http=http, rasa_url="http://rasa", rasa_token="rasa-token", timeout_seconds=1
        )
    assert part.ok
    assert part.detail == "suban.tar.gz"


async def test_rasa_refusing_the_token_is_down() -> None:
    async with client(httpx.MockTransport(rasa_status)) as http:
        part = await check_rasa(
            http=http, rasa_url="http://rasa", rasa_token="wrong", timeout_seconds=1
        )
    assert not part.ok
    assert "401" in part.detail


async def test_rasa_without_a_model_is_down() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"model_file": None}))
    async with client(transport) as http:
        part = await check_rasa(
            http=http, rasa_url="http://rasa", rasa_token=None, timeout_seconds=1
        )
    assert not part.ok
    assert part.detail == "no model loaded"


@pytest.mark.parametrize("check", ["rasa", "actions"])
async def test_unreachable_services_are_down(check: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with client(httpx.MockTransport(refuse)) as http:
        if check == "rasa":
            part = await check_rasa(
                http=http, rasa_url="http://rasa", rasa_token=None, timeout_seconds=1
            )
        else:
            part = await check_action_server(
                http=http, action_server_url="http://a", timeout_seconds=1
            )
    assert not part.ok
    assert "unreachable" in part.detail


async def test_action_server_error_status_is_down() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    async with client(transport) as http:
        part = await check_action_server(http=http, action_server_url="http://a", timeout_seconds=1)
    assert not part.ok
    assert "500" in part.detail
