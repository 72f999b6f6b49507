"""Live takeover against the real Rasa: a held web chat gets no bot reply, the operator's
message reaches it, and after hand-back the half-filled complaint is gone and the bot answers."""

import httpx
import pytest

from tests.e2e.live import Platform, say
from tests.e2e.test_webchat_progress import poll_until, says

pytestmark = pytest.mark.e2e

COMPLAINT = "梅林街道这边有个工地每天晚上十一点还在打桩，吵得睡不着"


def chat_path(platform: Platform, text: str) -> str:
    """The API path of the web chat that said `text` (its id lives in a signed cookie)."""
    listed = httpx.get(
        f"{platform.url}/api/v1/conversations",
        params={"state": "all", "limit": 500},
        headers=platform.staff_headers,
        timeout=30,
    )
    listed.raise_for_status()
    for item in listed.json():
        path = f"/api/v1/conversations/{item['channel']}/{item['chat_id']}"
        shown = httpx.get(f"{platform.url}{path}", headers=platform.staff_headers, timeout=30)
        if any(m["text"] == text for m in shown.json()["messages"]):
            return path
    raise LookupError(f"no conversation said {text!r}")


def test_a_held_chat_gets_no_bot_reply_and_the_bot_answers_after_release(
    platform: Platform, web_session: httpx.Client
) -> None:
    started = say(platform, web_session, COMPLAINT)
    assert started, "the bot said nothing to the complaint"
    path = chat_path(platform, COMPLAINT)
    staff = platform.staff_headers
    claimed = httpx.post(f"{platform.url}{path}/claim", headers=staff, timeout=30)
    assert claimed.status_code == 200, claimed.text
    _, cursor = poll_until(platform, web_session, says("人工客服已接入"), after=0)

    assert say(platform, web_session, "具体是在梅林一村旁边") == []
    shown = httpx.get(f"{platform.url}{path}", headers=staff, timeout=30).json()
    last = shown["messages"][-1]
    assert (last["role"], last["text"]) == ("citizen", "具体是在梅林一村旁边")
    assert last["nlu"]["intent"]  # the operator's hint, from /model/parse

    sent = httpx.post(
        f"{platform.url}{path}/messages",
        json={"text": "您好，我已记下，会转给街道核实。"},
        headers=staff,
        timeout=30,
    )
    assert sent.status_code == 202, sent.text
    _, cursor = poll_until(platform, web_session, says("会转给街道核实"), after=cursor)

    released = httpx.post(
        f"{platform.url}{path}/release", json={"note": "已答复"}, headers=staff, timeout=30
    )
    assert released.status_code == 200, released.text
    poll_until(platform, web_session, says("已转回智能助手"), after=cursor)

    replies = say(platform, web_session, "你好")
    assert replies, "the bot did not answer after the hand-back"
    assert "速办" in replies[0]["text"]  # a fresh greeting, not the old form's next question
