"""Every text a channel says by itself exists in English with the same placeholders."""

import string
from pathlib import Path

import pytest

from backend.citizens.language import in_language
from bot.telegram.texts import TEXTS_FILE, channel_text
from bot.texts import SHARED_TEXTS, bot_text, load_texts

FILES = [SHARED_TEXTS, TEXTS_FILE]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.parent.parent.name)
def test_english_texts_have_the_same_names_and_placeholders(path: Path) -> None:
    chinese, english = load_texts(path), load_texts(in_language(path, "en"))

    assert set(english) == set(chinese)
    for name, template in chinese.items():
        assert fields(english[name]) == fields(template), name


def test_texts_in_each_language() -> None:
    assert bot_text("address_busy", seconds=5) == bot_text("address_busy", language="zh", seconds=5)
    assert "5 seconds" in bot_text("address_busy", language="en", seconds=5)
    assert channel_text("button_expired", language="en").startswith("This button has expired")
    assert in_language(SHARED_TEXTS, "fr") == SHARED_TEXTS
