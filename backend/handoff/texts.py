"""The hand-over's texts to citizens, as data (data/texts.yml), checked where they are loaded."""

from functools import cache
from pathlib import Path

import yaml
from pydantic import RootModel

TEXTS_FILE = Path(__file__).parent / "data" / "texts.yml"


class _Texts(RootModel[dict[str, str]]):
    """Names to texts."""


@cache
def _texts() -> dict[str, str]:
    return _Texts.model_validate(yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))).root


def handoff_text(name: str, **values: object) -> str:
    """The text called `name`, its {placeholders} filled from `values`."""
    try:
        template = _texts()[name]
    except KeyError:
        raise KeyError(f"no text {name!r} in {TEXTS_FILE}") from None
    return template.format(**values) if values else template
