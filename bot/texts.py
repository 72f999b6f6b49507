"""Texts the chat channels say by themselves, kept as data (YAML files mapping names to texts).

Chinese is the default (`texts.yml`); an English chat reads the file beside it with the same
names and placeholders (`texts.en.yml`, checked by tests/bot/test_texts.py).
"""

from functools import cache
from pathlib import Path

import yaml

from backend.citizens.language import in_language
from storage.models import Language

SHARED_TEXTS = Path(__file__).parent / "data" / "texts.yml"


@cache
def load_texts(path: Path) -> dict[str, str]:
    """The texts of one file, read once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path} must map names to texts")
    return data


def text_from(path: Path, name: str, *, language: str = Language.zh, **values: object) -> str:
    """The text called `name` in `path` (in `language`), its {placeholders} filled."""
    source = in_language(path, language)
    try:
        template = load_texts(source)[name]
    except KeyError:
        raise KeyError(f"no text {name!r} in {source}") from None
    return template.format(**values) if values else template


def bot_text(name: str, *, language: str = Language.zh, **values: object) -> str:
    """A text every channel says by itself (blank messages, rate limits, quotas)."""
    return text_from(SHARED_TEXTS, name, language=language, **values)
