"""lexicon.yml is read as the dialogue expects: every phrase a non-empty string (YAML reads a
bare no / yes / on / off as a boolean, which would silently never match)."""

from typing import Any

from actions.messages import labels, load_data
from actions.replies import REPLY_KINDS


def phrases(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in phrases(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [(path, value) for value in node]
    return []


def test_every_phrase_is_a_non_empty_string() -> None:
    bad = [(path, value) for path, value in phrases(load_data("lexicon"))
           if not isinstance(value, str) or not value.strip()]  # fmt: skip
    assert bad == []


def test_every_reply_kind_has_phrases() -> None:
    assert set(load_data("lexicon")["reply_phrases"]) == set(REPLY_KINDS)


def test_category_words_name_real_categories() -> None:
    assert set(load_data("lexicon")["category_words"]) <= set(labels()["categories"])
