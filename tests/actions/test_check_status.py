"""Status queries: one ticket by number, or the list of open tickets."""

from rasa_sdk.executor import CollectingDispatcher

from actions.check_status import CheckStatus
from tests.actions.conftest import entity, make_tracker, texts
from tests.actions.fake_platform import FakePlatform

OPEN = {
    "ticket_no": "SZ20261129-000007",
    "state": "accepted",
    "service_code": "noise",
    "service_name": "噪音扰民",
    "district": "南山区",
    "street": "粤海街道",
    "address": "科技园",
    "department": {"name": "粤海街道办事处"},
    "resolve_due": "2026-11-30T10:00:00Z",
}


async def test_my_complaints_lists_open_tickets_with_state_and_time_limit(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.open_tickets = [OPEN]
    tracker = make_tracker(text="我的投诉怎么样了", intent="check_status", sender_id="telegram:9")
    await CheckStatus().run(dispatcher, tracker, {})
    (said,) = texts(dispatcher)
    assert "SZ20261129-000007" in said
    assert "承办部门已签收" in said
    assert "11月30日 18:00前" in said
    request = platform.calls("/citizens/")[0]
    assert request.url.path == "/api/v1/citizens/telegram/9/tickets"
    assert request.url.params["open"] == "true"


async def test_no_open_tickets(platform: FakePlatform, dispatcher: CollectingDispatcher) -> None:
    await CheckStatus().run(dispatcher, make_tracker(text="查询进度", intent="check_status"), {})
    assert "没有办理中" in texts(dispatcher)[0]


async def test_a_ticket_number_shows_that_ticket(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.add_ticket(OPEN, channel="web", chat_id="session123")
    tracker = make_tracker(
        text="查一下SZ20261129-000007",
        intent="check_status",
        entities=[entity("ticket_id", "SZ20261129-000007")],
        sender_id="web:session123",
    )
    await CheckStatus().run(dispatcher, tracker, {})
    said = texts(dispatcher)[0]
    assert "南山区粤海街道 科技园" in said
    assert "粤海街道办事处" in said
    (request,) = platform.calls("/tickets/")
    assert (request.headers["X-Suban-Channel"], request.headers["X-Suban-Chat"]) == (
        "web",
        "session123",
    )


async def test_another_chats_ticket_is_not_found_like_a_missing_number(
    platform: FakePlatform,
) -> None:
    platform.add_ticket(OPEN, channel="web", chat_id="session-b")

    async def ask(number: str) -> str:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            text=f"我想查一下工单 {number} 的进度",
            intent="check_status",
            entities=[entity("ticket_id", number)],
            sender_id="web:session-a",
        )
        await CheckStatus().run(dispatcher, tracker, {})
        (said,) = texts(dispatcher)
        return said

    strangers = await ask("SZ20261129-000007")
    missing = await ask("SZ20261129-000008")
    assert strangers == "没有找到工单 SZ20261129-000007，请核对工单号（例如 SZ20261129-000123）。"
    assert missing == strangers.replace("000007", "000008")
    for leaked in ("噪音", "粤海", "科技园", "签收", "办事处"):
        assert leaked not in strangers


async def test_an_unknown_ticket_number(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(text="sz20260101-000001 进度", intent="check_status")
    await CheckStatus().run(dispatcher, tracker, {})
    assert "没有找到工单 SZ20260101-000001" in texts(dispatcher)[0]


async def test_a_platform_outage_is_answered_politely(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    await CheckStatus().run(dispatcher, make_tracker(text="查询进度", intent="check_status"), {})
    assert "暂时查不到" in texts(dispatcher)[0]
