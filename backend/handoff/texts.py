"""The hand-over's texts, as data (data/texts.yml; data/texts.en.yml for English chats)."""

from functools import cache
from pathlib import Path

import yaml
from pydantic import RootModel

from backend.citizens.language import in_language
from storage.models import Conversation, Language

TEXTS_FILE = Path(__file__).parent / "data" / "texts.yml"


class _Texts(RootModel[dict[str, str]]):
    """Names to texts."""


@cache
def _texts(path: Path) -> dict[str, str]:
    return _Texts.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).root


def handoff_text(name: str, *, language: str = Language.zh, **values: object) -> str:
    """The text called `name` in `language`, its {placeholders} filled from `values`."""
    source = in_language(TEXTS_FILE, language)
    try:
        template = _texts(source)[name]
    except KeyError:
        raise KeyError(f"no text {name!r} in {source}") from None
    return template.format(**values) if values else template


def citizen_text(conversation: Conversation, name: str, **values: object) -> str:
    """The text called `name` in the language the conversation's citizen is answered in."""
    language = conversation.channel_identity.language or Language.zh.value
    return handoff_text(name, language=language, **values)
