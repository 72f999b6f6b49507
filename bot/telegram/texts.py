"""The few things the Telegram channel says by itself, kept as data in data/texts.yml."""

from functools import cache
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).parent / "data" / "texts.yml"


@cache
def _texts() -> dict[str, str]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{TEXTS_FILE} must map names to texts")
    return data


def channel_text(name: str, **values: object) -> str:
    """The text called `name`, its {placeholders} filled from `values`."""
    try:
        template = _texts()[name]
    except KeyError:
        raise KeyError(f"no text {name!r} in {TEXTS_FILE}") from None
    return template.format(**values) if values else template
