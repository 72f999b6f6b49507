"""The web chat gets the same progress notices and rating prompt as Telegram, by polling."""

import re
import time
from collections.abc import Callable

import httpx
import pytest

from tests.e2e.live import Platform, file_new_if_offered, say

pytestmark = pytest.mark.e2e

TICKET_NO = re.compile(r"SZ\d{8}-\d{6}")
WAIT_SECONDS = 120.0


def poll_until(
    platform: Platform,
    citizen: httpx.Client,
    wanted: Callable[[dict], bool],
    *,
    after: int,
    seen: list[str] | None = None,
) -> tuple[dict, int]:
    """Poll `/chat/api/updates` as the page does until a wanted message comes; returns it and
    the cursor just past it (the texts passed on the way are added to `seen`)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        response = citizen.get("/chat/api/updates", params={"after": after}, timeout=30)
        response.raise_for_status()
        for message in response.json()["messages"]:
            after = message["id"]
            if seen is not None:
                seen.append(message["text"] or "")
            if wanted(message):
                return message, after
        time.sleep(0.5)
    raise TimeoutError("the wanted message never reached the web chat")


def says(needle: str) -> Callable[[dict], bool]:
    return lambda message: needle in (message["text"] or "")


def test_web_chat_gets_progress_and_a_rating_prompt_and_unsatisfied_reopens(
    platform: Platform, web_session: httpx.Client
) -> None:
    replies = file_new_if_offered(
        platform,
        web_session,
        say(platform, web_session, "粤海街道科技园这边有个工地每天晚上十一点还在打桩"),
    )
    [confirm] = [b for r in replies for b in r["buttons"] if b["title"] == "确认提交"]
    filed = say(platform, web_session, confirm["payload"])
    ticket_no = next(m.group(0) for r in filed if (m := TICKET_NO.search(r["text"] or "")))
    # One confirmation (issue 10): the filing answer names the department and time limit, and
    # the dispatch at creation is not pushed again.
    assert any("承办部门" in (r["text"] or "") for r in filed)

    for action, note in (("accept", "已签收"), ("resolve", "已协调停止夜间施工")):
        httpx.post(
            f"{platform.url}/api/v1/tickets/{ticket_no}/transitions",
            json={"action": action, "note": note},
            headers=platform.staff_headers,
            timeout=30,
        ).raise_for_status()
    pushed: list[str] = []
    _, cursor = poll_until(platform, web_session, says("已协调停止夜间施工"), after=0, seen=pushed)
    assert not [text for text in pushed if "派发" in text]
    prompt, _ = poll_until(
        platform,
        web_session,
        lambda m: any(b["title"] == "不满意" for b in m["buttons"]),
        after=cursor - 1,  # the prompt may ride on the resolved message itself
    )
    [unsatisfied] = [b for b in prompt["buttons"] if b["title"] == "不满意"]

    say(platform, web_session, unsatisfied["payload"])
    ticket = httpx.get(
        f"{platform.url}/api/v1/tickets/{ticket_no}", headers=platform.staff_headers, timeout=30
    ).json()
    assert ticket["reopen_count"] == 1
