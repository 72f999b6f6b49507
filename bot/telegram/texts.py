"""The few things the Telegram channel says by itself, kept as data in data/texts.yml
(data/texts.en.yml for English chats: same names and placeholders)."""

from pathlib import Path

from bot.texts import text_from
from storage.models import Language

TEXTS_FILE = Path(__file__).parent / "data" / "texts.yml"


def channel_text(name: str, *, language: str = Language.zh, **values: object) -> str:
    """The text called `name` in `language`, its {placeholders} filled from `values`."""
    return text_from(TEXTS_FILE, name, language=language, **values)
