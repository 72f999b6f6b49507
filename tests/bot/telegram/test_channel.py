"""Start-up and shutdown of the bot: command menu, long polling, or the webhook with its secret."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from bot.telegram.channel import TelegramChannel, assemble_telegram, running_telegram
from bot.telegram.webhook import router as webhook_router
from tests.bot.rasa_double import RasaDouble
from tests.bot.telegram.conftest import mock_request, telegram_settings
from tests.e2e.fake_bot_api import FakeBotApi

WEBHOOK_URL = "https://suban.example.org/telegram/webhook"
SECRET = "s3cret-token_value"


def _channel(
    bot_api: FakeBotApi,
    rasa: RasaDouble,
    session_factory: sessionmaker[Session],
    **settings: object,
) -> TelegramChannel:
    return assemble_telegram(
        settings=telegram_settings(**settings),
        rasa=rasa.client(),
        session_factory=session_factory,
        request=mock_request(bot_api),
        get_updates_request=mock_request(bot_api),
    )


async def _sent_to(bot_api: FakeBotApi, chat_id: int) -> None:
    """Wait until the bot sent something to the chat."""
    await asyncio.to_thread(
        bot_api.wait_for, lambda call: call.method == "sendMessage" and call.chat_id == str(chat_id)
    )


async def test_polling_sets_the_menu_and_handles_queued_updates(
    bot_api: FakeBotApi, rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    bot_api.user_says(1001, "你好")
    async with running_telegram(_channel(bot_api, rasa, session_factory)) as channel:
        await _sent_to(bot_api, 1001)
        assert channel.application.updater is not None
        assert channel.application.updater.running
    methods = [call.method for call in bot_api.calls]
    assert methods[:4] == ["getMe", "setMyCommands", "setMyCommands", "deleteWebhook"]
    chinese, english = [call.params for call in bot_api.calls if call.method == "setMyCommands"]
    assert "language_code" not in chinese
    assert english["language_code"] == "en"
    for menu in (chinese, english):
        assert [c["command"] for c in menu["commands"]] == [
            "start",
            "status",
            "human",
            "cancel",
            "help",
        ]
    assert english["commands"][2]["description"] == "Talk to a person"
    assert rasa.texts == ["你好"]
    assert bot_api.sent(chat_id=1001)[0].params["text"] == "收到：你好"


async def test_webhook_mode_sets_the_webhook_with_its_secret_and_takes_updates(
    bot_api: FakeBotApi, rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    channel = _channel(
        bot_api,
        rasa,
        session_factory,
        telegram_webhook_url=WEBHOOK_URL,
        telegram_webhook_secret=SECRET,
    )
    assert channel.application.updater is None
    app = FastAPI()
    app.include_router(webhook_router)
    async with running_telegram(channel):
        app.state.telegram = channel
        [set_webhook] = [call for call in bot_api.calls if call.method == "setWebhook"]
        assert set_webhook.params["url"] == WEBHOOK_URL
        assert set_webhook.params["secret_token"] == SECRET

        bot_api.user_says(1002, "路灯坏了")
        [update] = bot_api.drain()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://platform") as client:
            wrong = await client.post(
                "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "no"}
            )
            missing = await client.post("/telegram/webhook", json=update)
            junk = await client.post(
                "/telegram/webhook",
                json={"hello": 1},
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            right = await client.post(
                "/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
        assert (wrong.status_code, missing.status_code, junk.status_code) == (403, 403, 400)
        assert right.status_code == 200
        await _sent_to(bot_api, 1002)
    assert rasa.texts == ["路灯坏了"]
    assert "getUpdates" not in [call.method for call in bot_api.calls]


async def test_the_webhook_is_not_found_when_the_bot_polls() -> None:
    app = FastAPI()
    app.include_router(webhook_router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://platform") as client:
        response = await client.post("/telegram/webhook", json={"update_id": 1})
    assert response.status_code == 404


def test_webhook_mode_without_a_secret_is_refused(
    bot_api: FakeBotApi, rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        _channel(bot_api, rasa, session_factory, telegram_webhook_url=WEBHOOK_URL)
