"""The outbox deliverer: Rasa asked once per event, each message sent once, failures classified."""

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.outbox.delivery import DeliveryOutcome, OutboxMessage
from backend.rasa.replies import BotReply
from bot.delivery.deliverer import OutboxDeliverer, ticket_event_entities
from bot.delivery.senders import ChatSendFailed, ChatUnreachable
from bot.delivery.store import chat_updates
from storage.models import OutboundMessage
from tests.bot.rasa_double import RasaDouble

RESOLVED = "已办结：路灯已修复。"
RATING = [
    {"title": "满意", "payload": '/rate{"rating":"3","ticket_no":"SZ20261129-000001"}'},
    {"title": "不满意", "payload": '/rate{"rating":"1","ticket_no":"SZ20261129-000001"}'},
]


@dataclass
class RecordingSender:
    """A chat sender that records replies and fails as told."""

    sent: list[tuple[str, BotReply]] = field(default_factory=list)
    fail_at: dict[int, Exception] = field(default_factory=dict)  # by number of the send attempt
    attempts: int = 0

    async def send_reply(self, *, chat_id: str, reply: BotReply) -> None:
        self.attempts += 1
        if self.attempts in self.fail_at:
            raise self.fail_at[self.attempts]
        self.sent.append((chat_id, reply))


def _event(channel: str = "telegram", chat_id: str = "1001", key: str = "k1") -> OutboxMessage:
    return OutboxMessage(
        id=1,
        dedupe_key=f"ticket:SZ20261129-000001:{key}",
        kind="resolved",
        ticket_no="SZ20261129-000001",
        channel=channel,
        chat_id=chat_id,
        payload={"ticket_no": "SZ20261129-000001", "kind": "resolved", "text": RESOLVED},
    )


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def deliverer(
    rasa: RasaDouble, session_factory: sessionmaker[Session], sender: RecordingSender
) -> OutboxDeliverer:
    rasa.trigger_replies = lambda body: [
        {"text": body["entities"]["event_message"]},
        {"text": "请您对本次办理进行评价：", "buttons": RATING},
    ]
    return OutboxDeliverer(
        rasa=rasa.client(), session_factory=session_factory, senders={"telegram": sender}
    )


def test_the_event_becomes_the_external_intents_entities() -> None:
    assert ticket_event_entities(_event()) == {
        "ticket_no": "SZ20261129-000001",
        "event_kind": "resolved",
        "event_message": RESOLVED,
    }


async def test_a_telegram_event_is_told_through_rasa_and_sent_in_order(
    deliverer: OutboxDeliverer, rasa: RasaDouble, sender: RecordingSender
) -> None:
    result = await deliverer(_event())
    assert result.outcome is DeliveryOutcome.delivered
    [trigger] = rasa.triggers
    assert trigger["sender"] == "telegram:1001"
    assert trigger["name"] == "EXTERNAL_ticket_event"
    assert trigger["entities"]["event_kind"] == "resolved"
    assert [reply.text for _, reply in sender.sent] == [RESOLVED, "请您对本次办理进行评价："]
    assert [b.title for b in sender.sent[1][1].buttons] == ["满意", "不满意"]


async def test_the_same_event_again_is_not_repeated(
    deliverer: OutboxDeliverer, rasa: RasaDouble, sender: RecordingSender
) -> None:
    await deliverer(_event())
    again = await deliverer(_event())
    assert again.outcome is DeliveryOutcome.delivered
    assert len(rasa.triggers) == 1
    assert len(sender.sent) == 2


async def test_a_retry_sends_only_what_did_not_go_out_and_does_not_ask_rasa_again(
    deliverer: OutboxDeliverer, rasa: RasaDouble, sender: RecordingSender
) -> None:
    sender.fail_at = {2: ChatSendFailed("timed out")}
    first = await deliverer(_event())
    assert first.outcome is DeliveryOutcome.retry
    assert first.error == "timed out"
    second = await deliverer(_event())
    assert second.outcome is DeliveryOutcome.delivered
    assert len(rasa.triggers) == 1
    assert [reply.text for _, reply in sender.sent] == [RESOLVED, "请您对本次办理进行评价："]


async def test_a_blocked_chat_is_unreachable(
    deliverer: OutboxDeliverer, sender: RecordingSender
) -> None:
    sender.fail_at = {1: ChatUnreachable("Forbidden: bot was blocked by the user")}
    result = await deliverer(_event())
    assert result.outcome is DeliveryOutcome.unreachable
    assert "blocked" in (result.error or "")


async def test_rasa_down_means_retry_and_nothing_is_stored(
    deliverer: OutboxDeliverer,
    rasa: RasaDouble,
    sender: RecordingSender,
    session_factory: sessionmaker[Session],
) -> None:
    rasa.down = True
    result = await deliverer(_event())
    assert result.outcome is DeliveryOutcome.retry
    assert sender.sent == []
    with session_factory() as session:
        assert session.scalars(select(OutboundMessage)).all() == []


async def test_when_rasa_says_nothing_the_event_text_is_sent(
    deliverer: OutboxDeliverer, rasa: RasaDouble, sender: RecordingSender
) -> None:
    rasa.trigger_replies = lambda body: []
    result = await deliverer(_event())
    assert result.outcome is DeliveryOutcome.delivered
    assert [reply.text for _, reply in sender.sent] == [RESOLVED]


async def test_a_channel_that_is_not_running_is_retried_later(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    deliverer = OutboxDeliverer(rasa=rasa.client(), session_factory=session_factory, senders={})
    result = await deliverer(_event())
    assert result.outcome is DeliveryOutcome.retry
    assert rasa.triggers == []


async def test_an_event_without_a_chat_is_unreachable(deliverer: OutboxDeliverer) -> None:
    result = await deliverer(_event(chat_id=None))  # type: ignore[arg-type]
    assert result.outcome is DeliveryOutcome.unreachable


async def test_a_web_chat_event_waits_in_the_store_for_the_page(
    deliverer: OutboxDeliverer,
    rasa: RasaDouble,
    sender: RecordingSender,
    session_factory: sessionmaker[Session],
) -> None:
    event = _event(channel="web", chat_id="websession01")
    assert (await deliverer(event)).outcome is DeliveryOutcome.delivered
    assert (await deliverer(event)).outcome is DeliveryOutcome.delivered
    assert sender.sent == []
    assert len(rasa.triggers) == 1
    assert rasa.triggers[0]["sender"] == "web:websession01"
    with session_factory() as session:
        stored = chat_updates(session=session, channel="web", chat_id="websession01", after=0)
        later = chat_updates(
            session=session, channel="web", chat_id="websession01", after=stored[0].id
        )
        other = chat_updates(session=session, channel="web", chat_id="someone-else", after=0)
    assert [item.reply.text for item in stored] == [RESOLVED, "请您对本次办理进行评价："]
    assert [item.reply.text for item in later] == ["请您对本次办理进行评价："]
    assert other == []
