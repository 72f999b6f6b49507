"""The Rasa client carries RASA_TOKEN: a bearer header to the channel, `?token=` to the API."""

import httpx
import pytest

from backend.rasa.client import CHANNEL_PATH, RasaClient, RasaUnavailable


async def test_the_token_goes_in_a_header_to_the_channel_and_as_a_param_to_the_api() -> None:
    seen: list[httpx.Request] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == CHANNEL_PATH:
            return httpx.Response(200, json=[{"recipient_id": "web:x", "text": "你好"}])
        return httpx.Response(200, json={"latest_message": {}, "messages": []})

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(rasa)),
        base_url="http://rasa",
        token="s3cret-token",
    )
    await client.send_message(sender_id="web:x", text="你好")
    await client.latest_message(sender_id="web:x")
    channel, tracker = seen
    assert channel.url.path == "/webhooks/suban/webhook"
    assert channel.headers["Authorization"] == "Bearer s3cret-token"
    assert "s3cret-token" not in str(channel.url)  # never in an access log
    assert tracker.url.params["token"] == "s3cret-token"


async def test_with_the_action_server_down_no_turn_is_sent_to_rasa() -> None:
    """Rasa would run the turn without its actions (their events lost): it must not see it."""
    seen: list[str] = []
    actions_up = True

    def services(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host}{request.url.path}")
        if request.url.host == "actions":
            return httpx.Response(200 if actions_up else 503, json={"status": "ok"})
        return httpx.Response(200, json=[{"recipient_id": "web:x", "text": "你好"}])

    client = RasaClient(
        http=httpx.AsyncClient(transport=httpx.MockTransport(services)),
        base_url="http://rasa",
        action_server_url="http://actions",
    )
    assert [r.text for r in await client.send_message(sender_id="web:x", text="你好")] == ["你好"]
    actions_up = False
    with pytest.raises(RasaUnavailable, match="action server is down"):
        await client.send_message(sender_id="web:x", text="噪音")
    with pytest.raises(RasaUnavailable):
        await client.trigger_intent(sender_id="web:x", intent="ticket_event")
    assert seen == [
        "actions/health",
        "rasa/webhooks/suban/webhook",
        "actions/health",
        "actions/health",
    ]
