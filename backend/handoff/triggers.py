"""Words that call a person in by themselves: urgent words and angry wording."""

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from backend.catalogue.data import is_urgent_text
from backend.handoff.texts import handoff_text
from storage.models import HandoffReason

TRIGGERS_FILE = Path(__file__).parent / "data" / "triggers.yml"


class Triggers(BaseModel):
    """The lexicon of data/triggers.yml."""

    angry: list[str] = Field(min_length=1)


@cache
def load_triggers() -> Triggers:
    """The lexicon, read once."""
    return Triggers.model_validate(yaml.safe_load(TRIGGERS_FILE.read_text(encoding="utf-8")))


def reason_in_text(*, text: str) -> HandoffReason | None:
    """Why this message alone calls a person in (urgent before angry), or None."""
    if is_urgent_text(text=text):
        return HandoffReason.urgent
    if any(word in text for word in load_triggers().angry):
        return HandoffReason.angry
    return None


def reason_label(reason: HandoffReason) -> str:
    """How a reason reads in the transcript and the inbox (texts.yml `reason_*`)."""
    return handoff_text(f"reason_{reason.value}")
