"""Texts the chat channels say by themselves, kept as data (YAML files mapping names to texts)."""

from functools import cache
from pathlib import Path

import yaml

SHARED_TEXTS = Path(__file__).parent / "data" / "texts.yml"


@cache
def load_texts(path: Path) -> dict[str, str]:
    """The texts of one file, read once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path} must map names to texts")
    return data


def text_from(path: Path, name: str, **values: object) -> str:
    """The text called `name` in `path`, its {placeholders} filled from `values`."""
    try:
        template = load_texts(path)[name]
    except KeyError:
        raise KeyError(f"no text {name!r} in {path}") from None
    return template.format(**values) if values else template


def bot_text(name: str, **values: object) -> str:
    """A text every channel says by itself (blank messages, rate limits, quotas)."""
    return text_from(SHARED_TEXTS, name, **values)
