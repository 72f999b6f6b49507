"""An operator's messages reach a Telegram chat through the outbox, a failed send is retried
(later messages wait behind it, so the chat keeps their order) and the transcript shows the
delivery; the bot stays silent in a held Telegram chat."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.handoff.queries import transcript
from backend.handoff.relay import send_operator_message
from backend.handoff.service import claim, request_human
from backend.outbox.dispatcher import dispatch_pending
from bot.delivery.deliverer import OutboxDeliverer
from bot.telegram.channel import TelegramChannel
from storage.models import ActorKind, HandoffReason, StaffRole, utcnow
from tests.bot.rasa_double import RasaDouble
from tests.bot.telegram.conftest import process_queued
from tests.e2e.fake_bot_api import FakeBotApi

WANG = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)


def act(session_factory: sessionmaker[Session], work: Any) -> Any:
    with session_factory.begin() as session:
        return work(session)


@pytest.fixture
def telegram_chat(
    telegram: TelegramChannel, session_factory: sessionmaker[Session]
) -> OutboxDeliverer:
    """A Telegram chat 1001 held by wang, and the deliverer of the running bot."""

    def work(session: Session) -> None:
        request_human(
            session=session,
            channel="telegram",
            chat_id="1001",
            reason=HandoffReason.asked,
            detail="转人工",
        )
        claim(session=session, channel="telegram", chat_id="1001", actor=WANG)

    act(session_factory, work)
    return OutboxDeliverer(
        rasa=RasaDouble().client(),
        session_factory=session_factory,
        senders={"telegram": telegram.sender},
    )


async def test_operator_messages_reach_telegram_and_failed_sends_are_retried(
    telegram_chat: OutboxDeliverer,
    bot_api: FakeBotApi,
    session_factory: sessionmaker[Session],
) -> None:
    act(
        session_factory,
        lambda s: send_operator_message(
            session=s, channel="telegram", chat_id="1001", actor=WANG, text="请问具体在哪栋楼？"
        ),
    )
    bot_api.fail("sendMessage", chat_id=1001, code=502, description="Bad Gateway", times=1)
    now = utcnow()
    first = await dispatch_pending(
        session_factory=session_factory, deliver=telegram_chat, now=now, batch_size=10
    )
    # the joined notice failed; the message waits behind it
    assert (first.delivered, first.retried) == (0, 2)

    def operator_delivery(session: Session) -> dict[str, Any]:
        shown = transcript(session=session, channel="telegram", chat_id="1001", actor=WANG)
        delivery = shown.messages[-1].delivery
        assert delivery is not None
        return delivery

    assert act(session_factory, operator_delivery)["state"] == "queued"
    later = await dispatch_pending(
        session_factory=session_factory,
        deliver=telegram_chat,
        now=now + timedelta(minutes=5),
        batch_size=10,
    )
    assert later.delivered == 2
    texts = [call.params["text"] for call in bot_api.sent(chat_id=1001)]
    joined = "人工客服已接入，接下来由工作人员为您服务。"
    # the first attempt answered 502; then both went, in order, each once
    assert texts == [joined, joined, "请问具体在哪栋楼？"]
    assert act(session_factory, operator_delivery)["state"] == "sent"


async def test_a_held_telegram_chat_gets_no_bot_reply(
    telegram: TelegramChannel,
    telegram_chat: OutboxDeliverer,
    bot_api: FakeBotApi,
    rasa: RasaDouble,
    session_factory: sessionmaker[Session],
) -> None:
    bot_api.user_says(1001, "我在科技园南区")
    await process_queued(telegram, bot_api)
    assert rasa.texts == []
    assert bot_api.sent(chat_id=1001) == []
    shown = act(
        session_factory,
        lambda s: transcript(session=s, channel="telegram", chat_id="1001", actor=WANG),
    )
    assert (shown.messages[-1].role, shown.messages[-1].text) == ("citizen", "我在科技园南区")
