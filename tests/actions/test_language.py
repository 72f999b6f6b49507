"""English conversations: messages.en.yml mirrors messages.yml, labels.en.yml overrides labels,
and the language comes from the platform's metadata (then the slot)."""

import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import language
from actions.complaint_draft import readback_lines
from actions.messages import (
    category_name,
    contact_name,
    district_title,
    labels,
    load_data,
    say,
    state_name,
    text,
)
from actions.set_language import SetLanguage
from actions.timefmt import format_due


def placeholders(entry: Any) -> set[str]:
    """Every str.format field anywhere in an entry (text, button titles…)."""
    if isinstance(entry, dict):
        return set().union(*(placeholders(v) for v in entry.values())) if entry else set()
    if isinstance(entry, list):
        return set().union(*(placeholders(v) for v in entry)) if entry else set()
    if isinstance(entry, str):
        return {name for _, name, _, _ in string.Formatter().parse(entry) if name}
    return set()


def payloads(entry: Any) -> list:
    buttons = entry.get("buttons", []) if isinstance(entry, dict) else []
    return [b.get("payload") for b in buttons]


def test_english_messages_have_exactly_the_chinese_keys() -> None:
    assert set(load_data("messages.en")) == set(load_data("messages"))


@pytest.mark.parametrize("key", sorted(load_data("messages")))
def test_english_message_has_the_same_placeholders_and_buttons(key: str) -> None:
    chinese, english = load_data("messages")[key], load_data("messages.en")[key]

    assert placeholders(english) == placeholders(chinese)
    assert payloads(english) == payloads(chinese)
    assert type(english) is type(chinese)
    if isinstance(chinese, list):  # rating buttons: same scores in the same order
        assert [b["score"] for b in english] == [b["score"] for b in chinese]


def test_english_labels_only_override_what_exists() -> None:
    chinese, english = load_data("labels"), load_data("labels.en")
    for section, names in english.items():
        assert section in chinese, section
        if isinstance(names, dict) and section != "district_titles":
            assert set(names) <= set(chinese[section]), section
    assert set(english["categories"]) == set(chinese["categories"])
    assert set(english["district_titles"]) == set(chinese["districts"])
    assert set(english["modify_fields"]) == set(chinese["modify_fields"])


def test_chinese_is_the_default() -> None:
    assert language.current() == "zh"
    assert category_name("noise") == "噪音扰民"
    assert text("department_pending") == "正在分派"


def test_english_texts_and_labels_inside_speaking() -> None:
    with language.speaking("en"):
        assert category_name("noise") == "Noise nuisance"
        assert category_name(None) == "not determined"
        assert state_name("resolved") == "resolved"
        assert contact_name("chat") == "reply in this chat"
        assert district_title("南山区") == "Nanshan"
        assert labels()["modify_fields"]["place"] == {
            "title": "Place",
            "slots": ["district", "street", "community", "address"],
        }
        assert labels()["modify_words"] == load_data("labels")["modify_words"]
    assert category_name("noise") == "噪音扰民"
    assert district_title("南山区") == "南山区"


def test_english_buttons_keep_the_payloads() -> None:
    dispatcher = CollectingDispatcher()
    with language.speaking("en"):
        say(dispatcher, "readback", lines="Category: Noise nuisance")

    [sent] = dispatcher.messages
    assert sent["text"].startswith("Please check your report:\nCategory: Noise nuisance")
    assert [b["title"] for b in sent["buttons"]] == ["Submit", "Change", "Cancel"]
    assert [b["payload"] for b in sent["buttons"]] == ["/affirm", "/deny", "/cancel"]


def test_english_readback_keeps_the_citizens_words() -> None:
    values = {
        "service_code": "noise",
        "request_type": "complaint",
        "district": "南山区",
        "description": "loud piling at night near Keyuan Road",
        "contact_preference": "chat",
    }
    with language.speaking("en"):
        lines = readback_lines(values)

    assert "Category: Noise nuisance" in lines
    assert "Description: loud piling at night near Keyuan Road" in lines
    assert "Contact: reply in this chat" in lines


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"latest_message": {"metadata": {"language": "en"}}, "slots": {"language": "zh"}}, "en"),
        ({"latest_message": {"metadata": {}}, "slots": {"language": "en"}}, "en"),
        ({"latest_message": {"metadata": {"language": "fr"}}, "slots": {}}, "zh"),
        ({}, "zh"),
    ],
)
def test_language_of_a_tracker(state: dict, expected: str) -> None:
    assert language.from_tracker_state(state) == expected


def tracker(metadata: dict, slot: str | None) -> Tracker:
    return Tracker(
        "web:x", {"language": slot}, {"text": "hi", "metadata": metadata},
        [], False, None, {}, "action_listen",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("metadata", "slot", "events"),
    [
        ({"language": "en"}, "zh", [SlotSet("language", "en")]),
        ({"language": "zh"}, "en", [SlotSet("language", "zh")]),
        ({"language": "en"}, "en", []),
        ({}, "en", []),
        ({"language": "xx"}, "zh", []),
    ],
)
async def test_set_language_copies_the_metadata(metadata: dict, slot: str, events: list) -> None:
    got = await SetLanguage().run(CollectingDispatcher(), tracker(metadata, slot), {})

    assert got == events


def test_english_category_and_request_type_names_are_the_catalogues() -> None:
    # The catalogue is the platform's data: read as a file, never imported (actions stand alone).
    catalogue_file = Path(__file__).resolve().parents[2] / "backend/catalogue/data/catalogue.yml"
    catalogue = yaml.safe_load(catalogue_file.read_text(encoding="utf-8"))
    english = load_data("labels.en")
    chinese = load_data("labels")

    assert english["categories"] == {
        c["service_code"]: c["name_en"] for c in catalogue["categories"]
    }
    assert chinese["categories"] == {
        c["service_code"]: c["name_zh"] for c in catalogue["categories"]
    }
    assert english["request_types"] == {t["code"]: t["name_en"] for t in catalogue["request_types"]}


def test_due_times_in_each_language() -> None:
    assert format_due("2026-12-04T01:37:00Z") == "12月4日 09:37前"
    with language.speaking("en"):
        assert format_due("2026-12-04T01:37:00Z") == "by 09:37 on 4 December"
