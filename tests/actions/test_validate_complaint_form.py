"""The complaint form's validation: first message, answers, corrections, interruptions."""

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint_draft import cleared
from actions.validate_complaint_form import ValidateComplaintForm
from tests.actions.conftest import entity, make_tracker, slot_events, texts, user_event
from tests.actions.fake_platform import FakePlatform, locate

RICH = "粤海街道科技园这边有个工地每天晚上十一点还在打桩"


async def run_form(dispatcher: CollectingDispatcher, **tracker_args: Any) -> list[dict[str, Any]]:
    return await ValidateComplaintForm().run(dispatcher, make_tracker(**tracker_args), {})


def filled(**values: Any) -> dict[str, Any]:
    """Slots of a report read back and waiting for confirmation."""
    slots = {
        **cleared(),
        "service_code": "noise",
        "request_type": "complaint",
        "description": RICH,
        "district": "南山区",
        "street": "粤海街道",
        "address": "科技园",
        "contact_preference": "chat",
        "form_instance_id": "f1",
        "follow_duplicate": "none",
        "requested_slot": "confirmed",
    }
    slots.update(values)
    return slots


async def test_a_rich_first_message_fills_everything_and_asks_for_confirmation(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(dispatcher, text=RICH, intent="noise", slots={"requested_slot": None})
    slots = slot_events(events)
    assert slots["service_code"] == "noise"
    assert slots["description"] == RICH
    assert (slots["district"], slots["street"], slots["address"]) == (
        "南山区",
        "粤海街道",
        "科技园",
    )
    assert slots["contact_preference"] == "chat"
    assert slots["form_instance_id"]
    assert slots["requested_slot"] == "confirmed"
    assert dispatcher.messages == []  # the read-back is the next thing said
    assert platform.calls("/api/v1/locate")[0].content.decode() == f'{{"text":"{RICH}"}}'


async def test_the_place_the_platform_passed_along_needs_no_call_back(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    located = {"text": RICH, "place": locate(RICH)}
    events = await run_form(
        dispatcher,
        text=RICH,
        intent="noise",
        slots={"requested_slot": None},
        metadata={"channel": "web", "located": located},
    )
    slots = slot_events(events)
    assert (slots["district"], slots["street"], slots["address"]) == (
        "南山区",
        "粤海街道",
        "科技园",
    )
    assert platform.calls("/api/v1/locate") == []


async def test_a_place_passed_along_for_another_text_is_not_used(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    stale = {"text": "福田区华强北", "place": locate("福田区华强北")}
    events = await run_form(
        dispatcher,
        text=RICH,
        intent="noise",
        slots={"requested_slot": None},
        metadata={"located": stale},
    )
    assert slot_events(events)["district"] == "南山区"
    assert len(platform.calls("/api/v1/locate")) == 1


async def test_a_report_without_a_place_asks_for_the_district(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(
        dispatcher, text="楼下烧烤店的油烟太大了", intent="air_pollution", slots={}
    )
    slots = slot_events(events)
    assert slots["description"] == "楼下烧烤店的油烟太大了"
    assert slots["district"] is None
    assert slots["requested_slot"] == "district"


async def test_a_bare_opening_is_not_a_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(dispatcher, text="我要投诉", intent="other", slots={})
    assert slot_events(events)["requested_slot"] == "description"


async def test_an_answer_to_the_description_refines_the_category_and_finds_the_place(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {**cleared(), "service_code": "other", "contact_preference": "chat"}
    slots["requested_slot"] = "description"
    events = await run_form(dispatcher, text="东门老街垃圾堆成山", intent="sanitation", slots=slots)
    changes = slot_events(events)
    assert changes["service_code"] == "sanitation"
    assert changes["district"] == "罗湖区"
    assert changes["requested_slot"] == "confirmed"


async def test_a_gas_smell_warns_at_once_and_flags_the_report(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(dispatcher, text="楼道里闻到很大的煤气味", intent="gas", slots={})
    assert slot_events(events)["urgent"] is True
    assert "119" in texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("report", "number"),
    [("路口有人受伤了在流血", "120"), ("仓库着火了冒黑烟", "119"), ("有人持刀在街上打架", "110")],
)
async def test_dangers_name_the_right_emergency_number(
    platform: FakePlatform, dispatcher: CollectingDispatcher, report: str, number: str
) -> None:
    await run_form(dispatcher, text=report, intent="other", slots={})
    assert number in texts(dispatcher)[0]


async def test_a_district_button_then_an_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {
        **cleared(),
        "service_code": "noise",
        "description": "吵",
        "requested_slot": "district",
    }
    slots["contact_preference"] = "chat"
    events = await run_form(
        dispatcher,
        text='/inform{"district":"福田区"}',
        intent="inform",
        entities=[entity("district", "福田区")],
        slots=slots,
    )
    changes = slot_events(events)
    assert changes["district"] == "福田区"
    assert changes["requested_slot"] == "address"
    assert platform.calls("/api/v1/locate") == []  # a payload is not sent to the resolver

    slots.update(district="福田区", requested_slot="address")
    events = await run_form(dispatcher, text="福华三路88号", intent="inform", slots=slots)
    changes = slot_events(events)
    assert changes["address"] == "福华三路88号"
    assert changes["requested_slot"] == "confirmed"


async def test_an_unknown_district_is_asked_again_with_buttons(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {
        **cleared(),
        "service_code": "noise",
        "description": "吵",
        "requested_slot": "district",
    }
    events = await run_form(dispatcher, text="就在我家楼下", intent="inform", slots=slots)
    assert slot_events(events) == {"district": None, "requested_slot": "district"}
    assert len(dispatcher.messages[0]["buttons"]) == 10


async def test_not_in_nanshan_but_futian_clears_the_old_street_and_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(
        dispatcher,
        text="不对，是在福田区",
        intent="inform",
        entities=[entity("district", "福田区")],
        slots=filled(),
    )
    changes = slot_events(events)
    assert changes["district"] == "福田区"
    assert changes["street"] is None and changes["address"] is None
    assert changes["requested_slot"] == "address"
    assert texts(dispatcher) == ["好的，已为您修改。"]


async def test_an_address_correction_moves_the_report_and_reads_it_back_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(
        dispatcher,
        text="地址改成建安一路",
        intent="inform",
        entities=[entity("road", "建安一路")],
        slots=filled(),
    )
    changes = slot_events(events)
    assert (changes["district"], changes["street"], changes["address"]) == (
        "宝安区",
        "新安街道",
        "建安一路",
    )
    assert changes["requested_slot"] == "confirmed"


async def test_confirming_ends_the_form(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(dispatcher, text="/affirm", intent="affirm", slots=filled())
    assert slot_events(events) == {"confirmed": True, "requested_slot": None}


async def test_modify_then_contact_then_phone(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(dispatcher, text="/deny", intent="deny", slots=filled())
    assert slot_events(events)["requested_slot"] == "modify_field"

    slots = filled(modifying=True, requested_slot="modify_field")
    events = await run_form(
        dispatcher,
        text='/inform{"modify_field":"contact"}',
        intent="inform",
        entities=[entity("modify_field", "contact")],
        slots=slots,
    )
    changes = slot_events(events)
    assert changes["contact_preference"] is None
    assert changes["requested_slot"] == "contact_preference"

    slots = filled(contact_preference=None, requested_slot="contact_preference")
    events = await run_form(
        dispatcher,
        text='/inform{"contact":"phone"}',
        intent="inform",
        entities=[entity("contact", "phone")],
        slots=slots,
    )
    assert slot_events(events)["requested_slot"] == "phone"

    slots = filled(contact_preference="phone", requested_slot="phone")
    events = await run_form(dispatcher, text="138 1234 5678", intent="inform", slots=slots)
    changes = slot_events(events)
    assert changes["phone"] == "13812345678"
    assert changes["requested_slot"] == "confirmed"


async def test_a_bad_phone_number_is_asked_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = filled(contact_preference="phone", requested_slot="phone")
    events = await run_form(dispatcher, text="12345", intent="inform", slots=slots)
    assert slot_events(events) == {"phone": None, "requested_slot": "phone"}
    assert "11 位" in texts(dispatcher)[0]


async def test_an_unclear_answer_at_the_read_back_asks_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(dispatcher, text="嗯嗯那个", intent="nlu_fallback", slots=filled())
    assert slot_events(events) == {"confirmed": None, "requested_slot": "confirmed"}
    assert "没明白" in texts(dispatcher)[0]


@pytest.mark.parametrize("intent", ["check_status", "request_human", "cancel", "greet"])
async def test_interruptions_are_rejected_so_a_rule_can_answer(
    platform: FakePlatform, dispatcher: CollectingDispatcher, intent: str
) -> None:
    events = await run_form(dispatcher, text="查询进度", intent=intent, slots=filled())
    assert events == []


async def test_after_an_interruption_the_form_asks_again_without_rereading(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    history = [
        user_event("我的投诉怎么样了", "check_status"),
        {"event": "action", "name": "action_check_status"},
        {"event": "action", "name": "complaint_form"},
    ]
    slots = filled(address=None, requested_slot="address")
    events = await run_form(
        dispatcher, text="我的投诉怎么样了", intent="check_status", slots=slots, events=history
    )
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot",
                       "value": "address"}]  # fmt: skip


async def test_a_photo_mid_form_is_kept(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(
        dispatcher,
        text='/send_photo{"photo_file_id":"AgAD1"}',
        intent="send_photo",
        entities=[entity("photo_file_id", "AgAD1")],
        slots=filled(),
    )
    assert slot_events(events)["photo"] == ["AgAD1"]
    assert "照片" in texts(dispatcher)[0]


async def test_an_accepted_inquiry_offer_needs_no_place(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {"pending_inquiry": "请问公租房怎么申请", "inquiry_offered": True}
    events = await run_form(dispatcher, text="/affirm", intent="affirm", slots=slots)
    changes = slot_events(events)
    assert changes["request_type"] == "inquiry"
    assert changes["description"] == "请问公租房怎么申请"
    assert changes["requested_slot"] == "confirmed"


async def test_an_unreachable_platform_still_takes_the_report(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    events = await run_form(
        dispatcher,
        text=RICH,
        intent="noise",
        entities=[entity("street", "粤海街道"), entity("landmark", "科技园")],
        slots={},
    )
    changes = slot_events(events)
    assert changes["description"] == RICH
    assert changes["street"] == "粤海街道"  # from the NLU entities alone
    assert changes["requested_slot"] == "district"


async def test_a_new_report_after_an_old_session_starts_fresh(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    """Slots carried over into a new session do not turn a new report into an answer."""
    stale = filled(address=None, requested_slot="address", description="旧的问题")
    history = [user_event(RICH, "noise"), {"event": "active_loop", "name": "complaint_form"}]
    events = await run_form(dispatcher, text=RICH, intent="noise", slots=stale, events=history)
    changes = slot_events(events)
    assert changes["description"] == RICH
    assert changes["form_instance_id"] != "f1"
    assert changes["requested_slot"] == "confirmed"


async def test_an_address_answer_keeps_the_citizens_words_beside_the_area(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {**cleared(), "service_code": "gas", "description": "煤气味", "district": "南山区"}
    slots.update(contact_preference="chat", requested_slot="address")
    events = await run_form(dispatcher, text="在福田区华强花园3栋", intent="inform", slots=slots)
    changes = slot_events(events)
    assert (changes["district"], changes["address"]) == ("福田区", "华强花园3栋")


async def test_i_do_not_know_the_address_is_accepted(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {**cleared(), "service_code": "road", "description": "井盖没了", "district": "南山区"}
    slots.update(contact_preference="chat", requested_slot="address")
    events = await run_form(dispatcher, text="不清楚具体地址", intent="deny", slots=slots)
    assert slot_events(events)["address"] == "（市民未能提供具体地址）"


async def test_a_district_answer_with_an_address_needs_no_second_question(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {
        **cleared(),
        "service_code": "gas",
        "description": "煤气味",
        "requested_slot": "district",
    }
    slots["contact_preference"] = "chat"
    events = await run_form(dispatcher, text="福田区华强花园3栋", intent="inform", slots=slots)
    changes = slot_events(events)
    assert (changes["district"], changes["address"]) == ("福田区", "华强花园3栋")
    assert changes["requested_slot"] == "confirmed"


async def test_a_vague_place_still_asks_where_exactly(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {
        **cleared(),
        "service_code": "gas",
        "description": "煤气味",
        "requested_slot": "district",
    }
    slots["contact_preference"] = "chat"
    events = await run_form(dispatcher, text="在南山区那边", intent="inform", slots=slots)
    changes = slot_events(events)
    assert changes["district"] == "南山区"
    assert changes["requested_slot"] == "address"
