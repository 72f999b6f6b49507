"""Conversations: exchanges recorded with their NLU result (hand-over: tests/backend/handoff)."""

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.conversations.service import record_exchange
from storage.models import utcnow

NLU = {"intent": "noise", "confidence": 0.97, "entities": []}


def test_an_exchange_keeps_the_nlu_result_and_the_replies(session: Session) -> None:
    conversation = record_exchange(
        session=session,
        channel="web",
        chat_id="abc12345",
        text="工地晚上打桩",
        nlu=NLU,
        replies=["请问在哪里？"],
    )
    inbound, outbound = conversation.messages
    assert (inbound.direction, inbound.text, inbound.nlu) == ("inbound", "工地晚上打桩", NLU)
    assert (outbound.direction, outbound.text, outbound.nlu) == ("outbound", "请问在哪里？", None)


def test_a_long_silence_starts_a_new_conversation(session: Session) -> None:
    now = utcnow()
    first = record_exchange(
        session=session, channel="web", chat_id="abc12345", text="a", nlu=None, replies=[], now=now
    )
    same = record_exchange(
        session=session,
        channel="web",
        chat_id="abc12345",
        text="b",
        nlu=None,
        replies=[],
        now=now + timedelta(minutes=30),
    )
    later = record_exchange(
        session=session,
        channel="web",
        chat_id="abc12345",
        text="c",
        nlu=None,
        replies=[],
        now=now + timedelta(hours=7),
    )
    assert first.id == same.id
    assert later.id != first.id
