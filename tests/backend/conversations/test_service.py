"""Conversations: exchanges recorded with their NLU result, handoff flags."""

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.conversations.service import (
    conversations_needing_human,
    mark_needs_human,
    record_exchange,
)
from backend.tickets.service import create_ticket
from storage.models import ActorKind, StaffRole, utcnow
from tests.backend.tickets.conftest import OPERATOR, noise_draft

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


def test_needs_human_flags_the_conversation_with_the_reason(session: Session) -> None:
    record_exchange(
        session=session, channel="telegram", chat_id="42", text="转人工", nlu=None, replies=[]
    )
    conversation = mark_needs_human(
        session=session, channel="telegram", chat_id="42", reason="市民要求转人工"
    )
    assert conversation.needs_human
    assert conversation.messages[-1].text == "[转人工] 市民要求转人工"
    assert conversations_needing_human(session=session, actor=OPERATOR) == [conversation]


def test_department_staff_see_only_chats_following_their_tickets(session: Session) -> None:
    ticket = create_ticket(session=session, draft=noise_draft(chat_id="42"), actor=Actor.citizen())
    own_department = ticket.ticket.department_id
    assert own_department is not None
    handled = mark_needs_human(session=session, channel="telegram", chat_id="42", reason="问进度")
    unrelated = mark_needs_human(session=session, channel="web", chat_id="s-1", reason="听不懂")

    def staff(department_id: int | None) -> Actor:
        return Actor(
            kind=ActorKind.staff, id="d", role=StaffRole.department, department_id=department_id
        )

    assert conversations_needing_human(session=session, actor=OPERATOR) == [handled, unrelated]
    assert conversations_needing_human(session=session, actor=staff(own_department)) == [handled]
    assert conversations_needing_human(session=session, actor=staff(own_department + 1)) == []
    assert conversations_needing_human(session=session, actor=staff(None)) == []
