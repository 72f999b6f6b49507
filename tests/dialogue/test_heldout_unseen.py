"""The held-out conversations of `make eval-dialogue` are not in the model's data.

No typed turn of a held-out conversation may appear, the same or nearly, among the texts of
nlu/data (training examples, stories, rules, lookups) or nlu/tests (test stories): otherwise
the held-out figure would measure memory. Short turns (对的, 取消, yes) are every dialogue's
vocabulary and are not checked.
"""

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

from scripts.dialogue_cases import load_conversations

REPO = Path(__file__).resolve().parents[2]
SOURCES = [REPO / "nlu" / "data", REPO / "nlu" / "tests"]
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
NOT_WORD = re.compile(r"[\W_]+")
MIN_CHARS = 10  # shorter turns are shared vocabulary
NEAR = 85  # rapidfuzz ratio (0-100) from which two texts count as the same


def normalised(text: str) -> str:
    """Without annotations, punctuation, spaces and case."""
    return NOT_WORD.sub("", ANNOTATION.sub(r"\1", text)).casefold()


def strings_in(node: object) -> Iterator[str]:
    """Every string of a YAML document, a block of `- example` lines split into its lines."""
    if isinstance(node, str):
        for line in node.splitlines():
            yield line.strip().removeprefix("- ")
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


@cache
def known_texts() -> tuple[str, ...]:
    texts = set()
    for source in SOURCES:
        for path in sorted(source.rglob("*.yml")):
            for text in strings_in(yaml.safe_load(path.read_text(encoding="utf-8"))):
                texts.add(normalised(text))
    return tuple(text for text in texts if text)


def heldout_turns() -> list[tuple[str, str]]:
    return [
        (conversation.id, turn)
        for conversation in load_conversations()
        if conversation.split == "heldout"
        for turn in conversation.typed()
        if len(normalised(turn)) >= MIN_CHARS
    ]


def test_the_model_data_is_read() -> None:
    assert len(known_texts()) > 1000
    assert (
        normalised("我住[宝安](district)[松岗街道](street)，楼下广场舞太吵了，音响开得震天响")
        in known_texts()
    )


def test_there_are_held_out_turns_to_check() -> None:
    assert len(heldout_turns()) >= 30


@pytest.mark.parametrize(("conversation", "turn"), heldout_turns())
def test_a_held_out_turn_is_not_in_the_training_data_or_test_stories(
    conversation: str, turn: str
) -> None:
    match = process.extractOne(
        normalised(turn), known_texts(), scorer=fuzz.ratio, score_cutoff=NEAR
    )
    assert match is None, f"{conversation}: {turn!r} is nearly {match[0]!r} ({match[1]:.0f})"
