"""The texts and labels the actions say, loaded lazily from actions/data/*.yml."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk.executor import CollectingDispatcher

DATA_DIR = Path(__file__).resolve().parent / "data"

Button = Dict[str, str]


@lru_cache
def load_data(name: str) -> Dict[str, Any]:
    """One YAML file of actions/data, parsed once."""
    with (DATA_DIR / f"{name}.yml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def message(key: str) -> Any:
    """The raw entry of messages.yml (a dict with text/buttons, or a plain string)."""
    messages = load_data("messages")
    if key not in messages:
        raise KeyError(f"no message {key!r} in actions/data/messages.yml")
    return messages[key]


def text(key: str, **values: Any) -> str:
    """The text of a message with its placeholders filled."""
    entry = message(key)
    template = entry["text"] if isinstance(entry, dict) else entry
    return str(template).format(**values)


def say(
    dispatcher: CollectingDispatcher,
    key: str,
    *,
    buttons: Optional[List[Button]] = None,
    **values: Any,
) -> None:
    """Utter a message of messages.yml; extra buttons come after the message's own."""
    entry = message(key)
    own = list(entry.get("buttons") or []) if isinstance(entry, dict) else []
    all_buttons = own + list(buttons or [])
    if all_buttons:
        dispatcher.utter_message(text=text(key, **values), buttons=all_buttons)
    else:
        dispatcher.utter_message(text=text(key, **values))


def intent_payload(intent: str, entities: Optional[Dict[str, str]] = None) -> str:
    """A button payload: `/intent` or `/intent{"entity":"value"}`."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def labels() -> Dict[str, Any]:
    """labels.yml: category names, districts, states, contact preferences…"""
    return load_data("labels")


def category_name(service_code: Optional[str]) -> str:
    """The Chinese name of a category code (the code itself when unknown)."""
    if not service_code:
        return "未确定"
    return str(labels()["categories"].get(service_code, service_code))


def state_name(state: Optional[str]) -> str:
    """The Chinese name of a ticket state."""
    return str(labels()["ticket_states"].get(state or "", state or "未知"))


def contact_name(preference: Optional[str]) -> str:
    """The Chinese name of a contact preference."""
    return str(labels()["contact_preferences"].get(preference or "", preference or "未选择"))


def category_codes() -> List[str]:
    """Every category code, in catalogue order."""
    return list(labels()["categories"])


def district_names() -> List[str]:
    """Shenzhen's ten districts."""
    return list(labels()["districts"])
