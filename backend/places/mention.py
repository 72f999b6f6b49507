"""A place mention (地名提及): a stretch of the text and the places it may name."""

from __future__ import annotations

from dataclasses import dataclass

from backend.places.lexicon import SurfaceForm


@dataclass(frozen=True)
class Mention:
    """text[start:end] names the places of ``form``."""

    start: int
    end: int
    form: SurfaceForm


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
