"""The console's words, one YAML file per language (texts/zh.yml, texts/en.yml); Chinese first.

Templates call `t("key", name=value)`; an unknown key fails loudly in tests rather than showing
a blank. Every language has the same keys (tests/console/test_i18n.py).
"""

from functools import cache
from pathlib import Path

import yaml
from pydantic import RootModel

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


class Texts(RootModel[dict[str, str]]):
    """A flat mapping key → text (validated when loaded)."""


@cache
def texts(language: str) -> dict[str, str]:
    """The texts of one language."""
    with (TEXTS_DIR / f"{language}.yml").open(encoding="utf-8") as handle:
        return Texts.model_validate(yaml.safe_load(handle)).root


def language_of(value: object) -> str:
    """A supported language code, the default for anything else."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, key: str, **values: object) -> str:
    """The text for `key` in `language`, with `{name}` placeholders filled."""
    text = texts(language_of(language))[key]
    return text.format(**values) if values else text
