"""Issue 10 (dialogue evaluation): replies longer than a bare phrase — typed confirmations at
the read-back, don't-knows with extra words, generic openings, changes of subject, and FAQ
answers in the chat's language."""

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_inquiry import faq_answer
from actions.complaint_turns import is_description
from actions.conversation import Utterance
from actions.form_replies import new_subject_text
from actions.language import speaking
from actions.replies import confirms, starts_dont_know
from tests.actions.conftest import entity, texts
from tests.actions.fake_platform import FakePlatform
from tests.actions.test_form_replies import report, run_form

CONFIRMATIONS = ["是的就这样帮我报上去", "Yes, that is all correct", "Yes please submit it",
                 "没错，就这么提交", "Looks good, submit", "ok, go ahead and submit",
                 "that's right, please file it"]  # fmt: skip


@pytest.mark.parametrize("answer", CONFIRMATIONS)
async def test_a_longer_typed_confirmation_at_the_read_back_files(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str
) -> None:
    changes = await run_form(dispatcher, text=answer, intent="inform", slots=report())
    assert changes["confirmed"] is True
    assert changes["requested_slot"] is None


async def test_a_sure_affirm_intent_that_corrects_nothing_files(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "嗯嗯这个记录得挺清楚的"
    changes = await run_form(dispatcher, text=said, intent="affirm", slots=report())
    assert changes["confirmed"] is True


@pytest.mark.parametrize("answer", ["没啥要改的，直接报吧", "好，报吧"])
async def test_nothing_to_change_and_file_after_modify_files(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str
) -> None:
    slots = report(modifying=True, requested_slot="modify_field")
    changes = await run_form(dispatcher, text=answer, intent="inform", slots=slots)
    assert changes["confirmed"] is True
    assert changes["requested_slot"] is None


@pytest.mark.parametrize(
    "said", ["不对，不要提交", "是的，不过地址改成建安二路", "好的，取消吧", "我要改一下"]
)
def test_a_denial_cancel_or_change_is_no_confirmation(said: str) -> None:
    assert not confirms(Utterance(text=said, intent="affirm", confidence=0.99))


def test_an_affirm_intent_with_a_place_is_no_confirmation() -> None:
    said = Utterance(text="对，在福田区", intent="affirm", confidence=0.99,
                     entities=[entity("district", "福田区")])  # fmt: skip
    assert not confirms(said)


@pytest.mark.parametrize("answer", ["就这些了，没别的", "I don't know the exact address"])
async def test_a_dont_know_with_extra_words_is_no_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher, answer: str
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(dispatcher, text=answer, intent="inform", slots=slots)
    assert changes["address"] == "（市民未能提供具体地址）"
    assert changes["requested_slot"] == "confirmed"


@pytest.mark.parametrize(
    ("said", "entities"),
    [("不清楚门牌，在建安一路", [entity("road", "建安一路")]), ("不知道，打13912345678", [])],
)
def test_a_dont_know_that_names_a_place_or_phone_is_an_answer(
    said: str, entities: list[dict[str, Any]]
) -> None:
    assert not starts_dont_know(Utterance(text=said, intent="inform", entities=entities))


@pytest.mark.parametrize("opening", ["您好，我这边有点事情想跟你们反映一下", "帮我登记一个投诉"])
def test_a_generic_opening_is_no_description(opening: str) -> None:
    assert not is_description(opening)


def test_a_real_report_is_a_description() -> None:
    assert is_description("我家楼下停水了")


@pytest.mark.parametrize(
    ("said", "subject"),
    [
        ("哦不是这个，我真正要反映的是这边的工厂半夜排废气", "这边的工厂半夜排废气"),
        ("不好意思说错了，我想反映的是那边的餐馆油烟太大", "那边的餐馆油烟太大"),
        ("等一下，我搞错了，其实是小区门口的下水道堵了", "小区门口的下水道堵了"),
    ],
)
def test_a_change_of_subject_is_recognised(said: str, subject: str) -> None:
    assert new_subject_text(Utterance(text=said, intent="inform")) == subject


def test_a_place_correction_is_no_change_of_subject() -> None:
    said = Utterance(text="搞错了，不是南山，是宝安区西乡街道固戍那边", intent="inform")
    assert new_subject_text(said) is None


async def test_a_change_of_subject_while_asked_replaces_the_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(description="我家楼下停水了", service_code="water_supply", district=None,
                   street=None, address=None, requested_slot="district")  # fmt: skip
    said = "等一下，我搞错了，其实是小区门口的下水道堵了往外冒污水"
    changes = await run_form(dispatcher, text=said, intent="drainage", slots=slots)
    assert changes["description"] == "小区门口的下水道堵了往外冒污水"
    assert changes["service_code"] == "drainage"
    assert "好的，改为登记您新说的问题。" in texts(dispatcher)


FAQ = {
    "faq": {
        "response": {
            "confidence": 0.99,
            "utter_action": "utter_faq/processing_time",
            "responses": [
                {"text": "按规定时限办理"},
                {"text": "Handled within the time limits",
                 "condition": [{"type": "slot", "name": "language", "value": "en"}]},
            ],
        }
    }
}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "answer"), [("zh", "按规定时限办理"), ("en", "Handled within the time limits")]
)
def test_the_faq_answers_in_the_chats_language(language: str, answer: str) -> None:
    latest = {**FAQ_MESSAGE, "response_selector": FAQ}
    with speaking(language):
        assert faq_answer(latest, threshold=0.6, intent_min=0.02) == {"text": answer}


FAQ_MESSAGE = {"intent_ranking": [{"name": "faq", "confidence": 0.9}]}


async def test_a_longer_addition_at_the_read_back_adds_to_the_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "对了还想说一下，他们一般是半夜两点左右开车来倒"
    changes = await run_form(dispatcher, text=said, intent="inform", slots=report())
    assert changes["description"].endswith("补充：他们一般是半夜两点左右开车来倒")
    assert changes["requested_slot"] == "confirmed"


async def test_a_category_said_to_count_as_another_is_changed(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "类别弄错了，应该算排水的问题"
    changes = await run_form(dispatcher, text=said, intent="inform", slots=report())
    assert changes["service_code"] == "drainage"
    assert changes["requested_slot"] == "confirmed"


@pytest.mark.parametrize("opening", ["您好，我这边有点事情想跟你们反映一下", "帮我登记一个投诉"])
async def test_a_generic_opening_starts_the_report_and_asks_for_the_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher, opening: str
) -> None:
    changes = await run_form(dispatcher, text=opening, intent="other", slots={})
    assert changes.get("description") is None
    assert changes["requested_slot"] == "description"


@pytest.mark.parametrize("report_text", ["我这边停水了", "我想投诉一下噪音扰民"])
def test_a_short_report_after_an_opening_is_still_a_description(report_text: str) -> None:
    assert is_description(report_text)


async def test_the_place_sent_again_at_the_read_back_changes_nothing(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher, text="宝安区新安街道建安一路", intent="inform", slots=report()
    )
    assert "address" not in changes and "street" not in changes
    assert changes["requested_slot"] == "confirmed"
    assert texts(dispatcher) == []


async def test_another_place_at_the_read_back_is_still_a_correction(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(dispatcher, text="地址改成建安二路", intent="inform", slots=report())
    assert changes["address"] == "建安二路"
