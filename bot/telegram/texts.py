"""The few things the Telegram channel says by itself, kept as data in data/texts.yml."""

from pathlib import Path

from bot.texts import text_from

TEXTS_FILE = Path(__file__).parent / "data" / "texts.yml"


def channel_text(name: str, **values: object) -> str:
    """The text called `name`, its {placeholders} filled from `values`."""
    return text_from(TEXTS_FILE, name, **values)
