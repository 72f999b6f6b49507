"""Stored proactive messages: once per dedupe key, the first attempt's messages win."""

from sqlalchemy.orm import Session, sessionmaker

from backend.rasa.replies import BotReply
from bot.delivery.store import mark_sent, store_replies, stored_replies
from storage.models import utcnow


def test_storing_again_under_the_same_key_keeps_the_first_messages(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        first = store_replies(
            session=session,
            channel="telegram",
            chat_id="1001",
            dedupe_key="k",
            replies=[BotReply(text="一"), BotReply(text="二")],
        )
    with session_factory.begin() as session:
        second = store_replies(
            session=session,
            channel="telegram",
            chat_id="1001",
            dedupe_key="k",
            replies=[BotReply(text="另一种说法")],
        )
    assert [item.reply.text for item in second] == ["一", "二"]
    assert [item.id for item in second] == [item.id for item in first]


def test_sent_messages_are_marked(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        [item] = store_replies(
            session=session,
            channel="telegram",
            chat_id="1",
            dedupe_key="k",
            replies=[BotReply(text="x")],
        )
        assert item.sent is False
        mark_sent(session=session, message_id=item.id, now=utcnow())
        assert stored_replies(session=session, dedupe_key="k")[0].sent is True
