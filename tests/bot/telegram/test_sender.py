"""The deliverer's Telegram sender: blocked chats are unreachable, passing failures retried."""

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from backend.rasa.replies import BotReply, Button
from bot.delivery.senders import ChatSendFailed, ChatUnreachable
from bot.telegram.keyboards import CallbackPayloads
from bot.telegram.ordering import ChatLocks
from bot.telegram.sender import TelegramSender
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi


@pytest.fixture
async def sender(bot_api: FakeBotApi) -> TelegramSender:
    bot = Bot(
        TOKEN,
        base_url="https://bot-api.test/bot",
        request=HTTPXRequest(httpx_kwargs={"transport": bot_api.transport()}),
    )
    return TelegramSender(bot=bot, payloads=CallbackPayloads(), locks=ChatLocks())


async def test_a_reply_with_buttons_is_sent_as_one_message(
    sender: TelegramSender, bot_api: FakeBotApi
) -> None:
    reply = BotReply(text="已办结：路灯已修复。", buttons=(Button(title="满意", payload="/rate"),))
    await sender.send_reply(chat_id="1001", reply=reply)
    [call] = bot_api.calls
    assert call.method == "sendMessage"
    assert call.params["text"] == "已办结：路灯已修复。"
    assert call.buttons == [{"text": "满意", "callback_data": "/rate"}]


@pytest.mark.parametrize(
    ("code", "description"),
    [(403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")],
)
async def test_a_blocked_or_vanished_chat_is_unreachable(
    sender: TelegramSender, bot_api: FakeBotApi, code: int, description: str
) -> None:
    bot_api.fail("sendMessage", chat_id=1001, code=code, description=description, times=None)
    with pytest.raises(ChatUnreachable):
        await sender.send_reply(chat_id="1001", reply=BotReply(text="您好"))


async def test_a_server_error_is_a_passing_failure(
    sender: TelegramSender, bot_api: FakeBotApi
) -> None:
    bot_api.fail("sendMessage", chat_id=None, code=502, description="Bad Gateway", times=None)
    with pytest.raises(ChatSendFailed):
        await sender.send_reply(chat_id="1001", reply=BotReply(text="您好"))
