"""The language a chat is answered in (zh by default, en), decided from what the citizen types.

One rule, here: `detect_language` reads a message; `remember_language` keeps the answer on the
chat's identity, so notices and channel texts follow it, and the inbound pipeline passes it to
Rasa in the message metadata (the actions and Rasa's responses read it from there).
"""

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend.citizens.service import find_identity, get_or_create_identity
from storage.models import Language

RULES_FILE = Path(__file__).resolve().parent / "data" / "language.yml"

# CJK Unified Ideographs (with extension A) and the compatibility block
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’]*[A-Za-z](?![A-Za-z0-9])")


class LanguageRules(BaseModel):
    letters_per_cjk_char: float = Field(gt=0)
    neutral_words: list[str]
    neutral_patterns: list[re.Pattern[str]]


@cache
def language_rules() -> LanguageRules:
    """The detection thresholds and neutral words (read once)."""
    with RULES_FILE.open(encoding="utf-8") as handle:
        return LanguageRules.model_validate(yaml.safe_load(handle))


def detect_language(text: str, *, current: str = Language.zh) -> str:
    """The language of a message; `current` when the message does not tell (a pure function).

    Button payloads ("/affirm"), numbers, ticket numbers and neutral words keep `current`.
    """
    if text.lstrip().startswith("/"):
        return current
    rules = language_rules()
    for pattern in rules.neutral_patterns:
        text = pattern.sub(" ", text)
    neutral = {word.lower() for word in rules.neutral_words}
    words = [w for w in LATIN_WORD.findall(text) if w.lower() not in neutral]
    letters = sum(len(word) for word in words)
    cjk = len(CJK.findall(text))
    if not letters and not cjk:
        return current
    if letters >= rules.letters_per_cjk_char * cjk:
        return Language.en.value
    return Language.zh.value


def in_language(path: Path, language: str) -> Path:
    """The file of `path`'s texts in `language`: `texts.yml` is Chinese, `texts.en.yml` English
    (same names and placeholders); a language we do not have reads Chinese."""
    if language == Language.zh or language not in set(Language):
        return path
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def chat_language(*, session: Session, channel: str, chat_id: str) -> str:
    """The language the chat was last answered in (Chinese for a chat not seen yet)."""
    identity = find_identity(session=session, channel=channel, chat_id=chat_id)
    return identity.language if identity is not None else Language.zh.value


def remember_language(*, session: Session, channel: str, chat_id: str, text: str) -> str:
    """Decide the language of an inbound message and keep it on the chat's identity."""
    identity = get_or_create_identity(session=session, channel=channel, chat_id=chat_id)
    language = detect_language(text, current=identity.language or Language.zh.value)
    if identity.language != language:
        identity.language = language
    session.flush()
    return language
