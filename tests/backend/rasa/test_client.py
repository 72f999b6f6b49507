"""The Rasa client carries RASA_TOKEN: a bearer header to the channel, `?token=` to the API."""

import httpx

from backend.rasa.client import CHANNEL_PATH, RasaClient


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
