"""The scripted citizens of `make eval-dialogue`: conversations and the tickets they must end in.

The data lives in ``tests/dialogue/conversations/*.yml`` (one file per kind of behaviour) and
the words no ticket field may hold in ``tests/dialogue/stray_words.yml``; both are validated
here when loaded. A turn is what the citizen types, or ``{press: <button title>}`` to tap a
button of the bot's latest replies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

REPO = Path(__file__).resolve().parents[1]
CONVERSATIONS_DIR = REPO / "tests" / "dialogue" / "conversations"
STRAY_WORDS_FILE = REPO / "tests" / "dialogue" / "stray_words.yml"

ContactPreference = Literal["chat", "phone", "anonymous"]


class Press(BaseModel):
    """Tap the button with this title among the bot's latest replies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    press: str = Field(min_length=1)


Turn = str | Press


class ExpectedTicket(BaseModel):
    """The ticket a conversation must end in.

    service_code, district, contact_preference and urgent are always compared; street, address,
    description and request_type only when given (a street the citizen never named is the
    gazetteer's business, not the dialogue's). `*_contains` lists words the field must hold;
    `absent` words must be in no field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    service_code: str = Field(min_length=1)
    district: str | None
    street: str | None = None
    address: str | None = None
    address_contains: list[str] = []
    description: str | None = None
    description_contains: list[str] = []
    request_type: str | None = None
    contact_preference: ContactPreference = "chat"
    urgent: bool = False
    absent: list[str] = []

    def checks(self, name: str) -> bool:
        """Was this optional field given in the data (so it is compared)?"""
        return name in self.model_fields_set


class Conversation(BaseModel):
    """One citizen's conversation and its expected outcome (a ticket, or none)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    split: Literal["train", "heldout"]
    patterns: list[str] = Field(min_length=1)
    language: Literal["zh", "en"] = "zh"
    turns: list[Turn] = Field(min_length=1)
    min_turns: int | None = Field(default=None, ge=1)
    ticket: ExpectedTicket | None
    handoff: bool = False

    @field_validator("ticket", mode="before")
    @classmethod
    def _none_word(cls, value: object) -> object:
        """`ticket: none` in the YAML means no ticket may be filed."""
        return None if value == "none" else value

    @field_validator("turns")
    @classmethod
    def _no_blank_turn(cls, turns: list[Turn]) -> list[Turn]:
        if any(isinstance(turn, str) and not turn.strip() for turn in turns):
            raise ValueError("a typed turn is blank")
        return turns

    @model_validator(mode="after")
    def _min_turns_fit(self) -> Conversation:
        if self.min_turns is not None and self.min_turns > len(self.turns):
            raise ValueError(f"min_turns {self.min_turns} > {len(self.turns)} turns")
        return self

    def typed(self) -> list[str]:
        """The turns the citizen types (not button taps)."""
        return [turn for turn in self.turns if isinstance(turn, str)]


class ConversationFile(BaseModel):
    """One file of conversations."""

    model_config = ConfigDict(extra="forbid")

    conversations: list[Conversation] = Field(min_length=1)


class StrayWords(BaseModel):
    """Words that are never a ticket's data: commands, affirmations, cancels, don't-knows.

    No place field (street, community, address) may contain any of `place_words`; a
    description may not be made only of `commands` (punctuation, spaces and case aside).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    place_words: list[str] = Field(min_length=1)
    commands: list[str] = Field(min_length=1)


def load_conversations(directory: Path = CONVERSATIONS_DIR) -> list[Conversation]:
    """Every conversation of the `*.yml` files in `directory`; ids must be unique."""
    conversations: list[Conversation] = []
    for path in sorted(directory.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            conversations.extend(ConversationFile.model_validate(raw).conversations)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from error
    if not conversations:
        raise ValueError(f"no conversations under {directory}")
    seen: set[str] = set()
    for conversation in conversations:
        if conversation.id in seen:
            raise ValueError(f"conversation id {conversation.id!r} is used twice")
        seen.add(conversation.id)
    return conversations


def load_stray_words(path: Path = STRAY_WORDS_FILE) -> StrayWords:
    """The words no ticket field may hold."""
    return StrayWords.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
