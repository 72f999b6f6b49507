"""The texts and labels the actions say, loaded lazily from actions/data/*.yml.

Chinese is the default (messages.yml, labels.yml); an English conversation reads
messages.en.yml, which has exactly the same keys and placeholders, and labels.en.yml, which
overrides only what is shown (names of categories, districts, states…). The language is the
one of the action call in progress (actions/language.py).
"""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import language

DATA_DIR = Path(__file__).resolve().parent / "data"

Button = Dict[str, str]


@lru_cache
def load_data(name: str) -> Dict[str, Any]:
    """One YAML file of actions/data, parsed once."""
    with (DATA_DIR / f"{name}.yml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def localised(name: str) -> str:
    """The data file of `name` in the current language: messages → messages.en for English."""
    return name if language.current() == language.DEFAULT else f"{name}.{language.current()}"


def message(key: str) -> Any:
    """The raw entry of messages(.en).yml (a dict with text/buttons, or a plain string)."""
    name = localised("messages")
    messages = load_data(name)
    if key not in messages:
        raise KeyError(f"no message {key!r} in actions/data/{name}.yml")
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


def overlaid(base: Dict[str, Any], overlay: Dict[str, Any]) -> Dict[str, Any]:
    """`base` with the mappings of `overlay` merged in, key by key (lists are replaced)."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = overlaid(merged[key], value)
        else:
            merged[key] = value
    return merged


@lru_cache
def _labels_in(lang: str) -> Dict[str, Any]:
    base = load_data("labels")
    return base if lang == language.DEFAULT else overlaid(base, load_data(f"labels.{lang}"))


def labels() -> Dict[str, Any]:
    """labels.yml (with labels.<language>.yml over it): category names, districts, states…"""
    return _labels_in(language.current())


def category_name(service_code: Optional[str]) -> str:
    """The name of a category code (the code itself when unknown)."""
    if not service_code:
        return str(labels()["unknown"]["category"])
    return str(labels()["categories"].get(service_code, service_code))


def state_name(state: Optional[str]) -> str:
    """The name of a ticket state."""
    return str(labels()["ticket_states"].get(state or "", state or labels()["unknown"]["state"]))


def contact_name(preference: Optional[str]) -> str:
    """The name of a contact preference."""
    names = labels()["contact_preferences"]
    return str(names.get(preference or "", preference or labels()["unknown"]["contact"]))


def district_title(district: str) -> str:
    """How a district (its Chinese name, the value the platform knows) is shown."""
    return str(labels()["district_titles"].get(district, district))


def category_codes() -> List[str]:
    """Every category code, in catalogue order."""
    return list(labels()["categories"])


def district_names() -> List[str]:
    """Shenzhen's ten districts, by their Chinese names (what places and the platform use)."""
    return list(load_data("labels")["districts"])
