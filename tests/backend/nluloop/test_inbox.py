"""The inbox: real messages minus held and already-trained ones, near-identical ones counted,
the most useful first, personal data masked for anyone but admins."""

from typing import Any

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.conversations.service import record_exchange
from backend.handoff.relay import record_for_operator
from backend.handoff.service import claim, request_human
from backend.nluloop.inbox import InboxFilter, decide, inbox
from backend.nluloop.training_data import NluPaths, training_examples
from storage.models import ActorKind, HandoffReason, Message, NluCorrection, StaffRole

WANG = Actor(kind=ActorKind.staff, id="wang", role=StaffRole.operator)


def nlu(intent: str, confidence: float) -> dict[str, Any]:
    # as bot/pipeline.py stores it
    return {"intent": intent, "confidence": confidence, "entities": []}


def say(session: Session, text: str, intent: str, confidence: float, chat: str = "1") -> None:
    record_exchange(
        session=session,
        channel="telegram",
        chat_id=chat,
        text=text,
        nlu=nlu(intent, confidence),
        replies=["好的"],
    )


def texts(session: Session, paths: NluPaths, **wanted: Any) -> list[tuple[str, int]]:
    items = inbox(
        session=session,
        examples=training_examples(paths),
        wanted=InboxFilter(**wanted),
        show_personal_data=True,
    )
    return [(item.text, item.count) for item in items]


def test_near_identical_messages_are_collapsed_with_a_count(
    session: Session, nlu_copy: NluPaths
) -> None:
    say(session, "我家楼下的烧烤摊每天半夜还在营业吵死了", "noise", 0.55, chat="1")
    say(session, "我家楼下的烧烤摊每天半夜还在营业吵死了！", "noise", 0.52, chat="2")
    say(session, "我家楼下的烧烤摊每天半夜还在营业吵死了", "noise", 0.58, chat="3")
    say(session, "垃圾桶满了三天没人清理", "sanitation", 0.97, chat="4")
    found = dict(texts(session, nlu_copy))
    assert found["我家楼下的烧烤摊每天半夜还在营业吵死了"] == 3
    assert found["垃圾桶满了三天没人清理"] == 1


def test_held_and_already_trained_messages_are_left_out(
    session: Session, nlu_copy: NluPaths
) -> None:
    request_human(
        session=session, channel="web", chat_id="held", reason=HandoffReason.asked, detail="人工"
    )
    claim(session=session, channel="web", chat_id="held", actor=WANG)
    record_for_operator(
        session=session,
        channel="web",
        chat_id="held",
        text="师傅我跟你说那个井盖的事情",
        nlu=nlu("road", 0.4),
    )
    say(session, "油烟扰民", "air_pollution", 0.6)  # an example in nlu/data already
    say(session, "井盖被人偷走了很危险", "road", 0.3)
    assert texts(session, nlu_copy) == [("井盖被人偷走了很危险", 1)]


def test_corrected_low_confidence_messages_come_first_and_filters_apply(
    session: Session, nlu_copy: NluPaths
) -> None:
    say(session, "电梯又坏了物业不管", "property", 0.93)
    say(session, "那个东西又坏了没人管", "other", 0.35)
    say(session, "煤气味道很大怎么办", "nlu_fallback", 0.3)
    corrected = session.query(Message).filter_by(text="电梯又坏了物业不管").one()
    session.add(
        NluCorrection(
            message_id=corrected.id,
            text=corrected.text,
            predicted_intent="property",
            corrected_intent="consumer",
            staff_id="wang",
        )
    )
    session.flush()
    assert texts(session, nlu_copy)[0][0] == "电梯又坏了物业不管"
    assert texts(session, nlu_copy, corrected=True) == [("电梯又坏了物业不管", 1)]
    assert texts(session, nlu_copy, fallback=True) == [("煤气味道很大怎么办", 1)]
    low = {t for t, _ in texts(session, nlu_copy, low_confidence=True)}
    assert low == {"那个东西又坏了没人管", "煤气味道很大怎么办"}
    assert texts(session, nlu_copy, intent="other") == [("那个东西又坏了没人管", 1)]


def test_a_discarded_text_and_its_twins_leave_the_inbox(
    session: Session, nlu_copy: NluPaths
) -> None:
    say(session, "你们这个机器人怎么这么笨啊", "bot_challenge", 0.4)
    say(session, "垃圾桶满了三天没人清理", "sanitation", 0.5)
    decide(session=session, text="你们这个机器人怎么这么笨啊", decision="discarded", staff_id="a")
    say(session, "你们这个机器人怎么这么笨啊！", "bot_challenge", 0.4, chat="9")
    assert texts(session, nlu_copy) == [("垃圾桶满了三天没人清理", 1)]


def test_personal_data_is_masked_unless_shown_to_an_admin(
    session: Session, nlu_copy: NluPaths
) -> None:
    say(session, "我叫李四，电话13912345678，路灯坏了", "streetlight", 0.5)
    examples = training_examples(nlu_copy)
    [masked] = inbox(
        session=session, examples=examples, wanted=InboxFilter(), show_personal_data=False
    )
    assert "13912345678" not in masked.text and "李四" not in masked.text
    [shown] = inbox(
        session=session, examples=examples, wanted=InboxFilter(), show_personal_data=True
    )
    assert "13912345678" in shown.text


def test_rasas_own_parse_shape_is_read_too(session: Session, nlu_copy: NluPaths) -> None:
    record_exchange(
        session=session,
        channel="web",
        chat_id="p",
        text="桥下面积水很深车都过不去",
        nlu={"intent": {"name": "drainage", "confidence": 0.42}, "entities": []},
        replies=[],
    )
    [item] = inbox(
        session=session,
        examples=training_examples(nlu_copy),
        wanted=InboxFilter(),
        show_personal_data=True,
    )
    assert (item.intent, item.confidence) == ("drainage", 0.42)


def test_the_predicted_spans_come_once_and_without_overlaps(
    session: Session, nlu_copy: NluPaths
) -> None:
    # the production pipeline's extractors (DIET, regex) each report the same place
    text = "南山区粤海街道科技园南路路口的路灯坏了"
    found = [
        {"start": 0, "end": 3, "entity": "district", "value": "南山区", "extractor": "DIET"},
        {"start": 3, "end": 7, "entity": "street", "value": "粤海街道", "extractor": "DIET"},
        {"start": 7, "end": 10, "entity": "landmark", "value": "科技园", "extractor": "DIET"},
        {"start": 0, "end": 3, "entity": "district", "value": "南山区", "extractor": "Regex"},
        {"start": 7, "end": 12, "entity": "road", "value": "科技园南路", "extractor": "Regex"},
        {"start": 3, "end": 7, "entity": "street", "value": "粤海街道", "extractor": "Regex"},
    ]
    record_exchange(session=session, channel="web", chat_id="c", text=text,
                    nlu={"intent": "road", "confidence": 0.9, "entities": found},
                    replies=["好的"])  # fmt: skip
    [item] = inbox(session=session, examples=training_examples(nlu_copy), wanted=InboxFilter(),
                   show_personal_data=True)  # fmt: skip
    assert [(e["start"], e["end"], e["entity"]) for e in item.entities] == [
        (0, 3, "district"), (3, 7, "street"), (7, 12, "road"),
    ]  # fmt: skip
