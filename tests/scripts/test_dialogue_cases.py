"""scripts/dialogue_cases.py: the conversations of `make eval-dialogue` and how they load."""

from collections import Counter
from pathlib import Path

import pytest

from backend.catalogue.data import load_catalogue
from backend.places import district_names, streets_of
from scripts.dialogue_cases import Press, load_conversations, load_stray_words

ONE = """
conversations:
  - id: {id}
    split: train
    patterns: [cancel]
    turns: [我要投诉, {{press: 取消}}]
    ticket: none
"""


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_a_file_loads_with_typed_turns_button_taps_and_ticket_none(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", ONE.format(id="a"))
    [conversation] = load_conversations(tmp_path)
    assert conversation.turns == ["我要投诉", Press(press="取消")]
    assert conversation.ticket is None and conversation.typed() == ["我要投诉"]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("ticket: none", "ticket: {district: 南山区}"),  # no service code
        ("split: train", "split: test"),
        ("turns: [我要投诉, {press: 取消}]", "turns: [我要投诉, 12345]"),  # YAML number, not text
        ("turns: [我要投诉, {press: 取消}]", "turns: [我要投诉, {tap: 取消}]"),
        ("ticket: none", "ticket: none\n    min_turns: 3"),  # more than the turns
        ("patterns: [cancel]", "patterns: [cancel]\n    colour: red"),
    ],
)
def test_broken_conversations_are_refused_naming_the_file(
    tmp_path: Path, broken: str, message: str
) -> None:
    write(tmp_path, "bad.yml", ONE.format(id="a").replace(broken, message))
    with pytest.raises(ValueError, match=r"bad\.yml"):
        load_conversations(tmp_path)


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", ONE.format(id="same"))
    write(tmp_path, "b.yml", ONE.format(id="same"))
    with pytest.raises(ValueError, match="used twice"):
        load_conversations(tmp_path)


def test_the_shipped_conversations_are_many_split_and_name_real_codes_and_places() -> None:
    conversations = load_conversations()
    load_stray_words()
    assert len(conversations) >= 80
    splits = Counter(conversation.split for conversation in conversations)
    # at least a quarter held out; since the blind batches (blind*.yml) about three fifths
    assert 0.25 <= splits["heldout"] / len(conversations) <= 0.65
    codes = {category.service_code for category in load_catalogue().categories}
    districts = set(district_names())
    for conversation in conversations:
        expected = conversation.ticket
        if expected is None:
            continue
        assert expected.service_code in codes, conversation.id
        assert expected.district in districts, conversation.id
        if expected.street is not None:
            assert expected.street in streets_of(district=expected.district), conversation.id


def test_every_pattern_is_in_both_splits() -> None:
    conversations = load_conversations()
    by_split = {
        split: {p for c in conversations if c.split == split for p in c.patterns}
        for split in ("train", "heldout")
    }
    assert by_split["train"] == by_split["heldout"]
