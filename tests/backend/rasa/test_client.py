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
