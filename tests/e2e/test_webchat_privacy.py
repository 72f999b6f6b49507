"""One web chat cannot learn anything about another chat's ticket by quoting its number."""

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.live import Platform, file_new_if_offered, say

pytestmark = pytest.mark.e2e

TICKET_NO = re.compile(r"SZ\d{8}-\d{6}")


def texts(replies: list[dict]) -> str:
    return "\n".join(reply["text"] or "" for reply in replies)


@pytest.fixture
def citizens(platform: Platform) -> Iterator[tuple[httpx.Client, ...]]:
    """Three browsers, each with the chat cookie the platform issues it."""
    clients = tuple(httpx.Client(base_url=platform.url, timeout=60) for _ in range(3))
    try:
        yield clients
    finally:
        for client in clients:
            client.close()


def test_asking_about_another_sessions_ticket_is_answered_as_not_found(
    platform: Platform, citizens: tuple[httpx.Client, ...]
) -> None:
    owner, stranger, third = citizens
    replies = file_new_if_offered(
        platform, owner, say(platform, owner, "粤海街道科技园这边有个工地每天晚上十一点还在打桩")
    )
    [confirm] = [b for r in replies for b in r["buttons"] if b["title"] == "确认提交"]
    filed = say(platform, owner, confirm["payload"])
    ticket_no = next(m.group(0) for r in filed if (m := TICKET_NO.search(r["text"] or "")))

    own_answer = texts(say(platform, owner, f"我想查一下工单 {ticket_no} 的进度"))
    assert ticket_no in own_answer and "没有找到" not in own_answer

    asked = texts(say(platform, stranger, f"我想查一下工单 {ticket_no} 的进度"))
    day, number = ticket_no.split("-")
    missing_no = f"{day}-{(int(number) + 500):06d}"
    missing = texts(say(platform, third, f"我想查一下工单 {missing_no} 的进度"))
    assert f"没有找到工单 {ticket_no}" in asked
    assert asked == missing.replace(missing_no, ticket_no)
    for leaked in ("噪音", "粤海", "科技园", "派发", "办事处"):
        assert leaked not in asked
