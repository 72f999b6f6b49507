"""An English citizen end to end: answered in English throughout, the ticket keeps their words.

Web chat → platform (detects the language, sends it in the metadata) → real Rasa (language slot,
conditional responses) + action server (messages.en.yml) → a filed ticket.
"""

import re

import httpx
import pytest

from tests.e2e.live import Platform, say
from tests.e2e.test_intake import filed_ticket

pytestmark = pytest.mark.e2e

REPORT = "The streetlights on Keyuan Road in Nanshan have been out for a week, it is pitch dark"
CJK = re.compile(r"[\u4e00-\u9fff]")
# What an English chat may still show in Chinese: place and department names (proper nouns).
PROPER_NOUNS = re.compile(r"[\u4e00-\u9fff]+(?:区|街道|社区|路|大道|局|办事处|中心|公司|委员会)")


def chinese_outside_names(text: str) -> list[str]:
    return CJK.findall(PROPER_NOUNS.sub("", text))


def test_an_english_citizen_is_answered_in_english_and_files_a_ticket(
    platform: Platform, web_session: httpx.Client
) -> None:
    greeting = say(platform, web_session, "hello")
    assert greeting[0]["text"].startswith("Hello, I'm the Suban assistant"), greeting

    replies = say(platform, web_session, REPORT)
    answers = iter(["near the Science Park", "reply here", "yes, submit"])
    seen = list(replies)
    for _ in range(5):
        if any("Submitted" in (r["text"] or "") for r in replies):
            break
        readback = [r for r in replies if (r["text"] or "").startswith("Please check your report")]
        offered = any(b["payload"] == "/file_new" for r in replies for b in r["buttons"])
        if offered:  # an earlier test filed the same report (issue 13): file a new one anyway
            replies = say(platform, web_session, "/file_new")
        elif readback:
            assert [b["title"] for b in readback[-1]["buttons"]] == ["Submit", "Change", "Cancel"]
            replies = say(platform, web_session, "/affirm")
        else:
            replies = say(platform, web_session, next(answers))
        seen += replies

    for reply in seen:
        assert chinese_outside_names(reply["text"] or "") == [], reply["text"]
        assert all(b["title"].isascii() for b in reply.get("buttons") or []), reply
    ticket = filed_ticket(platform, replies)
    assert ticket["service_code"] == "streetlight"
    assert ticket["description"].startswith(REPORT)
    assert ticket["district"] == "南山区"
