"""The hand-over state machine: waiting, claim (one winner), touch, release, expiry."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.conversations.service import record_exchange
from backend.handoff.errors import HeldByOther, NotHolder, TakeoverForbidden
from backend.handoff.queries import StateFilter, list_conversations
from backend.handoff.relay import send_operator_message
from backend.handoff.service import claim, expire_claims, release, request_human
from backend.tickets.service import create_ticket
from storage.models import (
    ActorKind,
    HandoffReason,
    OutboxEvent,
    StaffRole,
    utcnow,
)
from tests.backend.tickets.conftest import OPERATOR, noise_draft

WANG = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)
LI = Actor(kind=ActorKind.staff, id="li", role=StaffRole.operator)
ADMIN = Actor(kind=ActorKind.staff, id="boss", role=StaffRole.admin)
TIMEOUT = timedelta(minutes=10)


def chat(session: Session, chat_id: str = "42", channel: str = "telegram") -> None:
    record_exchange(
        session=session, channel=channel, chat_id=chat_id, text="你好", nlu=None, replies=["您好"]
    )


def test_a_request_makes_the_conversation_wait_with_its_reason(session: Session) -> None:
    chat(session)
    conversation = request_human(
        session=session,
        channel="telegram",
        chat_id="42",
        reason=HandoffReason.asked,
        detail="市民要求转人工",
    )
    assert (conversation.state, conversation.handoff_reason) == ("waiting", "asked")
    assert conversation.needs_human
    assert conversation.messages[-1].text == "[转人工] 市民要求转人工"
    [listed] = list_conversations(session=session, actor=OPERATOR)
    assert (listed.state, listed.reason, listed.queue_position) == ("waiting", "asked", 1)


def test_a_second_request_keeps_the_first_reason_and_wait(session: Session) -> None:
    first = request_human(
        session=session, channel="web", chat_id="s1", reason=HandoffReason.angry, detail="气死"
    )
    since = first.waiting_since
    again = request_human(
        session=session, channel="web", chat_id="s1", reason=HandoffReason.asked, detail="人工"
    )
    assert (again.id, again.handoff_reason, again.waiting_since) == (first.id, "angry", since)


def test_claim_holds_the_conversation_and_tells_the_citizen_once(session: Session) -> None:
    request_human(
        session=session, channel="telegram", chat_id="42", reason=HandoffReason.asked, detail="x"
    )
    held = claim(session=session, channel="telegram", chat_id="42", actor=WANG)
    assert (held.state, held.holder) == ("held", "wang")
    claim(session=session, channel="telegram", chat_id="42", actor=WANG)  # again: no new notice
    notices = session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "operator_joined"))
    assert len(notices.all()) == 1


def test_an_operator_may_claim_a_conversation_nobody_flagged(session: Session) -> None:
    chat(session)
    held = claim(session=session, channel="telegram", chat_id="42", actor=WANG)
    assert (held.state, held.handoff_reason) == ("held", "operator")


def test_a_second_operator_gets_a_conflict_naming_the_holder(session: Session) -> None:
    chat(session)
    claim(session=session, channel="telegram", chat_id="42", actor=WANG)
    with pytest.raises(HeldByOther) as refused:
        claim(session=session, channel="telegram", chat_id="42", actor=LI)
    assert refused.value.holder == "wang"
    assert refused.value.details == {"holder": "wang"}


def test_department_staff_may_not_take_over(session: Session) -> None:
    chat(session)
    staff = Actor(kind=ActorKind.staff, id="d", role=StaffRole.department, department_id=1)
    with pytest.raises(TakeoverForbidden):
        claim(session=session, channel="telegram", chat_id="42", actor=staff)


def test_two_operators_racing_get_exactly_one_winner(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        chat(session)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def race(actor: Actor) -> None:
        barrier.wait()
        try:
            with session_factory.begin() as session:
                claim(session=session, channel="telegram", chat_id="42", actor=actor)
            outcomes[str(actor.id)] = "won"
        except HeldByOther as error:
            outcomes[str(actor.id)] = f"lost to {error.holder}"

    threads = [threading.Thread(target=race, args=(actor,)) for actor in (WANG, LI)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    [loser] = [name for name in outcomes if name not in winners]
    assert outcomes[loser] == f"lost to {winners[0]}"
    with session_factory() as session:
        [held] = list_conversations(session=session, actor=OPERATOR, state=StateFilter.held)
        assert held.holder == winners[0]


def test_only_the_holder_writes_and_writing_keeps_the_claim(session: Session) -> None:
    chat(session)
    start = utcnow()
    claim(session=session, channel="telegram", chat_id="42", actor=WANG, now=start)
    with pytest.raises(NotHolder):
        send_operator_message(
            session=session, channel="telegram", chat_id="42", actor=LI, text="hi"
        )
    later = start + timedelta(minutes=8)
    send_operator_message(
        session=session, channel="telegram", chat_id="42", actor=WANG, text="您好", now=later
    )
    assert expire_claims(session=session, timeout=TIMEOUT, now=start + timedelta(minutes=12)) == []


def test_an_idle_claim_goes_back_to_waiting_and_another_may_take_it(session: Session) -> None:
    request_human(
        session=session, channel="telegram", chat_id="42", reason=HandoffReason.urgent, detail="x"
    )
    start = utcnow()
    claim(session=session, channel="telegram", chat_id="42", actor=WANG, now=start)
    assert expire_claims(session=session, timeout=TIMEOUT, now=start + timedelta(minutes=9)) == []
    [back] = expire_claims(session=session, timeout=TIMEOUT, now=start + timedelta(minutes=11))
    assert (back.state, back.holder, back.handoff_reason) == ("waiting", None, "urgent")
    taken = claim(
        session=session,
        channel="telegram",
        chat_id="42",
        actor=LI,
        now=start + timedelta(minutes=12),
    )
    assert taken.holder == "li"


def test_an_idle_claim_not_yet_swept_may_be_taken_over(session: Session) -> None:
    chat(session)
    start = utcnow()
    claim(session=session, channel="telegram", chat_id="42", actor=WANG, now=start)
    taken = claim(
        session=session,
        channel="telegram",
        chat_id="42",
        actor=LI,
        timeout=TIMEOUT,
        now=start + timedelta(minutes=11),
    )
    assert taken.holder == "li"


def test_release_gives_the_chat_back_to_the_bot_with_the_note(session: Session) -> None:
    chat(session)
    claim(session=session, channel="telegram", chat_id="42", actor=WANG)
    with pytest.raises(NotHolder):
        release(session=session, channel="telegram", chat_id="42", actor=LI)
    back = release(session=session, channel="telegram", chat_id="42", actor=WANG, note="已答复")
    assert (back.state, back.holder, back.bot_reset_pending) == ("bot", None, True)
    texts = [m.text for m in back.messages]
    assert "wang 转回智能助手：已答复" in texts
    assert any(text.startswith("已转回智能助手") for text in texts)  # told to the citizen
    with pytest.raises(NotHolder):
        release(session=session, channel="telegram", chat_id="42", actor=WANG)


def test_an_admin_may_release_anyones_claim(session: Session) -> None:
    chat(session)
    claim(session=session, channel="telegram", chat_id="42", actor=WANG)
    assert release(session=session, channel="telegram", chat_id="42", actor=ADMIN).state == "bot"


def test_department_staff_list_only_chats_following_their_tickets(session: Session) -> None:
    ticket = create_ticket(session=session, draft=noise_draft(chat_id="42"), actor=Actor.citizen())
    own = ticket.ticket.department_id
    assert own is not None
    for channel, chat_id in (("telegram", "42"), ("web", "s-1")):
        request_human(
            session=session,
            channel=channel,
            chat_id=chat_id,
            reason=HandoffReason.asked,
            detail="x",
        )

    def staff(department_id: int | None) -> Actor:
        return Actor(
            kind=ActorKind.staff, id="d", role=StaffRole.department, department_id=department_id
        )

    def chats(actor: Actor) -> list[str]:
        return [c.chat_id for c in list_conversations(session=session, actor=actor)]

    assert sorted(chats(OPERATOR)) == ["42", "s-1"]
    assert chats(staff(own)) == ["42"]
    assert chats(staff(own + 1)) == []
    assert chats(staff(None)) == []
