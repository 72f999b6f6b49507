"""Rasa's channel for the platform answers only with the token (Rasa runtime).

Run with `.venv-rasa/bin/python -m pytest tests/nlu/channels -p no:cacheprovider
--confcutdir=tests/nlu` (the main runtime skips this folder).
"""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.run import create_http_input_channels
from sanic import Sanic

from nlu.channels.secure_rest import SecureRestInput

REPO = Path(__file__).resolve().parents[3]
TOKEN = "rasa-test-token"
WEBHOOK = "/webhooks/suban/webhook"


class UpperParser:
    """Stands in for Rasa's processor: the "intent" is the text upper-cased."""

    parsed = 0

    async def parse_message(self, message: UserMessage) -> dict:
        self.parsed += 1
        return {"text": message.text, "intent": {"name": message.text.upper()}, "entities": []}


class EchoAgent:
    """Stands in for Rasa's agent: answers `echo: <text>` to whoever the body names, and the
    intent it was handed when the channel parsed the message first."""

    def __init__(self) -> None:
        self.processor = UpperParser()

    async def handle_message(self, message: UserMessage) -> None:
        said = f"echo: {message.text}"
        if message.parse_data:
            said += f" ({message.parse_data['intent']['name']})"
        await message.output_channel.send_text_message(message.sender_id, said)


@pytest.fixture(scope="module")
def app() -> Sanic:
    """The channel registered on a Sanic app as `rasa run` does; once per module, because
    Sanic rewrites its own code on the first start-up and refuses a second."""
    app = Sanic("secure_rest_test")
    app.ctx.agent = EchoAgent()
    register([SecureRestInput.from_credentials({"token": TOKEN})], app, route="/webhooks/")
    asyncio.run(app._startup())  # what serving does first (no sanic-testing in this runtime)
    return app


@pytest.fixture
async def rasa(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    """A client calling the app over ASGI."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rasa") as client:
        yield client


BODY = {"sender": "telegram:12345", "message": "我的工单怎么样了"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"X-Token": TOKEN}],
)
async def test_a_stranger_cannot_talk_as_a_citizen(
    rasa: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await rasa.post(WEBHOOK, json=BODY, headers=headers)
    assert response.status_code == 401
    assert (await rasa.post(WEBHOOK, json=BODY, params={"token": TOKEN})).status_code == 401


async def test_the_platform_with_the_token_gets_the_replies(rasa: httpx.AsyncClient) -> None:
    response = await rasa.post(WEBHOOK, json=BODY, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "telegram:12345", "text": "echo: 我的工单怎么样了"}]


async def test_one_turn_call_gives_the_replies_and_the_parse_rasa_used(
    app: Sanic, rasa: httpx.AsyncClient
) -> None:
    before = app.ctx.agent.processor.parsed
    body = {"sender": "web:abc", "message": "hi", "metadata": {"channel": "web"}}
    response = await rasa.post(
        "/webhooks/suban/turn", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "messages": [{"recipient_id": "web:abc", "text": "echo: hi (HI)"}],
        "nlu": {"text": "hi", "intent": {"name": "HI"}, "entities": []},
    }
    assert app.ctx.agent.processor.parsed == before + 1


async def test_the_turn_call_needs_the_token_and_a_sender(rasa: httpx.AsyncClient) -> None:
    turn = "/webhooks/suban/turn"
    assert (await rasa.post(turn, json=BODY)).status_code == 401
    bad = await rasa.post(
        turn, json={"message": "hi"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert bad.status_code == 400


def test_the_channel_needs_a_token() -> None:
    with pytest.raises(ValueError, match="token"):
        SecureRestInput.from_credentials({"token": " "})


def test_credentials_serve_only_this_channel_with_rasa_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    [channel] = create_http_input_channels(None, str(REPO / "nlu" / "credentials.yml"))
    assert isinstance(channel, SecureRestInput)
    assert channel.token == TOKEN
