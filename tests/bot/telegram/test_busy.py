"""Telegram with Rasa down: "busy" once, the messages kept, answered when Rasa is back."""

from sqlalchemy.orm import Session, sessionmaker
from time_machine import TimeMachineFixture

from bot.telegram.channel import assemble_telegram
from bot.texts import bot_text
from tests.bot.rasa_double import RasaDouble
from tests.bot.telegram.conftest import mock_request, process_queued, telegram_settings
from tests.e2e.fake_bot_api import FakeBotApi

CHAT = 1001


async def test_rasa_down_the_chat_hears_busy_once_and_gets_its_answer_later(
    bot_api: FakeBotApi,
    rasa: RasaDouble,
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
) -> None:
    channel = assemble_telegram(
        settings=telegram_settings(busy_retry_seconds=1),
        rasa=rasa.client(),
        session_factory=session_factory,
        request=mock_request(bot_api),
        get_updates_request=mock_request(bot_api),
    )
    await channel.application.initialize()
    try:
        bot_api.calls.clear()
        rasa.down = True
        for text in ("路灯坏了", "在科技园"):
            bot_api.user_says(CHAT, text)
        await process_queued(channel, bot_api)
        assert [c.params["text"] for c in bot_api.calls] == [bot_text("busy")]

        bot_api.calls.clear()
        rasa.down = False
        frozen_clock.shift(1.1)
        gate = channel.handlers.gate
        assert await gate.release_due(releasers={"telegram": channel.release_held}) == 1
        assert rasa.texts == ["路灯坏了\n在科技园"]
        assert [(c.method, c.params) for c in bot_api.calls] == [
            ("sendMessage", {"chat_id": "1001", "text": "收到：路灯坏了\n在科技园"})
        ]
    finally:
        await channel.application.shutdown()
