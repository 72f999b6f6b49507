"""Filing the confirmed report: the ticket comes back, or the report waits and lands once."""

from typing import Any

import httpx
from rasa_sdk.executor import CollectingDispatcher

from actions import filing
from actions.complaint_draft import idempotency_key
from actions.submit_complaint import SubmitComplaint
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.actions.fake_platform import FakePlatform

REPORT: dict[str, Any] = {
    "service_code": "noise",
    "request_type": "complaint",
    "description": "粤海街道科技园这边有个工地每天晚上十一点还在打桩",
    "district": "南山区",
    "street": "粤海街道",
    "address": "科技园",
    "contact_preference": "chat",
    "urgent": False,
    "photo": ["AgAD1"],
    "form_instance_id": "form-1",
    "confirmed": True,
}


def tracker(sender_id: str = "telegram:42") -> Any:
    return make_tracker(text="/affirm", intent="affirm", slots=REPORT, sender_id=sender_id)


async def test_the_ticket_number_department_and_time_limit_are_told(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    events = await SubmitComplaint().run(dispatcher, tracker(), {})
    (said,) = texts(dispatcher)
    assert "SZ20261129-000001" in said
    assert "南山区粤海街道办事处" in said
    assert "12月1日 18:00前" in said  # 10:00 UTC is 18:00 Beijing time
    request = platform.calls("/api/v1/tickets")[0]
    assert request.headers["Idempotency-Key"] == idempotency_key(
        sender_id="telegram:42", form_instance_id="form-1"
    )
    body = platform.tickets[request.headers["Idempotency-Key"]]
    assert (body["channel"], body["chat_id"]) == ("telegram", "42")
    assert body["media"] == [{"file_id": "AgAD1", "kind": "photo"}]
    assert body["phone"] is None
    slots = slot_events(events)
    assert slots["form_instance_id"] is None and slots["description"] is None
    assert slots["last_ticket_no"] == "SZ20261129-000001"  # a "好的" after it names it


async def test_the_same_report_twice_is_one_ticket(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    await SubmitComplaint().run(dispatcher, tracker(), {})
    await SubmitComplaint().run(dispatcher, tracker(), {})
    assert len(platform.tickets) == 1
    assert texts(dispatcher)[0] == texts(dispatcher)[1]


async def test_with_the_platform_down_the_report_is_kept_and_lands_exactly_once(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    await SubmitComplaint().run(dispatcher, tracker(), {})
    assert "已保存" in texts(dispatcher)[0]
    assert platform.tickets == {}
    store = filing.get_pending_store()
    assert store.count_due() == 1
    filing.get_retry_worker().stop()  # the test drives the retries itself

    # Still down: the retry fails and the report stays.
    assert await filing.retry_pending(client=platform.client(), store=store) == []
    assert store.count_due() == 1

    platform.down = False
    landed = await filing.retry_pending(client=platform.client(), store=store)
    assert [ticket["ticket_no"] for ticket in landed] == ["SZ20261129-000001"]
    assert store.count_due() == 0
    assert await filing.retry_pending(client=platform.client(), store=store) == []
    assert len(platform.tickets) == 1


async def test_a_later_action_files_what_waits(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.down = True
    await SubmitComplaint().run(dispatcher, tracker(), {})
    filing.get_retry_worker().stop()
    platform.down = False
    await filing.catch_up_pending()
    assert len(platform.tickets) == 1
    assert filing.get_pending_store().count_due() == 0


async def test_the_retry_thread_files_a_waiting_report(
    platform: FakePlatform, monkeypatch: Any
) -> None:
    store = filing.get_pending_store()
    store.save(idempotency_key="chat-abc", sender_id="web:s1", draft={"service_code": "noise"})
    monkeypatch.setattr(filing.backend_client, "build_backend_client", lambda _: platform.client())
    worker = filing.RetryWorker(store=store, interval=0.01)
    worker.ensure_running()
    worker.join(timeout=10)
    assert store.count_due() == 0
    assert list(platform.tickets) == ["chat-abc"]


async def test_a_rejected_report_is_explained(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    platform.extra["/api/v1/tickets"] = lambda request: httpx.Response(
        400, json={"detail": "unknown service_code 'noise'"}
    )
    await SubmitComplaint().run(dispatcher, tracker(), {})
    assert "unknown service_code" in texts(dispatcher)[0]
    assert filing.get_pending_store().count_due() == 0


async def test_a_5xx_from_ticket_creation_is_not_filed_and_a_retry_files_it_once(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    """The platform answers 503 when its commit fails: the report waits, then lands once."""
    platform.extra["/api/v1/tickets"] = lambda request: httpx.Response(
        503, json={"detail": "the request could not be saved; nothing was changed, retry"}
    )
    await SubmitComplaint().run(dispatcher, tracker(), {})
    assert "已保存" in texts(dispatcher)[0]
    assert "SZ2026" not in texts(dispatcher)[0]
    store = filing.get_pending_store()
    assert store.count_due() == 1
    filing.get_retry_worker().stop()  # the test drives the retries itself
    attempts = platform.calls("/api/v1/tickets")
    assert len(attempts) == 3  # the client's own retries, all with the same key
    keys = {request.headers["Idempotency-Key"] for request in attempts}
    assert len(keys) == 1

    del platform.extra["/api/v1/tickets"]
    landed = await filing.retry_pending(client=platform.client(), store=store)
    assert [ticket["ticket_no"] for ticket in landed] == ["SZ20261129-000001"]
    assert list(platform.tickets) == list(keys)
    assert platform.calls("/api/v1/tickets")[-1].headers["Idempotency-Key"] in keys
    assert store.count_due() == 0
    assert await filing.retry_pending(client=platform.client(), store=store) == []
    assert len(platform.tickets) == 1
