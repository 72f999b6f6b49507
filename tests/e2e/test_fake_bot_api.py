"""The fake Bot API over real HTTP: the real bot long-polls it and answers through it (no Rasa
server needed: a Rasa double answers)."""

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from backend.settings import Settings
from bot.telegram.channel import assemble_telegram, running_telegram
from tests.bot.rasa_double import RasaDouble
from tests.e2e.fake_bot_api import serving_fake_bot_api


async def test_the_real_bot_long_polls_the_fake_and_replies_through_it(
    session_factory: sessionmaker[Session],
) -> None:
    rasa = RasaDouble()
    rasa.reply_to = lambda text: [
        {"text": "请选择区：", "buttons": [{"title": "南山区", "payload": "/inform"}]}
    ]
    with serving_fake_bot_api() as served:
        settings = Settings(
            telegram_bot_token=served.api.token,
            telegram_api_base_url=served.base_url,
            telegram_api_file_url=served.file_url,
            _env_file=None,
        )
        channel = assemble_telegram(
            settings=settings, rasa=rasa.client(), session_factory=session_factory
        )
        async with running_telegram(channel):
            served.api.user_says(1001, "路灯坏了")
            reply = await asyncio.to_thread(
                served.api.wait_for, lambda c: c.method == "sendMessage", timeout=30
            )
    assert reply.chat_id == "1001"
    assert reply.params["text"] == "请选择区："
    assert reply.buttons == [{"text": "南山区", "callback_data": "/inform"}]
    assert [c["command"] for c in served.api.commands] == [
        "start",
        "status",
        "human",
        "cancel",
        "help",
    ]
    assert rasa.texts == ["路灯坏了"]
