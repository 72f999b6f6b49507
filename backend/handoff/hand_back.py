"""What becomes of Rasa's side of a chat when an operator hands it back (see data/hand_back.yml).

Design: the half-filled complaint form is dropped, not kept. While a person held the chat the
citizen's messages never reached Rasa, so a kept form would ask its next question as if nothing
had happened in between. The citizen is told on hand-back that the bot is back and that
unsubmitted details were cleared (texts.yml `released`); their next message starts fresh.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

HAND_BACK_FILE = Path(__file__).parent / "data" / "hand_back.yml"


class HandBack(BaseModel):
    """The settings of data/hand_back.yml."""

    keep_slots: list[str] = []


@cache
def load_hand_back() -> HandBack:
    """The hand-back settings, read once."""
    return HandBack.model_validate(yaml.safe_load(HAND_BACK_FILE.read_text(encoding="utf-8")))


def reset_events(*, domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Rasa tracker events that deactivate any form and reset the domain's slots to their
    initial values (except the kept ones)."""
    keep = set(load_hand_back().keep_slots)
    events: list[dict[str, Any]] = [{"event": "active_loop", "name": None}]
    for name, slot in sorted((domain.get("slots") or {}).items()):
        if name in keep:
            continue
        initial = slot.get("initial_value") if isinstance(slot, dict) else None
        events.append({"event": "slot", "name": name, "value": initial})
    return events
