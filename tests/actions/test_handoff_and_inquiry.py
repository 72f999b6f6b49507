"""A human operator on request or after two misunderstandings; inquiries and the FAQ."""

import json

from rasa_sdk.executor import CollectingDispatcher

from actions import language
from actions.answer_inquiry import AnswerInquiry
from actions.handoff import HandleFallback, Handoff
from actions.messages import text
from tests.actions.conftest import make_tracker, slot_events, texts, user_event
from tests.actions.fake_platform import FakePlatform


async def test_asking_for_a_human_marks_the_conversation(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(text="转人工", intent="request_human", sender_id="telegram:77")
    events = await Handoff().run(dispatcher, tracker, {})
    (request,) = platform.calls("/needs-human")
    assert request.url.path == "/api/v1/conversations/telegram/77/needs-human"
    assert "转人工" in json.loads(request.content)["reason"]
    assert json.loads(request.content)["kind"] == "asked"
    assert texts(dispatcher) == [text("handoff_done", position=1)]
    assert "第 1 位" in texts(dispatcher)[0]
    assert slot_events(events) == {"handed_off": True}


async def test_the_handoff_notice_holds_the_place_in_the_queue_in_english(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.queue_position = 3
    with language.speaking("en"):
        await Handoff().run(dispatcher, make_tracker(text="talk to a person"), {})
    (said,) = texts(dispatcher)
    assert "number 3 in the queue" in said


async def test_a_chat_already_told_its_place_is_not_told_a_position_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.queue_position = None
    events = await Handoff().run(dispatcher, make_tracker(text="转人工"), {})
    assert texts(dispatcher) == [text("handoff_already")]
    assert slot_events(events) == {"handed_off": True}


async def test_one_misunderstanding_does_not_call_a_human(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    history = [user_event("你好", "greet"), user_event("呃那个", "nlu_fallback", 0.2)]
    tracker = make_tracker(text="呃那个", intent="nlu_fallback", events=history)
    assert await HandleFallback().run(dispatcher, tracker, {}) == []
    assert platform.calls("/needs-human") == []


FALLBACK_ANSWER = {"event": "action", "name": "action_handle_fallback"}


async def test_two_misunderstandings_in_a_row_call_a_human(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    history = [
        user_event("呃那个", "nlu_fallback", 0.2),
        FALLBACK_ANSWER,
        user_event("嗯这个", "nlu_fallback", 0.3),
    ]
    tracker = make_tracker(text="嗯这个", intent="nlu_fallback", events=history)
    events = await HandleFallback().run(dispatcher, tracker, {})
    (request,) = platform.calls("/needs-human")
    assert json.loads(request.content)["kind"] == "misunderstood"
    assert slot_events(events) == {"handed_off": True}
    assert texts(dispatcher) == [text("misunderstood"), text("fallback_handoff", position=1)]


async def test_a_message_the_form_read_is_no_first_misunderstanding(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    """ "没啥要改的，直接报吧" was below the NLU threshold but the form filed the report with it."""
    history = [
        user_event("没啥要改的，直接报吧", "nlu_fallback", 0.5),
        {"event": "action", "name": "complaint_form"},
        {"event": "action", "name": "action_submit_complaint"},
        user_event("呃那个", "nlu_fallback", 0.3),
    ]
    tracker = make_tracker(text="呃那个", intent="nlu_fallback", events=history)
    assert await HandleFallback().run(dispatcher, tracker, {}) == []
    assert platform.calls("/needs-human") == []


async def test_an_acknowledgement_after_the_ticket_number_is_a_polite_close(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    history = [
        user_event("收到", "nlu_fallback", 0.3),
        FALLBACK_ANSWER,
        user_event("好，报吧", "nlu_fallback", 0.3),
    ]
    tracker = make_tracker(
        text="好，报吧",
        intent="nlu_fallback",
        events=history,
        slots={"last_ticket_no": "SZ20261201-000006"},
    )
    assert await HandleFallback().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher) == [text("ticket_acknowledged", ticket_no="SZ20261201-000006")]
    assert platform.calls("/needs-human") == []


async def test_acknowledgements_do_not_count_as_misunderstandings(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    history = [
        user_event("收到", "nlu_fallback", 0.3),
        FALLBACK_ANSWER,
        user_event("嗯这个", "nlu_fallback", 0.3),
    ]
    tracker = make_tracker(text="嗯这个", intent="nlu_fallback", events=history)
    assert await HandleFallback().run(dispatcher, tracker, {}) == []
    assert platform.calls("/needs-human") == []
    assert texts(dispatcher) == [text("misunderstood")]


async def test_an_unreachable_platform_says_the_handoff_failed(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    events = await Handoff().run(dispatcher, make_tracker(text="转人工"), {})
    assert events == []
    assert "12345" in texts(dispatcher)[0]


def ranking(faq: float) -> list[dict]:
    """NLU's intent ranking: an inquiry, with `faq` this likely."""
    return [{"name": "inquiry", "confidence": 1 - faq}, {"name": "faq", "confidence": faq}]


def selector(confidence: float) -> dict:
    return {
        "faq": {
            "response": {
                "confidence": confidence,
                "responses": [{"text": "深圳居住证：一般需在深圳办理居住登记满12个月……"}],
                "utter_action": "utter_faq/residence_permit",
            }
        }
    }


async def test_a_well_matched_inquiry_is_answered_from_the_faq(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker(
        text="我想咨询一下居住证的事",
        intent="inquiry",
        response_selector=selector(0.99),
        intent_ranking=[
            {"name": "inquiry", "confidence": 0.9},
            {"name": "faq", "confidence": 0.05},
        ],
    )
    events = await AnswerInquiry().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("深圳居住证")
    assert slot_events(events)["inquiry_offered"] is False


async def test_a_confident_selector_alone_is_not_a_good_match(
    dispatcher: CollectingDispatcher,
) -> None:
    """公租房 is not in the FAQ: NLU finds it no FAQ question, whatever the selector says."""
    tracker = make_tracker(
        text="请问公租房怎么申请",
        intent="inquiry",
        response_selector=selector(0.96),
        intent_ranking=[
            {"name": "inquiry", "confidence": 0.996},
            {"name": "faq", "confidence": 0.0},
        ],
    )
    events = await AnswerInquiry().run(dispatcher, tracker, {})
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["提交咨询", "不用了"]
    assert slot_events(events) == {"pending_inquiry": "请问公租房怎么申请", "inquiry_offered": True}


async def test_a_poorly_matched_inquiry_is_offered_as_a_ticket(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker(
        text="新能源车补贴怎么申请",
        intent="inquiry",
        response_selector=selector(0.27),
        intent_ranking=[
            {"name": "inquiry", "confidence": 0.9},
            {"name": "faq", "confidence": 0.05},
        ],
    )
    await AnswerInquiry().run(dispatcher, tracker, {})
    assert "转给相关部门" in texts(dispatcher)[0]


async def test_a_misunderstood_message_naming_a_danger_still_gets_the_emergency_number(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(text="救命 着火了", intent="nlu_fallback", confidence=0.3)
    assert await HandleFallback().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher)[0] == text("misunderstood")
    assert "119" in texts(dispatcher)[1]


async def test_as_the_policies_fallback_it_rephrases_and_forgets_the_message(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    """RulePolicy's core fallback (config.yml): as Rasa's own, the message is reverted."""
    tracker = make_tracker(text="那个那个", intent="inform", confidence=0.9)
    events = await HandleFallback().run(dispatcher, tracker, {})
    assert [event["event"] for event in events] == ["rewind"]
    assert texts(dispatcher) == [text("misunderstood")]
