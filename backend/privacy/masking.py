"""Mask personal data (phone, ID-card and plate numbers, e-mail, names) in a citizen's text.

One module for every text that leaves the platform or is reused: Open311 reads publish
descriptions masked; NLU training examples built from real messages will be masked the same
way. The patterns are data (`data/masking.yml`), checked on load: an unknown list, a bad
regular expression or an empty replacement is an error naming the rule.
"""

import re
from functools import cache
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

MASKING_FILE = Path(__file__).resolve().parent / "data" / "masking.yml"
WORD_LIST = re.compile(r"\{\{(\w+)\}\}")
PII_GROUP = "pii"


class MaskingRule(BaseModel):
    """One kind of personal data: what it looks like and what stands for it once masked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    replacement: str = Field(min_length=1)
    pattern: str = Field(min_length=1)
    ignore_case: bool = False


class MaskingConfig(BaseModel):
    """The file: named word lists and the rules, in the order they run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[MaskingRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_compile(self) -> Self:
        names = [rule.name for rule in self.rules]
        if len(set(names)) != len(names):
            raise ValueError("rule names must be unique")
        for name, words in self.words.items():
            if not words or any(not word for word in words):
                raise ValueError(f"word list {name!r} must list non-empty words")
        for rule in self.rules:
            compile_rule(rule, self.words)
        return self


def _alternation(words: list[str]) -> str:
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "(?:" + "|".join(re.escape(word) for word in ordered) + ")"


def compile_rule(rule: MaskingRule, words: dict[str, list[str]]) -> re.Pattern[str]:
    """The rule's pattern with its word lists filled in, compiled; ValueError naming the rule."""

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in words:
            raise ValueError(f"rule {rule.name!r} uses unknown word list {match.group(1)!r}")
        return _alternation(words[match.group(1)])

    source = WORD_LIST.sub(fill, rule.pattern)
    try:
        return re.compile(source, re.IGNORECASE if rule.ignore_case else 0)
    except re.error as error:
        raise ValueError(f"rule {rule.name!r} is not a valid regular expression: {error}") from None


class Masker:
    """Applies the rules in order; each replaces its match, or only its `pii` group."""

    def __init__(self, config: MaskingConfig) -> None:
        self.rules = [(rule, compile_rule(rule, config.words)) for rule in config.rules]

    def mask(self, text: str) -> str:
        """The text with every piece of personal data the rules find replaced."""
        for rule, pattern in self.rules:
            text = pattern.sub(lambda match, rule=rule: _replace(match, rule.replacement), text)
        return text


def _replace(match: re.Match[str], replacement: str) -> str:
    if PII_GROUP not in match.re.groupindex:
        return replacement
    whole, start, end = match.group(0), match.start(PII_GROUP), match.end(PII_GROUP)
    offset = match.start()
    return whole[: start - offset] + replacement + whole[end - offset :]


def load_masker(path: Path = MASKING_FILE) -> Masker:
    """A masker built from a rules file (checked: pydantic ValidationError when it is wrong)."""
    with path.open(encoding="utf-8") as handle:
        return Masker(MaskingConfig.model_validate(yaml.safe_load(handle)))


@cache
def default_masker() -> Masker:
    """The masker of the shipped rules, built on first use."""
    return load_masker()


def mask_personal_data(text: str) -> str:
    """The text with phone, ID-card and plate numbers, e-mails and names masked."""
    return default_masker().mask(text)
