"""`NumberNormalizer`: phone, ID, plate, ticket and house numbers become one placeholder word.

A complaint that ends "电话13812345678，请打电话联系我" used to fall back: the digits' character
n-grams are frequent in `inform` examples ("我的手机号是…"), so they outweighed the complaint
itself. This component runs after the tokenizer and rewrites only the tokens' text and lemma
(what the featurisers count); the message text, the token offsets and so every extracted entity
keep the citizen's own characters, and RegexFeaturizer/RegexEntityExtractor still read the
digits. The patterns are data: nlu/components/data/number_patterns.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, validator
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "number_patterns.yml"


class NumberPattern(BaseModel):
    """One kind of number: its placeholder word and the regex that finds it."""

    kind: str
    placeholder: str
    regex: str

    @validator("placeholder")
    def _one_lower_word(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]+", value):
            raise ValueError("a placeholder is one lower-case ASCII word")
        return value

    @validator("regex")
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class NumberPatterns(BaseModel):
    patterns: list[NumberPattern]


@lru_cache
def load_patterns(path: Path = PATTERNS_FILE) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The compiled patterns with their placeholders, in file order."""
    with path.open(encoding="utf-8") as file:
        parsed = NumberPatterns.parse_obj(yaml.safe_load(file))
    return tuple((re.compile(p.regex), p.placeholder) for p in parsed.patterns)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    placeholder: str


def number_spans(text: str) -> list[Span]:
    """Non-overlapping number spans of a text; an earlier pattern wins a contested stretch."""
    spans: list[Span] = []
    for pattern, placeholder in load_patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(s.start < end and start < s.end for s in spans):
                continue
            spans.append(Span(start, end, placeholder))
    return sorted(spans, key=lambda span: span.start)


def normalise_tokens(message: Message) -> None:
    """Give each text token that lies inside a number its placeholder (text and lemma)."""
    tokens = message.get(TOKENS_NAMES[TEXT])
    text = message.get(TEXT)
    if not tokens or not text:
        return
    spans = number_spans(text)
    if not spans:
        return
    for token in tokens:
        for span in spans:
            if token.start < span.end and span.start < token.end:
                token.text = token.lemma = span.placeholder
                break


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class NumberNormalizer(GraphComponent):
    """Rewrites number tokens to placeholders, in training and at inference alike."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NumberNormalizer:
        load_patterns()  # a broken patterns file fails training, not the first message
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            normalise_tokens(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            normalise_tokens(message)
        return messages
