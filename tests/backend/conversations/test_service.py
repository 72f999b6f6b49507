"""Conversations: exchanges recorded with their NLU result (hand-over: tests/backend/handoff)."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.conversations.service import record_exchange
from backend.handoff.events import EventKind, broker
from backend.handoff.queries import list_conversations
from backend.handoff.service import request_human
from storage.models import ActorKind, HandoffReason, StaffRole, utcnow

OPERATOR = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)

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


def flag(session: Session, chat_id: str) -> None:
    request_human(
        session=session, channel="web", chat_id=chat_id, reason=HandoffReason.asked, detail="x"
    )


def said(session: Session, chat_id: str, text: str, replies: list[str]) -> None:
    record_exchange(
        session=session, channel="web", chat_id=chat_id, text=text, nlu=None, replies=replies
    )


async def test_an_exchange_in_a_waiting_chat_nudges_the_live_pages(
    session_factory: sessionmaker[Session],
) -> None:
    def commit(work: Callable[[Session], None]) -> None:
        with session_factory.begin() as session:
            work(session)

    async with broker.subscribe() as queue:
        await asyncio.to_thread(commit, lambda s: said(s, "with-bot", "你好", ["您好"]))
        await asyncio.to_thread(commit, lambda s: flag(s, "waiting"))
        await asyncio.to_thread(commit, lambda s: said(s, "waiting", "转人工", ["已为您转接"]))
        events = [await asyncio.wait_for(queue.get(), timeout=30) for _ in range(3)]
    assert [(e.kind, e.chat_id, e.data.get("role")) for e in events] == [
        (EventKind.waiting, "waiting", None),
        (EventKind.message, "waiting", "system"),
        (EventKind.message, "waiting", "citizen"),
    ]  # nothing for the chat with the bot


def test_the_inbox_preview_is_the_newest_exchange_of_a_new_waiting_chat(session: Session) -> None:
    flag(session, "waiting")
    said(session, "waiting", "转人工", ["已为您转接人工客服"])
    (summary,) = list_conversations(session=session, actor=OPERATOR)
    assert summary.last_text == "已为您转接人工客服"
