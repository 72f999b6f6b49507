"""Inbox and conversation pages on the hand-over services: list, take over, send, hand back,
file and correct a ticket, canned replies; department staff have no inbox; text escaped."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.handoff.events import EventKind, HandoffEvent, broker
from backend.handoff.relay import record_for_operator
from console import live
from console.live import handoff_stream, stop_streams
from storage.models import Message, OutboxEvent
from tests.backend.api.routes.conftest import ADMIN
from tests.conftest import SERVICE_HEADERS
from tests.console.conftest import log_in

SCRIPT = "<script>alert('x')</script>"
CHAT = "/console/conversations/web/citizen-1"


def _flag(client: TestClient, chat_id: str = "citizen-1", reason: str = "要人工") -> None:
    answer = client.post(
        f"/api/v1/conversations/web/{chat_id}/needs-human",
        json={"reason": reason, "kind": "asked"},
        headers=SERVICE_HEADERS,
    )
    assert answer.status_code == 200, answer.text


def test_the_inbox_lists_waiting_chats_with_their_reason(console_client: TestClient) -> None:
    _flag(console_client, reason=f"要人工 {SCRIPT}")
    log_in(console_client, "op")
    page = console_client.get("/console/inbox")
    assert page.status_code == 200
    assert 'data-chat="citizen-1"' in page.text and "市民要求转人工" in page.text
    assert SCRIPT not in page.text
    rows = console_client.get("/console/inbox/rows", headers={"HX-Request": "true"})
    assert 'data-state="waiting"' in rows.text
    assert 'sse-connect="/console/stream"' in page.text


def test_take_over_send_and_hand_back(console_client: TestClient) -> None:
    _flag(console_client)
    token = log_in(console_client, "op")
    claimed = console_client.post(f"{CHAT}/claim", data={"csrf_token": token})
    assert "已接管" in claimed.text and 'data-state="held"' in claimed.text
    sent = console_client.post(
        f"{CHAT}/messages", data={"text": "您好，我是话务员", "csrf_token": token}
    )
    assert "已发送" in sent.text
    assert re.search(
        r'data-role="operator"[^>]*>\s*<span class="citizen-text">您好，我是话务员', sent.text
    )
    factory = console_client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        payloads = [row.payload for row in session.scalars(select(OutboxEvent))]
    assert any(p.get("text") == "您好，我是话务员" for p in payloads)  # through the outbox

    with factory.begin() as session:  # the citizen answers while held, with an NLU hint
        record_for_operator(
            session=session,
            channel="web",
            chat_id="citizen-1",
            text=f"还在吵 {SCRIPT}",
            nlu={"intent": "complain_noise", "confidence": 0.91, "entities": []},
        )
    transcript = console_client.get(f"{CHAT}/transcript", headers={"HX-Request": "true"})
    assert "complain_noise (91%)" in transcript.text
    assert SCRIPT not in transcript.text and "&lt;script&gt;" in transcript.text

    released = console_client.post(f"{CHAT}/release", data={"note": "已转办", "csrf_token": token})
    assert "已交还机器人" in released.text and 'data-state="bot"' in released.text
    with factory() as session:
        texts = list(session.scalars(select(Message.text)))
    assert any("已转办" in text for text in texts)


def test_a_second_operator_is_told_who_holds_it(console_client: TestClient) -> None:
    _flag(console_client)
    token = log_in(console_client, "op")
    console_client.post(f"{CHAT}/claim", data={"csrf_token": token})
    other = TestClient(console_client.app, base_url="http://testserver")
    other_token = log_in(other, "boss")
    page = other.get(CHAT)
    assert 'id="claim"' not in page.text and "由 op 接待中，您不能接管" in page.text
    refused = other.post(f"{CHAT}/claim", data={"csrf_token": other_token})  # from a stale page
    assert "该会话已由 op 接管" in refused.text and "held by" not in refused.text
    not_holder = other.post(f"{CHAT}/messages", data={"text": "插话", "csrf_token": other_token})
    assert 'data-role="operator"' not in not_holder.text
    assert "只有接待人才能操作：该会话由 op 接待" in not_holder.text


def test_the_live_fragment_withdraws_take_over_once_another_operator_holds_it(
    console_client: TestClient,
) -> None:
    _flag(console_client)
    other = TestClient(console_client.app, base_url="http://testserver")
    log_in(other, "boss")
    before = other.get(f"{CHAT}/transcript", headers={"HX-Request": "true"})
    assert 'id="claim"' in before.text
    token = log_in(console_client, "op")
    console_client.post(f"{CHAT}/claim", data={"csrf_token": token})
    after = other.get(f"{CHAT}/transcript", headers={"HX-Request": "true"})
    assert 'id="claim"' not in after.text and 'data-testid="held-by-other"' in after.text
    mine = console_client.get(f"{CHAT}/transcript", headers={"HX-Request": "true"})
    assert 'id="claim-box"' not in mine.text


def test_the_operator_files_and_corrects_a_ticket(console_client: TestClient) -> None:
    _flag(console_client)
    token = log_in(console_client, "op")
    console_client.post(f"{CHAT}/claim", data={"csrf_token": token})
    filed = console_client.post(
        f"{CHAT}/tickets",
        data={
            "service_code": "noise",
            "district": "南山区",
            "street": "粤海街道",
            "description": "工地夜间施工",
            "csrf_token": token,
        },
    )
    number = re.search(r"已登记工单 (SZ\d{8}-\d{6})", filed.text)
    assert number is not None, filed.text
    assert f'data-ticket="{number.group(1)}"' in filed.text
    corrected = console_client.post(
        f"{CHAT}/corrections/{number.group(1)}",
        data={"description": "工地夜间打桩", "reason": "更准确", "csrf_token": token},
    )
    assert f"已更正工单 {number.group(1)}" in corrected.text
    ticket = console_client.get(f"/api/v1/tickets/{number.group(1)}", headers=ADMIN).json()
    assert ticket["description"] == "工地夜间打桩"


def test_department_staff_have_no_inbox_or_conversations(console_client: TestClient) -> None:
    _flag(console_client)
    token = log_in(console_client, "dep")
    assert console_client.get("/console/inbox").status_code == 403
    assert console_client.get(CHAT).status_code == 403
    assert console_client.post(f"{CHAT}/claim", data={"csrf_token": token}).status_code == 403


def test_admins_edit_canned_replies_that_operators_pick(console_client: TestClient) -> None:
    token = log_in(console_client, "boss")
    console_client.post(
        "/console/admin/canned", data={"text": "请提供具体地址。", "csrf_token": token}
    )
    page = console_client.get("/console/admin").text
    reply_id = re.search(r"/console/admin/canned/(\d+)/delete", page)
    assert reply_id is not None
    console_client.post(
        f"/console/admin/canned/{reply_id.group(1)}",
        data={"text": "请提供具体地址和门牌号。", "sort_order": "1", "csrf_token": token},
    )
    _flag(console_client)
    console_client.post(f"{CHAT}/claim", data={"csrf_token": token})
    conversation = console_client.get(CHAT).text
    assert 'data-canned="请提供具体地址和门牌号。"' in conversation
    console_client.post(
        f"/console/admin/canned/{reply_id.group(1)}/delete", data={"csrf_token": token}
    )
    assert "data-canned=" not in console_client.get(CHAT).text


async def test_the_stream_nudges_the_inbox_and_the_conversation() -> None:
    class Client:
        async def is_disconnected(self) -> bool:
            return False

    stream = handoff_stream(Client())  # type: ignore[arg-type]
    assert await anext(stream) == "retry: 3000\n\n"  # subscribed from here on
    broker.publish(HandoffEvent(EventKind.waiting, 7, "web", "x", "waiting"))
    assert await anext(stream) == "event: inbox\ndata: waiting\n\n"
    assert await anext(stream) == "event: conv-7\ndata: waiting\n\n"
    await stream.aclose()


async def test_a_stopping_server_ends_the_streams() -> None:
    class Client:
        async def is_disconnected(self) -> bool:
            return False

    stream = handoff_stream(Client())  # type: ignore[arg-type]
    assert await anext(stream) == "retry: 3000\n\n"
    stop_streams()
    try:
        with pytest.raises(StopAsyncIteration):
            await anext(stream)
    finally:
        live._stopping.clear()  # the flag is the process's; other tests stream again
