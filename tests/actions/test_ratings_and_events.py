"""Ticket news from the platform, and the rating that follows a resolved ticket."""

import json

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.announce_ticket_event import AnnounceTicketEvent
from actions.submit_rating import SubmitRating
from tests.actions.conftest import entity, make_tracker, slot_events, texts
from tests.actions.fake_platform import FakePlatform

TICKET = "SZ20261129-000123"


def event_tracker(kind: str):
    return make_tracker(
        text="",
        intent="EXTERNAL_ticket_event",
        entities=[
            entity("ticket_no", TICKET),
            entity("event_kind", kind),
            entity("event_message", "您反映的问题已办结：工地已停止夜间施工。"),
        ],
    )


def rate(score: str, **slots: str):
    return make_tracker(
        text=f'/rate{{"rating":"{score}","ticket_no":"{TICKET}"}}',
        intent="rate",
        entities=[entity("rating", score), entity("ticket_no", TICKET)],
        sender_id="telegram:5",
        slots=slots,
    )


async def test_a_resolved_ticket_is_announced_with_rating_buttons(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await AnnounceTicketEvent().run(dispatcher, event_tracker("resolved"), {})
    assert texts(dispatcher)[0] == "您反映的问题已办结：工地已停止夜间施工。"
    buttons = dispatcher.messages[1]["buttons"]
    assert [b["title"] for b in buttons] == ["满意", "基本满意", "不满意"]
    assert buttons[0]["payload"] == f'/rate{{"rating":"3","ticket_no":"{TICKET}"}}'
    assert buttons[2]["payload"] == f'/rate{{"rating":"1","ticket_no":"{TICKET}"}}'
    assert slot_events(events) == {"rating_ticket_no": TICKET}


async def test_other_news_is_only_said(dispatcher: CollectingDispatcher) -> None:
    events = await AnnounceTicketEvent().run(dispatcher, event_tracker("accepted"), {})
    assert len(dispatcher.messages) == 1
    assert events == []


@pytest.fixture
def rated(platform: FakePlatform) -> FakePlatform:
    """The platform with TICKET followed by the chats that rate it in these tests."""
    for channel, chat_id in (("telegram", "5"), ("web", "abc12345"), ("web", "session123")):
        platform.follow(TICKET, channel=channel, chat_id=chat_id)
    platform.tickets[TICKET] = {"ticket_no": TICKET, "state": "resolved"}
    return platform


async def test_satisfied_is_filed_at_once(
    rated: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    await SubmitRating().run(dispatcher, rate("3"), {})
    (request,) = rated.calls("/rating")
    assert request.url.path == f"/api/v1/tickets/{TICKET}/rating"
    assert json.loads(request.content) == {"score": 3}
    assert (request.headers["X-Suban-Channel"], request.headers["X-Suban-Chat"]) == (
        "telegram",
        "5",
    )
    assert "感谢" in texts(dispatcher)[0]


async def test_a_chat_cannot_rate_a_ticket_it_does_not_follow(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.add_ticket({"ticket_no": TICKET, "state": "resolved"}, channel="web", chat_id="b")
    events = await SubmitRating().run(dispatcher, rate("1"), {})
    assert [r.url.path for r in platform.calls("/rating")] == [f"/api/v1/tickets/{TICKET}/rating"]
    assert texts(dispatcher) == [f"没有找到工单 {TICKET}，请核对工单号（例如 SZ20261129-000123）。"]
    assert events == []


async def test_dissatisfied_is_filed_at_once_and_the_citizen_told_it_reopens(
    rated: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    await SubmitRating().run(dispatcher, rate("1"), {})
    assert json.loads(rated.calls("/rating")[0].content)["score"] == 1
    assert "重新交办" in texts(dispatcher)[0]


async def test_a_typed_dissatisfied_rating_carries_what_was_wrong(
    rated: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        text="不满意，处理太慢了，噪音还在",
        intent="rate",
        entities=[entity("rating", "dissatisfied")],
        slots={"rating_ticket_no": TICKET},
        sender_id="web:abc12345",
    )
    await SubmitRating().run(dispatcher, tracker, {})
    assert json.loads(rated.calls("/rating")[0].content) == {
        "score": 1,
        "comment": "不满意，处理太慢了，噪音还在",
        "speed": 1,
        "result": 1,
    }


async def test_a_typed_rating_uses_the_ticket_just_announced(
    rated: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        text="基本满意",
        intent="rate",
        entities=[entity("rating", "basically_satisfied")],
        slots={"rating_ticket_no": TICKET},
    )
    await SubmitRating().run(dispatcher, tracker, {})
    assert json.loads(rated.calls("/rating")[0].content)["score"] == 2


async def test_a_second_rating_is_answered_with_the_platforms_reason(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.extra[f"/api/v1/tickets/{TICKET}/rating"] = lambda request: httpx.Response(
        409, json={"detail": "您已评价过本次办理结果，感谢您的反馈。"}
    )
    await SubmitRating().run(dispatcher, rate("3"), {})
    assert texts(dispatcher) == ["您已评价过本次办理结果，感谢您的反馈。"]


async def test_a_rating_without_a_ticket_asks_for_the_number(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(text="满意", intent="rate", entities=[entity("rating", "satisfied")])
    await SubmitRating().run(dispatcher, tracker, {})
    assert "工单号" in texts(dispatcher)[0]
    assert platform.calls("/rating") == []


async def test_an_unreachable_platform_is_answered_politely(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    await SubmitRating().run(dispatcher, rate("3"), {})
    assert "没有提交成功" in texts(dispatcher)[0]
