"""The bot's handlers against an in-memory Bot API: the exact calls it makes for each input."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from time_machine import TimeMachineFixture

from backend.citizens.service import get_or_create_identity
from bot.telegram.channel import TelegramChannel, assemble_telegram
from bot.texts import bot_text
from storage.models import ChannelIdentity
from tests.bot.rasa_double import RasaDouble
from tests.bot.telegram.conftest import mock_request, process_queued, telegram_settings
from tests.e2e.fake_bot_api import BOT_USER, FakeBotApi

CHAT = 1001
RATING_BUTTONS = [
    {"title": "满意", "payload": '/rate{"rating":"3","ticket_no":"SZ20261129-000123"}'},
    {"title": "基本满意", "payload": '/rate{"rating":"2","ticket_no":"SZ20261129-000123"}'},
    {"title": "不满意", "payload": '/rate{"rating":"1","ticket_no":"SZ20261129-000123"}'},
]


def calls(bot_api: FakeBotApi) -> list[tuple[str, dict]]:
    return [(call.method, call.params) for call in bot_api.calls]


async def test_a_text_goes_to_rasa_and_the_replies_come_back_in_order(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [
        {"text": "您好，请问具体在哪个街道？"},
        {"text": "也可以发送定位。"},
    ]
    bot_api.user_says(CHAT, "小区门口路灯坏了")
    await process_queued(telegram, bot_api)

    [sent] = rasa.messages
    assert sent["sender"] == "telegram:1001"
    assert sent["message"] == "小区门口路灯坏了"
    assert sent["metadata"]["channel"] == "telegram"
    assert sent["metadata"]["chat_id"] == "1001"
    assert sent["metadata"]["telegram"]["user_id"] == CHAT
    assert calls(bot_api) == [
        ("sendMessage", {"chat_id": "1001", "text": "您好，请问具体在哪个街道？"}),
        ("sendMessage", {"chat_id": "1001", "text": "也可以发送定位。"}),
    ]


async def test_buttons_become_an_inline_keyboard_whose_data_is_the_rasa_payload(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [{"text": "请您评价本次办理：", "buttons": RATING_BUTTONS}]
    bot_api.user_says(CHAT, "好的")
    await process_queued(telegram, bot_api)

    keyboard = [
        [{"text": b["title"], "callback_data": b["payload"]} for b in RATING_BUTTONS],
    ]
    assert calls(bot_api) == [
        (
            "sendMessage",
            {
                "chat_id": "1001",
                "text": "请您评价本次办理：",
                "reply_markup": {"inline_keyboard": keyboard},
            },
        )
    ]


async def test_a_tap_is_acknowledged_its_keyboard_removed_and_its_payload_sent_to_rasa(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [{"text": "请您评价：", "buttons": RATING_BUTTONS}]
    bot_api.user_says(CHAT, "好的")
    await process_queued(telegram, bot_api)
    message_id = _last_message_id(bot_api)
    bot_api.calls.clear()
    rasa.reply_to = lambda text: [{"text": "感谢您的评价！"}]

    bot_api.user_taps(CHAT, message_id, RATING_BUTTONS[2]["payload"])
    await process_queued(telegram, bot_api)

    assert [method for method, _ in calls(bot_api)] == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "sendMessage",
    ]
    assert bot_api.calls[1].params == {"chat_id": "1001", "message_id": str(message_id)}
    assert rasa.texts[-1] == RATING_BUTTONS[2]["payload"]
    assert bot_api.calls[2].params == {"chat_id": "1001", "text": "感谢您的评价！"}


async def test_a_double_tap_counts_once(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [{"text": "请您评价：", "buttons": RATING_BUTTONS}]
    bot_api.user_says(CHAT, "好的")
    await process_queued(telegram, bot_api)
    message_id = _last_message_id(bot_api)
    bot_api.calls.clear()

    bot_api.user_taps(CHAT, message_id, RATING_BUTTONS[0]["payload"])
    bot_api.user_taps(CHAT, message_id, RATING_BUTTONS[0]["payload"])
    await process_queued(telegram, bot_api)

    assert rasa.texts.count(RATING_BUTTONS[0]["payload"]) == 1
    assert [method for method, _ in calls(bot_api)].count("answerCallbackQuery") == 2
    assert [method for method, _ in calls(bot_api)].count("editMessageReplyMarkup") == 1


async def test_a_payload_longer_than_64_bytes_travels_under_a_short_id(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    long_payload = '/inform{"address":"宝安区新安街道建安一路88号海滨花园小区东门"}'
    assert len(long_payload.encode()) > 64
    rasa.reply_to = lambda text: [
        {"text": "地址是这个吗？", "buttons": [{"title": "是", "payload": long_payload}]}
    ]
    bot_api.user_says(CHAT, "好的")
    await process_queued(telegram, bot_api)
    [button] = bot_api.calls[-1].buttons
    assert button["callback_data"].startswith("~")
    assert len(button["callback_data"].encode()) <= 64

    bot_api.user_taps(CHAT, _last_message_id(bot_api), button["callback_data"])
    await process_queued(telegram, bot_api)
    assert rasa.texts[-1] == long_payload


async def test_a_long_reply_is_split_on_line_breaks_and_the_keyboard_rides_on_the_last_piece(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    lines = [f"第{n}条：" + "办理进展说明" * 20 for n in range(60)]  # ~7,500 characters
    rasa.reply_to = lambda text: [{"text": "\n".join(lines), "buttons": RATING_BUTTONS[:1]}]
    bot_api.user_says(CHAT, "我的工单")
    await process_queued(telegram, bot_api)

    sent = bot_api.sent(chat_id=CHAT)
    assert len(sent) == 2
    assert all(len(call.params["text"]) <= 4096 for call in sent)
    assert "\n".join(call.params["text"] for call in sent) == "\n".join(lines)
    assert "reply_markup" not in sent[0].params
    assert sent[1].buttons[0]["text"] == "满意"


async def test_an_image_reply_is_sent_with_send_photo(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [{"text": "示例：", "image": "https://example.org/sample.jpg"}]
    bot_api.user_says(CHAT, "怎么拍照")
    await process_queued(telegram, bot_api)
    assert calls(bot_api) == [
        ("sendMessage", {"chat_id": "1001", "text": "示例："}),
        ("sendPhoto", {"chat_id": "1001", "photo": "https://example.org/sample.jpg"}),
    ]


async def test_a_photo_sends_the_largest_sizes_file_id_then_the_caption(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_sends_photo(CHAT, ["small", "medium", "large"], caption="垃圾堆了好几天")
    await process_queued(telegram, bot_api)
    assert rasa.texts == ['/send_photo{"photo_file_id":"large"}', "垃圾堆了好几天"]


async def test_a_location_pin_is_resolved_confirmed_and_told_to_rasa(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_sends_location(CHAT, 22.540, 113.953)  # 深圳科技园
    await process_queued(telegram, bot_api)

    confirmation = bot_api.sent(chat_id=CHAT)[0].params["text"]
    assert confirmation.startswith("定位到 南山区 粤海街道（约 ")
    assert confirmation.endswith(" 公里），对吗？")
    assert [json.loads(t.removeprefix("/inform")) for t in rasa.texts] == [
        {"district": "南山区", "street": "粤海街道"}
    ]


async def test_a_location_outside_shenzhen_is_not_sent_to_rasa(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_sends_location(CHAT, 23.129, 113.264)  # 广州
    await process_queued(telegram, bot_api)
    assert rasa.messages == []
    assert "不在深圳市范围内" in bot_api.sent(chat_id=CHAT)[0].params["text"]


async def test_start_with_a_ticket_number_asks_rasa_for_its_status(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_says(CHAT, "/start SZ20261129-000123")
    bot_api.user_says(CHAT, "/start")
    bot_api.user_says(CHAT, "/status")
    bot_api.user_says(CHAT, "/human")
    bot_api.user_says(CHAT, "/cancel")
    await process_queued(telegram, bot_api)
    assert rasa.texts == [
        '/check_status{"ticket_id":"SZ20261129-000123"}',
        "/greet",
        "/check_status",
        "/request_human",
        "/cancel",
    ]


async def test_help_and_unknown_commands_are_answered_by_the_channel(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_says(CHAT, "/help")
    bot_api.user_says(CHAT, "/whatever")
    await process_queued(telegram, bot_api)
    assert rasa.messages == []
    texts = [call.params["text"] for call in bot_api.sent(chat_id=CHAT)]
    assert len(texts) == 2
    assert all("/status" in text and "/human" in text for text in texts)


async def test_the_same_update_delivered_twice_is_handled_once(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    update_id = bot_api.user_says(CHAT, "路灯坏了")
    [update] = bot_api.drain()
    bot_api.inject({k: v for k, v in update.items() if k != "update_id"}, update_id=update_id)
    bot_api.inject({k: v for k, v in update.items() if k != "update_id"}, update_id=update_id)
    await process_queued(telegram, bot_api)
    assert rasa.texts == ["路灯坏了"]


async def test_group_chats_are_ignored(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -500, "type": "group", "title": "业主群"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "市民"},
        "text": "路灯坏了",
    }
    bot_api.inject({"message": message})
    await process_queued(telegram, bot_api)
    assert rasa.messages == []
    assert bot_api.calls == []


async def test_a_citizen_who_blocked_the_bot_is_marked_unreachable_and_not_retried(
    telegram: TelegramChannel,
    bot_api: FakeBotApi,
    rasa: RasaDouble,
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        get_or_create_identity(session=session, channel="telegram", chat_id=str(CHAT))
    bot_api.fail(
        "sendMessage",
        chat_id=CHAT,
        code=403,
        description="Forbidden: bot was blocked by the user",
        times=None,
    )
    rasa.reply_to = lambda text: [{"text": "一"}, {"text": "二"}]
    bot_api.user_says(CHAT, "路灯坏了")
    await process_queued(telegram, bot_api)

    assert [call.method for call in bot_api.calls] == ["sendMessage"]  # tried once, not again
    assert _reachable(session_factory, CHAT) is False


async def test_blocking_and_unblocking_the_bot_updates_reachability(
    telegram: TelegramChannel, bot_api: FakeBotApi, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        get_or_create_identity(session=session, channel="telegram", chat_id=str(CHAT))
    bot_api.inject({"my_chat_member": _membership("member", "kicked")})
    await process_queued(telegram, bot_api)
    assert _reachable(session_factory, CHAT) is False
    bot_api.inject({"my_chat_member": _membership("kicked", "member")})
    await process_queued(telegram, bot_api)
    assert _reachable(session_factory, CHAT) is True


def _membership(old: str, new: str) -> dict:
    user = {"id": CHAT, "is_bot": False, "first_name": "市民"}
    return {
        "chat": {"id": CHAT, "type": "private", "first_name": "市民"},
        "from": user,
        "date": 0,
        "old_chat_member": _member(old),
        "new_chat_member": _member(new),
    }


def _member(status: str) -> dict:
    member = {"status": status, "user": BOT_USER}
    return {**member, "until_date": 0} if status == "kicked" else member


def _reachable(session_factory: sessionmaker[Session], chat_id: int) -> bool:
    with session_factory() as session:
        return session.scalar(
            select(ChannelIdentity.reachable).where(
                ChannelIdentity.channel == "telegram", ChannelIdentity.chat_id == str(chat_id)
            )
        )


def _last_message_id(bot_api: FakeBotApi) -> int:
    return bot_api.messages[-1]["message_id"]


async def test_a_tap_whose_query_is_too_old_to_answer_still_counts(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [{"text": "请您评价：", "buttons": RATING_BUTTONS}]
    bot_api.user_says(CHAT, "好的")
    await process_queued(telegram, bot_api)
    bot_api.fail(
        "answerCallbackQuery",
        chat_id=None,
        code=400,
        description="Bad Request: query is too old and response timeout expired",
        times=1,
    )
    bot_api.user_taps(CHAT, _last_message_id(bot_api), RATING_BUTTONS[1]["payload"])
    await process_queued(telegram, bot_api)
    assert rasa.texts[-1] == RATING_BUTTONS[1]["payload"]


async def test_over_the_rate_limit_the_chat_is_told_once_and_its_last_message_handled_later(
    bot_api: FakeBotApi,
    rasa: RasaDouble,
    session_factory: sessionmaker[Session],
    frozen_clock: TimeMachineFixture,
) -> None:
    channel = assemble_telegram(
        settings=telegram_settings(chat_rate_limit="1/second"),
        rasa=rasa.client(),
        session_factory=session_factory,
        request=mock_request(bot_api),
        get_updates_request=mock_request(bot_api),
    )
    await channel.application.initialize()
    try:
        bot_api.calls.clear()
        for text in ("路灯坏了", "在科技园", "科技园南门"):
            bot_api.user_says(CHAT, text)
        await process_queued(channel, bot_api)
        assert rasa.texts == ["路灯坏了"]
        sent = [params["text"] for method, params in calls(bot_api)]
        assert sent[0] == "收到：路灯坏了"
        assert len(sent) == 2 and "已经记下" in sent[1]  # the second held message: no reply

        bot_api.calls.clear()
        frozen_clock.shift(1.1)
        gate = channel.handlers.gate
        released = await gate.release_due(releasers={"telegram": channel.release_held})
        assert released == 1
        assert rasa.texts == ["路灯坏了", "科技园南门"]
        assert calls(bot_api) == [("sendMessage", {"chat_id": "1001", "text": "收到：科技园南门"})]
    finally:
        await channel.application.shutdown()


async def test_a_blank_text_gets_the_prompt_and_never_reaches_rasa(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_says(CHAT, "\x00 \u3000")
    await process_queued(telegram, bot_api)
    assert rasa.messages == []
    assert calls(bot_api) == [
        ("sendMessage", {"chat_id": "1001", "text": bot_text("blank_message")})
    ]


async def test_control_characters_are_stripped_before_rasa(
    telegram: TelegramChannel, bot_api: FakeBotApi, rasa: RasaDouble
) -> None:
    bot_api.user_says(CHAT, "路灯\x00坏了\x07")
    await process_queued(telegram, bot_api)
    assert rasa.texts == ["路灯坏了"]
