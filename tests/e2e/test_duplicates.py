"""Duplicates during intake end to end (issue 13): a second citizen reporting the same broken
streetlight is offered the open ticket, follows it, files nothing, and gets the same progress
and a rating prompt of their own (web chat and Telegram → platform → real Rasa + actions)."""

import httpx
import pytest
from sqlalchemy import func, select

from storage.db import create_db_engine
from storage.models import Ticket
from tests.e2e.live import Platform, say
from tests.e2e.test_intake import button, filed_ticket
from tests.e2e.test_telegram_flow import bot_says, has_button, new_chat, tap, text_of
from tests.e2e.test_webchat_progress import poll_until, says

pytestmark = pytest.mark.e2e

FIRST = "华强北路的路灯不亮了，晚上一片漆黑"
SECOND = "华强北路这边的路灯坏了好几天了，晚上很黑"
ASKS_PLACE = "具体位置"


def report(platform: Platform, citizen: httpx.Client, text: str, place: str) -> list[dict]:
    """Tell the report; answer the place question if the bot asks one."""
    replies = say(platform, citizen, text)
    if ASKS_PLACE in (replies[-1]["text"] or ""):
        replies = say(platform, citizen, place)
    return replies


def tickets_at(platform: Platform, *, service_code: str, street: str) -> int:
    engine = create_db_engine(platform.settings.database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(func.count())
                .select_from(Ticket)
                .where(Ticket.service_code == service_code, Ticket.street == street)
            )
    finally:
        engine.dispose()


def staff_moves(platform: Platform, ticket_no: str, *steps: tuple[str, str]) -> None:
    for action, note in steps:
        httpx.post(
            f"{platform.url}/api/v1/tickets/{ticket_no}/transitions",
            json={"action": action, "note": note},
            headers=platform.staff_headers,
            timeout=30,
        ).raise_for_status()


def test_a_second_web_citizen_follows_the_open_ticket_and_both_get_progress_and_a_prompt(
    platform: Platform, web_session: httpx.Client
) -> None:
    first = report(platform, web_session, FIRST, "华强北路口")
    assert not [b for r in first for b in r["buttons"] if b["payload"] == "/file_new"]
    ticket = filed_ticket(
        platform, say(platform, web_session, button(first, "确认提交")["payload"])
    )
    assert (ticket["service_code"], ticket["street"]) == ("streetlight", "华强北街道")
    ticket_no = ticket["ticket_no"]

    with httpx.Client(base_url=platform.url, timeout=60) as second_citizen:
        offered = report(platform, second_citizen, SECOND, "华强北路口")
        offer = offered[-1]
        for part in (
            f"附近已有相同问题正在办理：{ticket_no} 路灯照明",
            "福田区华强北街道",
            "要关注",
        ):
            assert part in offer["text"], offer["text"]
        assert [b["title"] for b in offer["buttons"]] == ["关注这个工单", "仍然新建"]

        followed = say(platform, second_citizen, button(offered, "关注这个工单")["payload"])
        assert any(f"您已关注工单 {ticket_no}" in (r["text"] or "") for r in followed), followed
        assert not [r for r in followed if "请核对" in (r["text"] or "")]
        assert tickets_at(platform, service_code="streetlight", street="华强北街道") == 1
        shown = httpx.get(
            f"{platform.url}/api/v1/tickets/{ticket_no}", headers=platform.staff_headers
        ).json()
        assert shown["co_reporters"] == 1

        staff_moves(platform, ticket_no, ("accept", "已签收"), ("resolve", "已更换华强北路的路灯"))
        for citizen in (web_session, second_citizen):
            _, cursor = poll_until(platform, citizen, says("已更换华强北路的路灯"), after=0)
            prompt, _ = poll_until(
                platform,
                citizen,
                lambda m: any(b["title"] == "不满意" for b in m["buttons"]),
                after=cursor - 1,  # the prompt may ride on the resolved message itself
            )
            [unsatisfied] = [b for b in prompt["buttons"] if b["title"] == "不满意"]
            assert ticket_no in unsatisfied["payload"]  # their own prompt, for this ticket


def test_a_telegram_citizen_follows_an_open_ticket_filed_in_the_web_chat(
    platform: Platform, web_session: httpx.Client
) -> None:
    filed = report(
        platform, web_session, "天安数码城门口的垃圾堆了好几天没人清理，很臭", "天安数码城门口"
    )
    ticket_no = filed_ticket(
        platform, say(platform, web_session, button(filed, "确认提交")["payload"])
    )["ticket_no"]

    api, chat = platform.bot_api, new_chat()
    mark = len(api.calls)
    api.user_says(chat, "天安数码城这里垃圾好几天没人清理了，味道很大")
    offer = bot_says(api, chat, has_button("关注这个工单"), after=mark)
    assert ticket_no in text_of(offer) and "要关注这个工单吗" in text_of(offer)
    mark = tap(api, chat, offer, "关注这个工单")
    bot_says(api, chat, lambda c: f"您已关注工单 {ticket_no}" in text_of(c), after=mark)
    assert tickets_at(platform, service_code="sanitation", street="沙头街道") == 1

    mark = len(api.calls)
    staff_moves(platform, ticket_no, ("accept", "已签收"), ("resolve", "垃圾已清运完毕"))
    bot_says(api, chat, lambda c: "垃圾已清运完毕" in text_of(c), after=mark)
    bot_says(api, chat, has_button("不满意"), after=mark)
