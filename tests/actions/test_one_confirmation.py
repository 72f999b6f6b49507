"""Issue 10: a filed ticket is confirmed in ONE message (number, department, time limit); the
platform's notice of that same dispatch is not said again, a later dispatch is."""

from typing import Any

import httpx
from rasa_sdk.executor import CollectingDispatcher

from actions.announce_ticket_event import AnnounceTicketEvent
from actions.submit_complaint import SubmitComplaint
from tests.actions.conftest import entity, make_tracker, slot_events, texts
from tests.actions.fake_platform import FakePlatform
from tests.actions.test_submit_complaint import REPORT

NOTICE = "您的工单 SZ20261129-000001（噪音扰民）已派发至【南山区粤海街道办事处】办理，办理时限至 …"


def dispatched_notice(**slots: Any) -> Any:
    return make_tracker(
        text="",
        intent="EXTERNAL_ticket_event",
        entities=[
            entity("ticket_no", "SZ20261129-000001"),
            entity("event_kind", "dispatched"),
            entity("event_message", NOTICE),
        ],
        slots=slots,
        sender_id="telegram:42",
    )


async def test_the_dispatch_notice_after_filing_is_not_a_second_confirmation(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(text="/affirm", intent="affirm", slots=REPORT, sender_id="telegram:42")
    events = await SubmitComplaint().run(dispatcher, tracker, {})
    (said,) = texts(dispatcher)
    assert all(part in said for part in ("SZ20261129-000001", "南山区粤海街道办事处", "办理时限"))
    announced = slot_events(events)["announced_ticket_no"]
    assert announced == "SZ20261129-000001"

    later = CollectingDispatcher()
    events = await AnnounceTicketEvent().run(
        later, dispatched_notice(announced_ticket_no=announced), {}
    )
    assert later.messages == []
    assert slot_events(events) == {"announced_ticket_no": None}


async def test_a_later_dispatch_is_told(dispatcher: CollectingDispatcher) -> None:
    await AnnounceTicketEvent().run(dispatcher, dispatched_notice(announced_ticket_no=None), {})
    assert texts(dispatcher) == [NOTICE]


async def test_a_ticket_not_yet_dispatched_leaves_its_dispatch_notice_to_be_told(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    def received(request: httpx.Request) -> httpx.Response:
        ticket = {"ticket_no": "SZ20261129-000009", "state": "received", "department": None}
        return httpx.Response(201, json=ticket)

    platform.extra["/api/v1/tickets"] = received
    tracker = make_tracker(text="/affirm", intent="affirm", slots=REPORT, sender_id="telegram:42")
    events = await SubmitComplaint().run(dispatcher, tracker, {})
    assert "announced_ticket_no" not in slot_events(events)
    assert "正在分派" in texts(dispatcher)[0]


async def test_a_form_ended_without_confirmation_files_nothing(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = {**REPORT, "confirmed": None}
    tracker = make_tracker(text="算了", intent="inform", slots=slots)
    assert await SubmitComplaint().run(dispatcher, tracker, {}) == []
    assert platform.calls("/api/v1/tickets") == [] and dispatcher.messages == []
