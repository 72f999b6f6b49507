"""The hand-over in the bot's pipeline: silent while held, queue notice, reset after hand-back,
operator messages delivered through the outbox (web chat here; Telegram in
tests/bot/telegram/test_handoff_relay.py)."""

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.handoff.queries import transcript
from backend.handoff.relay import send_operator_message, take_queue_position
from backend.handoff.service import claim, release, request_human
from backend.outbox.dispatcher import dispatch_pending
from bot.delivery.deliverer import OutboxDeliverer
from bot.delivery.store import chat_updates
from bot.pipeline import handle_inbound
from storage.models import ActorKind, HandoffReason, StaffRole, utcnow
from tests.bot.rasa_double import RasaDouble

WANG = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)


async def say(
    rasa: RasaDouble, session_factory: sessionmaker[Session], text: str, chat: str = "s1"
) -> list[str]:
    replies = await handle_inbound(
        rasa=rasa.client(), channel="web", chat_id=chat, text=text, session_factory=session_factory
    )
    return [reply.text or "" for reply in replies]


def act(session_factory: sessionmaker[Session], work: Any) -> Any:
    with session_factory.begin() as session:
        return work(session)


async def test_a_held_chat_gets_no_bot_reply_and_the_operator_sees_the_hint(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    assert await say(rasa, session_factory, "你好") == ["收到：你好"]
    act(session_factory, lambda s: claim(session=s, channel="web", chat_id="s1", actor=WANG))
    assert await say(rasa, session_factory, "我家楼下一直很吵") == []
    assert rasa.texts == ["你好"]  # Rasa's conversation never heard it
    assert rasa.parsed == ["我家楼下一直很吵"]
    shown = act(
        session_factory,
        lambda s: transcript(session=s, channel="web", chat_id="s1", actor=WANG),
    )
    last = shown.messages[-1]
    assert (last.role, last.text) == ("citizen", "我家楼下一直很吵")
    assert last.nlu is not None and last.nlu["intent"] == "inform"
    assert [m.role for m in shown.messages].count("bot") == 2  # 收到：你好, the joined notice


async def test_without_rasa_the_held_message_still_reaches_the_operator(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    await say(rasa, session_factory, "你好")
    act(session_factory, lambda s: claim(session=s, channel="web", chat_id="s1", actor=WANG))
    rasa.down = True
    assert await say(rasa, session_factory, "在吗") == []
    shown = act(
        session_factory,
        lambda s: transcript(session=s, channel="web", chat_id="s1", actor=WANG),
    )
    assert (shown.messages[-1].text, shown.messages[-1].nlu) == ("在吗", None)


async def test_urgent_words_queue_the_chat_and_the_place_is_told_once(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    first = await say(rasa, session_factory, "楼道里有很浓的煤气味", chat="a")
    assert first[0] == "收到：楼道里有很浓的煤气味"  # the bot still answers (whom to call)
    assert "第 1 位" in first[1]
    assert "前面还有 1 位" in (await say(rasa, session_factory, "你们太过分了，气死我了", "b"))[1]
    assert await say(rasa, session_factory, "人呢", chat="a") == ["收到：人呢"]
    shown = act(
        session_factory, lambda s: transcript(session=s, channel="web", chat_id="b", actor=WANG)
    )
    assert (shown.conversation.state, shown.conversation.reason) == ("waiting", "angry")


async def test_a_handoff_the_bot_announced_gets_no_second_queue_notice(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    def handed_over(text: str) -> list[dict[str, Any]]:
        # What action_handoff does through the needs-human API while Rasa answers.
        def flag(session: Session) -> int | None:
            conversation = request_human(
                session=session,
                channel="web",
                chat_id="s1",
                reason=HandoffReason.asked,
                detail=text,
            )
            return take_queue_position(session=session, conversation=conversation, now=utcnow())

        return [{"text": f"已为您转接人工客服，您是第 {act(session_factory, flag)} 位"}]

    rasa.reply_to = handed_over
    assert await say(rasa, session_factory, "转人工") == ["已为您转接人工客服，您是第 1 位"]


async def test_after_hand_back_the_form_is_reset_once_and_the_bot_answers(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    await say(rasa, session_factory, "工地打桩")
    act(session_factory, lambda s: claim(session=s, channel="web", chat_id="s1", actor=WANG))
    assert await say(rasa, session_factory, "在科技园") == []
    act(
        session_factory,
        lambda s: release(session=s, channel="web", chat_id="s1", actor=WANG, note="已登记"),
    )
    assert await say(rasa, session_factory, "谢谢") == ["收到：谢谢"]
    [reset] = rasa.appended
    assert reset["sender"] == "web:s1"
    assert reset["events"] == [
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "description", "value": None},
        {"event": "slot", "name": "handed_off", "value": False},
    ]
    await say(rasa, session_factory, "再见")
    assert len(rasa.appended) == 1


async def test_an_operator_message_reaches_the_web_chat_through_the_outbox(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    await say(rasa, session_factory, "你好")
    act(session_factory, lambda s: claim(session=s, channel="web", chat_id="s1", actor=WANG))
    act(
        session_factory,
        lambda s: send_operator_message(
            session=s, channel="web", chat_id="s1", actor=WANG, text="您好，我是客服小王"
        ),
    )
    deliverer = OutboxDeliverer(rasa=rasa.client(), session_factory=session_factory, senders={})
    report = await dispatch_pending(
        session_factory=session_factory, deliver=deliverer, now=utcnow(), batch_size=10
    )
    assert report.delivered == 2  # the joined notice and the message
    assert rasa.triggers == []  # told as written, not through Rasa
    updates = act(
        session_factory, lambda s: chat_updates(session=s, channel="web", chat_id="s1", after=0)
    )
    assert [u.reply.text for u in updates][-1] == "您好，我是客服小王"
    shown = act(
        session_factory,
        lambda s: transcript(session=s, channel="web", chat_id="s1", actor=WANG),
    )
    operator = shown.messages[-1]
    assert (operator.role, operator.staff_id) == ("operator", "wang")
    assert operator.delivery is not None and operator.delivery["state"] == "sent"
