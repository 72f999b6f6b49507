"""Intake end to end: web chat → platform → real Rasa + action server → a filed ticket."""

import re

import httpx
import pytest

from tests.e2e.live import Platform, file_new_if_offered, say

pytestmark = pytest.mark.e2e

TICKET_NO = re.compile(r"SZ\d{8}-\d{6}")
RICH_REPORT = "粤海街道科技园这边有个工地每天晚上十一点还在打桩"


def button(replies: list[dict], title: str) -> dict:
    """The button with that title among the replies (exactly one)."""
    [found] = [b for reply in replies for b in reply["buttons"] if b["title"] == title]
    return found


def filed_ticket(platform: Platform, replies: list[dict]) -> dict:
    """The ticket whose number the bot just gave, as the platform has it."""
    numbers = [m.group(0) for r in replies if (m := TICKET_NO.search(r["text"] or ""))]
    assert numbers, f"no ticket number in {replies}"
    response = httpx.get(
        f"{platform.url}/api/v1/tickets/{numbers[0]}", headers=platform.staff_headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


def test_one_rich_message_and_one_confirmation_file_a_complete_ticket(
    platform: Platform, web_session: httpx.Client
) -> None:
    replies = file_new_if_offered(platform, web_session, say(platform, web_session, RICH_REPORT))
    readback = replies[0]  # the very next bot message is the read-back
    for part in ("噪音扰民", "南山区粤海街道", "科技园", RICH_REPORT):
        assert part in readback["text"], readback["text"]
    assert [b["title"] for b in readback["buttons"]] == ["确认提交", "修改", "取消"]

    filed = say(platform, web_session, button(replies, "确认提交")["payload"])
    ticket = filed_ticket(platform, filed)
    assert ticket["service_code"] == "noise"
    assert (ticket["district"], ticket["street"]) == ("南山区", "粤海街道")
    assert ticket["state"] == "dispatched"
    assert ticket["description"] == RICH_REPORT


def test_a_free_text_correction_and_a_status_check_on_the_way(
    platform: Platform, web_session: httpx.Client
) -> None:
    file_new_if_offered(platform, web_session, say(platform, web_session, RICH_REPORT))
    corrected = say(platform, web_session, "地址改成建安一路")
    assert "宝安区新安街道 建安一路" in corrected[-1]["text"]

    status = say(platform, web_session, "我的投诉怎么样了")
    assert "没有办理中的诉求" in status[0]["text"]
    assert "请核对" in status[-1]["text"]  # the form resumes with the read-back

    filed = say(platform, web_session, button(status, "确认提交")["payload"])
    ticket = filed_ticket(platform, filed)
    assert (ticket["district"], ticket["street"], ticket["address"]) == (
        "宝安区",
        "新安街道",
        "建安一路",
    )


def test_a_report_without_a_place_asks_for_it_with_district_buttons(
    platform: Platform, web_session: httpx.Client
) -> None:
    replies = say(platform, web_session, "楼下烧烤店的油烟太大了，熏得没法开窗")
    district = button(replies, "福田区")
    asked = say(platform, web_session, district["payload"])
    assert "具体位置" in asked[-1]["text"]
    readback = file_new_if_offered(
        platform, web_session, say(platform, web_session, "福华三路88号")
    )
    assert "福田区" in readback[-1]["text"] and "福华三路88号" in readback[-1]["text"]
    cancelled = say(platform, web_session, button(readback, "取消")["payload"])
    assert "已取消" in cancelled[0]["text"]
