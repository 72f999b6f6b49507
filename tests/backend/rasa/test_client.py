"""The Rasa client carries RASA_TOKEN: a bearer header to the channel, `?token=` to the API."""

import httpx
import pytest

from backend.rasa.client import (
    TURN_PATH,
    RasaClient,
    RasaUnavailable,
    rasa_base_urls,
    sticky_order,
)


async def test_the_token_goes_in_a_header_to_the_channel_and_as_a_param_to_the_api() -> None:
    seen: list[httpx.Request] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == TURN_PATH:
            return httpx.Response(200, json={"messages": [{"text": "你好"}], "nlu": {}})
        return httpx.Response(200, json={"text": "你好", "intent": {}})

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(rasa)),
        base_url="http://rasa",
        token="s3cret-token",
    )
    await client.send_turn(sender_id="web:x", text="你好")
    await client.parse(text="你好")
    channel, tracker = seen
    assert channel.url.path == "/webhooks/suban/turn"
    assert channel.headers["Authorization"] == "Bearer s3cret-token"
    assert "s3cret-token" not in str(channel.url)  # never in an access log
    assert tracker.url.params["token"] == "s3cret-token"


def test_rasa_urls_override_rasa_url() -> None:
    assert rasa_base_urls(rasa_url="http://a/", rasa_urls=None) == ["http://a"]
    assert rasa_base_urls(rasa_url="http://a", rasa_urls=" http://b/, http://c ,") == [
        "http://b",
        "http://c",
    ]


def test_a_conversation_always_starts_at_the_same_server_and_they_spread() -> None:
    urls = ["http://r1", "http://r2"]
    firsts = {sticky_order(urls, f"web:{i}")[0] for i in range(50)}
    assert firsts == set(urls)
    assert sticky_order(urls, "web:7") == sticky_order(urls, "web:7")
    assert sorted(sticky_order(urls, "web:7")) == urls


async def test_a_turn_is_one_call_and_a_refusing_server_passes_it_on() -> None:
    seen: list[str] = []
    down = sticky_order(["http://r1", "http://r2"], "web:x")[0]

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.scheme}://{request.url.host}{request.url.path}")
        if f"{request.url.scheme}://{request.url.host}" == down:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(
            200, json={"messages": [{"text": "好"}], "nlu": {"intent": {"name": "noise"}}}
        )

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(rasa)),
        base_url="http://r1",
        more_urls=["http://r2"],
        token="t",
    )
    turn = await client.send_turn(sender_id="web:x", text="吵")
    assert [reply.text for reply in turn.replies] == ["好"]
    assert turn.nlu == {"intent": {"name": "noise"}}
    assert [url.rsplit("/webhooks", 1)[1] for url in seen] == ["/suban/turn", "/suban/turn"]
    assert seen[0].startswith(down)


async def test_when_no_server_answers_the_turn_is_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(refuse)),
        base_url="http://r1",
        more_urls=["http://r2"],
    )
    with pytest.raises(RasaUnavailable):
        await client.send_turn(sender_id="web:x", text="吵")


async def test_with_the_action_server_down_no_turn_is_sent_to_rasa() -> None:
    """Rasa would run the turn without its actions (their events lost): it must not see it."""
    seen: list[str] = []
    actions_up = True

    def services(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host}{request.url.path}")
        if request.url.host == "actions":
            return httpx.Response(200 if actions_up else 503, json={"status": "ok"})
        return httpx.Response(200, json={"messages": [{"recipient_id": "web:x", "text": "你好"}]})

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(services)),
        base_url="http://rasa",
        action_server_url="http://actions",
    )
    turn = await client.send_turn(sender_id="web:x", text="你好")
    assert [r.text for r in turn.replies] == ["你好"]
    actions_up = False
    with pytest.raises(RasaUnavailable, match="action server is down"):
        await client.send_turn(sender_id="web:x", text="噪音")
    with pytest.raises(RasaUnavailable):
        await client.trigger_intent(sender_id="web:x", intent="ticket_event")
    assert seen == [
        "actions/health",
        "rasa/webhooks/suban/turn",
        "actions/health",
        "actions/health",
    ]


async def test_a_new_model_is_loaded_by_every_rasa_server_and_status_asks_the_first() -> None:
    seen: list[str] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.host}{request.url.path}")
        return httpx.Response(200, json={"model_file": "new.tar.gz"})

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(rasa)),
        base_url="http://r1",
        more_urls=["http://r2"],
    )
    async with client.switch.closed():
        await client.load_model(model_file="new.tar.gz", timeout_seconds=5)
    assert (await client.status())["model_file"] == "new.tar.gz"
    assert seen == ["PUT r1/model", "PUT r2/model", "GET r1/status"]
