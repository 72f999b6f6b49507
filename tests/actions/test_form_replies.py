"""Issue 10: commands, confirmations, don't-knows, questions and greetings are never data;
corrections in free words; a change of subject restarts the report."""

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint_draft import cleared
from actions.conversation import Utterance
from actions.replies import is_question, reply_kind
from actions.validate_complaint_form import ValidateComplaintForm
from tests.actions.conftest import entity, make_tracker, slot_events, texts
from tests.actions.fake_platform import FakePlatform

WELL = "宝安区新安街道建安一路有个井盖不见了"
ANSWERS_NOT_DATA = ["对的，提交吧", "yes, submit", "确认提交", "好的", "没问题", "ok", "不知道",
                    "说不清", "就这些", "没有了", "I don't know", "不用了吧"]  # fmt: skip


async def run_form(dispatcher: CollectingDispatcher, **tracker_args: Any) -> dict[str, Any]:
    events = await ValidateComplaintForm().run(dispatcher, make_tracker(**tracker_args), {})
    return {"events": events, **slot_events(events)}


def report(**values: Any) -> dict[str, Any]:
    """A report about a missing manhole cover in 宝安区新安街道, waiting at `requested_slot`."""
    slots = {
        **cleared(),
        "service_code": "road",
        "request_type": "complaint",
        "description": WELL,
        "district": "宝安区",
        "street": "新安街道",
        "address": "建安一路",
        "contact_preference": "chat",
        "form_instance_id": "f1",
        "requested_slot": "confirmed",
    }
    slots.update(values)
    return slots


def stored_values(changes: dict[str, Any]) -> list[str]:
    return [str(value) for name, value in changes.items() if name != "events" and value]


@pytest.mark.parametrize("answer", ANSWERS_NOT_DATA)
@pytest.mark.parametrize("intent", ["affirm", "inform", "deny"])
async def test_an_answer_that_is_no_data_never_becomes_the_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str, intent: str
) -> None:
    changes = await run_form(
        dispatcher, text=answer, intent=intent, slots=report(address=None, requested_slot="address")
    )
    assert changes["address"] == "（市民未能提供具体地址）"
    assert changes["requested_slot"] == "confirmed"
    assert not any(answer in value for value in stored_values(changes))


@pytest.mark.parametrize("answer", ANSWERS_NOT_DATA)
async def test_an_answer_that_is_no_data_never_becomes_the_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str
) -> None:
    slots = report(description=None, requested_slot="description")
    changes = await run_form(dispatcher, text=answer, intent="inform", slots=slots)
    assert changes["description"] == "（市民未补充详细描述）"
    assert changes["requested_slot"] == "confirmed"


async def test_an_answer_that_is_no_data_at_the_phone_question_replies_in_the_chat(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(contact_preference="phone", requested_slot="phone")
    changes = await run_form(dispatcher, text="不知道", intent="inform", slots=slots)
    assert (changes["contact_preference"], changes["phone"]) == ("chat", None)
    assert changes["requested_slot"] == "confirmed"


@pytest.mark.parametrize("answer", ["对的，提交吧", "yes, submit", "没问题", "好的", "提交吧"])
async def test_a_typed_confirmation_at_the_read_back_files(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str
) -> None:
    changes = await run_form(dispatcher, text=answer, intent="inform", slots=report())
    assert changes["confirmed"] is True
    assert changes["requested_slot"] is None


@pytest.mark.parametrize("answer", ["算了", "取消", "cancel", "算了吧，不投诉了"])
async def test_a_cancel_misread_by_nlu_still_cancels_after_saying_so(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str
) -> None:
    changes = await run_form(
        dispatcher, text=answer, intent="inform", slots=report(requested_slot="address")
    )
    assert texts(dispatcher) == ["好的，已取消本次登记。有需要随时告诉我。"]
    assert changes["requested_slot"] is None
    assert changes["description"] is None and changes["confirmed"] is None
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in changes["events"]
    ]


async def test_a_question_is_answered_and_the_slot_asked_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher,
        text="这个要多久能处理？",
        intent="faq",
        slots=report(address=None, requested_slot="address"),
    )
    assert changes["address"] is None
    assert changes["requested_slot"] == "address"
    assert "登记完成后" in texts(dispatcher)[0]


async def test_a_question_the_faq_knows_is_answered_from_it(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    selector = {
        "faq": {"response": {"confidence": 0.99, "responses": [{"text": "一般 5 个工作日"}]}}
    }
    changes = await run_form(
        dispatcher,
        text="要多久",
        intent="faq",
        slots=report(address=None, requested_slot="address"),
        response_selector=selector,
        intent_ranking=[{"name": "faq", "confidence": 0.99}],
    )
    assert texts(dispatcher) == ["一般 5 个工作日"]
    assert changes["requested_slot"] == "address"


async def test_a_greeting_misread_in_the_form_is_greeted_and_the_slot_asked_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher,
        text="你好",
        intent="inform",
        slots=report(address=None, requested_slot="address"),
    )
    assert dispatcher.messages[0]["response"] == "utter_greet_in_form"
    assert changes == {"events": changes["events"], "address": None, "requested_slot": "address"}


def some_slot_is_set(events: list[dict[str, Any]]) -> bool:
    """Rasa rejects the form (and lets other rules answer) unless a slot besides
    requested_slot is set: an answered question must not look like a rejection."""
    return any(e["event"] == "slot" and e["name"] != "requested_slot" for e in events)


@pytest.mark.parametrize(("said", "intent"), [("你好", "inform"), ("要多久能处理？", "faq")])
async def test_a_greeting_or_question_keeps_the_form_going(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str, intent: str
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(dispatcher, text=said, intent=intent, slots=slots)
    assert some_slot_is_set(changes["events"])


@pytest.mark.parametrize("requested", ["address", "description"])
async def test_modify_typed_at_a_question_is_no_answer(
    platform: FakePlatform, dispatcher: CollectingDispatcher, requested: str
) -> None:
    slots = report(**{requested: None, "requested_slot": requested})
    changes = await run_form(dispatcher, text="修改", intent="nlu_fallback", slots=slots)
    assert changes[requested] is None and changes["requested_slot"] == requested


async def test_modify_typed_at_the_read_back_asks_what_to_change(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(dispatcher, text="修改", intent="nlu_fallback", slots=report())
    assert changes["modifying"] is True
    assert changes["requested_slot"] == "modify_field"


async def test_modify_tapped_twice_still_asks_what_to_change(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(modifying=True, requested_slot="modify_field")
    changes = await run_form(dispatcher, text="/deny", intent="deny", slots=slots)
    assert changes["requested_slot"] == "modify_field"


async def test_nothing_to_change_after_modify_goes_back_to_the_read_back(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(modifying=True, requested_slot="modify_field")
    changes = await run_form(dispatcher, text="没有了", intent="deny", slots=slots)
    assert changes["modifying"] is False
    assert changes["requested_slot"] == "confirmed"


@pytest.mark.parametrize(
    ("said", "intent", "question"),
    [
        ("这个要多久能处理", "faq", True),
        ("处理结果会通知我吗", "inquiry", True),
        ("要多久", "inform", True),
        ("楼下垃圾桶满了", "faq", False),
        ("在福田区哪里？", "faq", False),
        ("路灯坏了怎么没人修？", "streetlight", False),
    ],
)
def test_what_is_a_question_in_the_form(said: str, intent: str, question: bool) -> None:
    entities = [entity("district", "福田区")] if "福田区" in said else []
    utterance = Utterance(text=said, intent=intent, confidence=0.9, entities=entities)
    assert is_question(utterance) is question


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("对的，提交吧", "affirm"),
        ("yes, submit", "affirm"),
        ("OK thanks", "affirm"),
        ("不知道", "dont_know"),
        ("好的，不知道", "dont_know"),
        ("不对，取消", "cancel"),
        ("No", "deny"),
        ("您好", "greet"),
        ("now", None),
        ("路灯没有亮", None),
        ("宝安区新安街道", None),
        ("对，就在建安一路", None),
    ],
)
def test_reply_kinds_from_the_lexicon(said: str, kind: str | None) -> None:
    assert reply_kind(Utterance(text=said, intent="inform", confidence=0.5)) == kind


def test_nlu_is_trusted_only_on_short_texts_without_entities() -> None:
    assert reply_kind(Utterance(text="嗯呐", intent="affirm", confidence=0.9)) == "affirm"
    long = Utterance(text="对，在建安一路那边的小区门口", intent="affirm", confidence=0.99)
    assert reply_kind(long) is None
    with_place = Utterance(
        text="是福田", intent="affirm", confidence=0.9, entities=[entity("district", "福田区")]
    )
    assert reply_kind(with_place) is None


@pytest.mark.parametrize(
    "asked", ["我反映这个事，邻居会知道是我说的吗？", "Will my neighbours know it was me?"]
)
async def test_a_question_at_where_exactly_is_answered_and_never_the_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher, asked: str
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(dispatcher, text=asked, intent="complain_other", slots=slots)
    assert changes.get("address") is None
    assert changes["requested_slot"] == "address"
    assert texts(dispatcher)  # answered (or noted), then asked again


async def test_not_knowing_the_house_number_is_no_request_for_a_person(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(
        dispatcher, text="具体门牌我说不上来", intent="request_human", confidence=0.8, slots=slots
    )
    assert changes["events"]  # the form takes the answer; it is not rejected for a rule
    assert changes["address"] == "（市民未能提供具体地址）"
