"""The Telegram channel wired to the doubles: the real Application, handlers and ledger."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.request import HTTPXRequest

from backend.settings import Settings
from bot.telegram.channel import TelegramChannel, assemble_telegram
from tests.bot.rasa_double import RasaDouble
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi

API_BASE = "https://bot-api.test/bot"


def telegram_settings(**overrides: Any) -> Settings:
    """Settings with a bot token and a Bot API address that only the mock transport answers."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": API_BASE,
        "telegram_api_file_url": "https://bot-api.test/file/bot",
        "scheduler_enabled": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def mock_request(bot_api: FakeBotApi) -> HTTPXRequest:
    """PTB's HTTP client with the fake Bot API as its transport."""
    return HTTPXRequest(httpx_kwargs={"transport": bot_api.transport()})


@pytest.fixture
async def telegram(
    bot_api: FakeBotApi, rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> AsyncIterator[TelegramChannel]:
    """An initialised (not polling) bot; feed it updates with `process_queued`."""
    channel = assemble_telegram(
        settings=telegram_settings(),
        rasa=rasa.client(),
        session_factory=session_factory,
        request=mock_request(bot_api),
        get_updates_request=mock_request(bot_api),
    )
    await channel.application.initialize()
    bot_api.calls.clear()  # getMe
    yield channel
    await channel.application.shutdown()


async def process_queued(channel: TelegramChannel, bot_api: FakeBotApi) -> list[dict[str, Any]]:
    """Run every update the test queued through the bot's handlers, in order."""
    updates = bot_api.drain()
    for data in updates:
        await channel.application.process_update(Update.de_json(data, channel.application.bot))
    return updates
