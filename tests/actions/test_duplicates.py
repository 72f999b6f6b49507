"""Duplicates during intake: a similar open ticket is offered before the read-back, once per
report; following it makes a co-reporter (no second ticket), 仍然新建 goes on as before."""

import json
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import language
from actions.complaint_draft import cleared
from actions.duplicates import AskFollowDuplicate
from actions.submit_complaint import SubmitComplaint
from actions.validate_complaint_form import ValidateComplaintForm
from tests.actions.conftest import entity, make_tracker, slot_events, texts
from tests.actions.fake_platform import FakePlatform

LIGHT = "华强北街道华强广场门口的路灯不亮了，晚上很黑"
EXISTING = {
    "ticket_no": "SZ20261130-000042",
    "service_code": "streetlight",
    "category": "路灯照明",
    "district": "福田区",
    "street": "华强北街道",
    "department": "福田区城市管理和综合执法局",
    "state": "dispatched",
    "similarity": 0.71,
    "distance_m": None,
    "created_at": "2026-11-30T08:00:00+00:00",
}
OFFERED = {key: EXISTING[key] for key in ("ticket_no", "service_code", "district", "street")}
OFFERED["department"] = EXISTING["department"]


def light_report(**values: Any) -> dict[str, Any]:
    """A streetlight report complete up to the offer."""
    slots = {
        **cleared(),
        "service_code": "streetlight",
        "request_type": "complaint",
        "description": LIGHT,
        "district": "福田区",
        "street": "华强北街道",
        "address": "华强广场",
        "contact_preference": "chat",
        "form_instance_id": "f2",
        "duplicate_offer": dict(OFFERED),
        "requested_slot": "follow_duplicate",
    }
    slots.update(values)
    return slots


@pytest.fixture
def offering(platform: FakePlatform) -> FakePlatform:
    """The platform knows an open streetlight ticket at 华强北街道, filed by another chat."""
    platform.add_ticket(dict(EXISTING), channel="web", chat_id="first-citizen")
    platform.similar = [dict(EXISTING)]
    return platform


async def run_form(dispatcher: CollectingDispatcher, **tracker_args: Any) -> list[dict[str, Any]]:
    return await ValidateComplaintForm().run(dispatcher, make_tracker(**tracker_args), {})


async def answer(dispatcher: CollectingDispatcher, text: str, intent: str) -> dict[str, Any]:
    events = await run_form(dispatcher, text=text, intent=intent, slots=light_report())
    return {"events": events, **slot_events(events)}


async def test_a_complete_report_asks_the_platform_and_offers_the_similar_ticket(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = light_report(duplicate_offer=None, address=None, requested_slot="address")
    events = await run_form(dispatcher, text="华强广场门口", intent="inform", slots=slots)
    changes = slot_events(events)
    assert changes["requested_slot"] == "follow_duplicate"
    assert changes["duplicate_offer"]["ticket_no"] == EXISTING["ticket_no"]
    [call] = offering.calls("/tickets/similar")
    assert json.loads(call.content) == {
        "service_code": "streetlight",
        "description": LIGHT,
        "district": "福田区",
        "street": "华强北街道",
    }


async def test_the_offer_names_number_category_place_and_department_with_two_buttons(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker(slots=light_report())
    await AskFollowDuplicate().run(dispatcher, tracker, {})
    [said] = dispatcher.messages
    assert said["text"].startswith(
        "附近已有相同问题正在办理：SZ20261130-000042 路灯照明，福田区华强北街道，"
        "已派发至福田区城市管理和综合执法局。要关注这个工单吗？"
    )
    assert [(b["title"], b["payload"]) for b in said["buttons"]] == [
        ("关注这个工单", "/follow_ticket"),
        ("仍然新建", "/file_new"),
    ]


async def test_the_offer_in_english(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(slots=light_report(duplicate_offer={**OFFERED, "department": None}))
    with language.speaking("en"):
        await AskFollowDuplicate().run(dispatcher, tracker, {})
    [said] = dispatcher.messages
    assert said["text"].startswith(
        "The same problem nearby is already being handled: SZ20261130-000042 Street lighting, "
    )
    assert "being assigned to a department. Would you like to follow this ticket?" in said["text"]
    assert [b["payload"] for b in said["buttons"]] == ["/follow_ticket", "/file_new"]


async def test_following_makes_a_co_reporter_and_ends_the_form_without_a_ticket(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    result = await answer(dispatcher, "/follow_ticket", "follow_ticket")
    [call] = offering.calls("/follow")
    assert call.url.path == f"/api/v1/tickets/{EXISTING['ticket_no']}/follow"
    assert (call.headers["X-Suban-Channel"], call.headers["X-Suban-Chat"]) == ("web", "session123")
    assert ("web", "session123") in offering.followers[EXISTING["ticket_no"]]
    assert texts(dispatcher) == [
        "好的，您已关注工单 SZ20261130-000042，本次不再重复登记。"
        "办理进展会同样通知您，办结后也请您评价。"
    ]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in result["events"]
    ]
    assert result["requested_slot"] is None and result["follow_duplicate"] is None
    # The form's end runs action_submit_complaint, which files nothing unconfirmed.
    after = {**light_report(), **slot_events(result["events"])}
    assert await SubmitComplaint().run(dispatcher, make_tracker(slots=after), {}) == []
    assert not [r for r in offering.calls("/api/v1/tickets") if r.url.path == "/api/v1/tickets"]


async def test_file_new_goes_on_to_the_read_back_without_following(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    result = await answer(dispatcher, "/file_new", "file_new")
    assert result["follow_duplicate"] == "new"
    assert result["requested_slot"] == "confirmed"
    assert offering.calls("/follow") == [] and offering.calls("/similar") == []
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    ("typed", "intent", "choice"),
    [
        ("关注", "nlu_fallback", "followed"),
        ("好的", "affirm", "followed"),
        ("好的，关注这个工单吧", "affirm", "followed"),
        ("yes", "affirm", "followed"),
        ("follow it please", "nlu_fallback", "followed"),
        ("不用，新建一个", "deny", "new"),
        ("不用关注", "deny", "new"),
        ("no", "deny", "new"),
        ("仍然新建", "nlu_fallback", "new"),
        ("file a new one", "nlu_fallback", "new"),
    ],
)
async def test_typed_answers_to_the_offer(
    offering: FakePlatform, dispatcher: CollectingDispatcher, typed: str, intent: str, choice: str
) -> None:
    result = await answer(dispatcher, typed, intent)
    followed = bool(offering.calls("/follow"))
    assert followed == (choice == "followed")
    if choice == "new":
        assert (result["follow_duplicate"], result["requested_slot"]) == ("new", "confirmed")
    else:
        assert result["requested_slot"] is None


async def test_an_unclear_answer_asks_the_offer_again(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    result = await answer(dispatcher, "嗯嗯那个", "nlu_fallback")
    assert (result["follow_duplicate"], result["requested_slot"]) == (None, "follow_duplicate")
    assert texts(dispatcher)[0].startswith("请问是关注已有的工单，还是仍然新建一条？")
    assert offering.calls("/follow") == []


async def test_a_failed_follow_files_the_report_as_usual(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    # The ticket was closed in the meantime: /follow answers 404.
    result = await answer(dispatcher, "/follow_ticket", "follow_ticket")
    assert (result["follow_duplicate"], result["requested_slot"]) == ("new", "confirmed")
    assert texts(dispatcher) == ["抱歉，暂时无法关注这个工单，我们继续为您登记这条反映。"]


@pytest.mark.parametrize("failure", ["down", "500", "400"])
async def test_no_offer_when_the_platform_fails_and_the_report_goes_on(
    platform: FakePlatform, dispatcher: CollectingDispatcher, failure: str
) -> None:
    if failure == "down":
        platform.down = True
    else:
        status = int(failure)
        platform.extra["/api/v1/tickets/similar"] = lambda request: httpx.Response(
            status, json={"detail": "boom"}
        )
    slots = light_report(duplicate_offer=None, address=None, requested_slot="address")
    events = await run_form(dispatcher, text="华强广场门口", intent="inform", slots=slots)
    changes = slot_events(events)
    assert changes["follow_duplicate"] == "none"
    assert changes["requested_slot"] == "confirmed"
    assert not any("附近已有" in said for said in texts(dispatcher))


async def test_no_similar_ticket_goes_straight_to_the_read_back(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = light_report(duplicate_offer=None, address=None, requested_slot="address")
    events = await run_form(dispatcher, text="华强广场门口", intent="inform", slots=slots)
    assert slot_events(events)["requested_slot"] == "confirmed"
    assert len(platform.calls("/tickets/similar")) == 1


async def test_offered_once_per_report_even_after_a_change_at_the_read_back(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = light_report(follow_duplicate="new", requested_slot="confirmed")
    events = await run_form(dispatcher, text="地址改成华强北路", intent="inform", slots=slots)
    assert slot_events(events)["requested_slot"] in ("confirmed", "address")
    assert offering.calls("/tickets/similar") == []


async def test_inquiries_are_never_offered_a_ticket(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {
        **cleared(),
        "request_type": "inquiry",
        "service_code": "other",
        "description": "请问路灯坏了找哪个部门",
        "form_instance_id": "f3",
        "requested_slot": "contact_preference",
    }
    events = await run_form(
        dispatcher,
        text='/inform{"contact":"chat"}',
        intent="inform",
        entities=[entity("contact", "chat")],
        slots=slots,
    )
    assert offering.calls("/tickets/similar") == []
    assert slot_events(events)["requested_slot"] == "confirmed"


async def test_a_photo_sent_at_the_offer_is_kept_and_the_offer_asked_again(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(
        dispatcher,
        text='/send_photo{"photo_file_id":"lamp-1"}',
        intent="send_photo",
        entities=[entity("photo_file_id", "lamp-1")],
        slots=light_report(),
    )
    changes = slot_events(events)
    assert changes["photo"] == ["lamp-1"]
    assert changes["requested_slot"] == "follow_duplicate"
    assert offering.calls("/follow") == []


async def test_a_change_of_subject_at_the_offer_restarts_the_report(
    offering: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await run_form(
        dispatcher,
        text="哦不对，我要说的是噪音，隔壁工地半夜施工",
        intent="noise",
        slots=light_report(),
    )
    changes = slot_events(events)
    assert changes["service_code"] == "noise"
    assert changes["duplicate_offer"] is None  # a new report, looked up afresh: no noise ticket
    assert (changes["follow_duplicate"], changes["requested_slot"]) == ("none", "confirmed")
    assert len(offering.calls("/tickets/similar")) == 1
    assert offering.calls("/follow") == []
