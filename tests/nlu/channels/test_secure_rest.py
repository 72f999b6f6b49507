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


class EchoAgent:
    """Stands in for Rasa's agent: answers `echo: <text>` to whoever the body names."""

    async def handle_message(self, message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


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
