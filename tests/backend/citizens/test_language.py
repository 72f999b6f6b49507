"""The one rule that decides a chat's language, and where it is kept."""

import pytest
from sqlalchemy.orm import Session

from backend.citizens.language import chat_language, detect_language, remember_language


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("路灯坏了", "en", "zh"),
        ("the streetlight outside my home is broken", "zh", "en"),
        ("yes, submit", "zh", "en"),
        ("I live in 南山区, the bins are overflowing", "zh", "en"),
        ("我要投诉KTV噪音", "en", "zh"),
        ("南山区科技园这边地铁站旁边的metro出口", "en", "zh"),
        ("the bins near 南山区科技园 are full", "zh", "en"),
        ("对的，提交吧", "en", "zh"),
        ("13812345678", "en", "en"),
        ("SZ20261129-000123", "en", "en"),
        ("SZ20261129-000123", "zh", "zh"),
        ("/affirm", "en", "en"),
        ('/inform{"district":"南山区"}', "en", "en"),
        ("ok", "en", "en"),
        ("OK", "zh", "zh"),
        ("👍", "en", "en"),
        ("粤B12345", "en", "en"),
        ("粤B12345", "zh", "zh"),
    ],
)
def test_detect_language(text: str, current: str, expected: str) -> None:
    assert detect_language(text, current=current) == expected


def test_a_new_chat_is_chinese_and_keeps_what_was_decided(session: Session) -> None:
    assert chat_language(session=session, channel="web", chat_id="lang-1") == "zh"

    said = remember_language(session=session, channel="web", chat_id="lang-1", text="hello there")
    kept = chat_language(session=session, channel="web", chat_id="lang-1")
    neutral = remember_language(session=session, channel="web", chat_id="lang-1", text="1")
    back = remember_language(session=session, channel="web", chat_id="lang-1", text="路灯坏了")

    assert (said, kept, neutral, back) == ("en", "en", "en", "zh")
    assert chat_language(session=session, channel="web", chat_id="lang-1") == "zh"
