"""The address detail (详细地址) of a text: a landmark or road, with its house number if given."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.places.lexicon import normalize
from backend.places.mention import Mention
from backend.places.results import Span
from backend.places.roads import NUMERAL

# 88号, 三期, 南区, 88号A栋, 3栋2单元501室 ... right after a landmark or road.
_HOUSE_NUMBER = re.compile(
    rf"(?:[{NUMERAL}]+期)?(?:[东南西北中]区)?(?:[{NUMERAL}]+号(?![线码]))?"
    r"(?:(?:[0-9]+|[a-z])(?:号楼|栋|座|单元|楼|层|室|房))*",
    re.IGNORECASE,
)
# Most specific first: a house number beats any named place; a landmark beats a road.
_RANK = {"landmark": 4, "station": 3, "road": 2, "area": 1}
_NUMBERED_BONUS = 10


@dataclass(frozen=True)
class Address:
    """The chosen address as written, and its house-number part if any."""

    text: str
    house_number: Span | None


def find_address(*, text: str, mentions: list[Mention]) -> Address | None:
    """The most specific address-like detail of ``text``; ties go to the first one."""
    norm = normalize(text)
    best: tuple[int, int, Mention, Span | None] | None = None
    for mention in mentions:
        ranks = [_RANK[r.kind] for r in mention.form.referents if r.kind in _RANK]
        if not ranks:
            continue
        number = _house_number(text, norm, mention.end)
        rank = ranks[0] + (_NUMBERED_BONUS if number else 0)
        if best is None or rank > best[0]:
            best = (rank, mention.start, mention, number)
    if best is None:
        return None
    _, start, mention, number = best
    end = number.end if number else mention.end
    return Address(text=text[start:end], house_number=number)


def _house_number(text: str, norm: str, at: int) -> Span | None:
    match = _HOUSE_NUMBER.match(norm, at)
    if match is None or match.end() == at:
        return None
    value = text[at : match.end()]
    return Span(value, at, match.end(), "house_number", value)
