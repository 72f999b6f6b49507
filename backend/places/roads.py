"""Roads the gazetteer does not know (未收录道路), recognised by shape: 登良路, 高新南一道.

Two shapes count: a road name right after a place name (南山街道登良路, 科技园高新南一道),
and a road name followed by a house number anywhere (在桃园路89号).
"""

from __future__ import annotations

import bisect
import re

from backend.places.lexicon import Referent, SurfaceForm
from backend.places.mention import Mention, is_cjk

NUMERAL = "0-9一二三四五六七八九十百千零〇两"
_CN_DIGITS = "一二三四五六七八九十"
# 路口 is a crossing and 街道 a street office, not roads.
_ROAD_SUFFIX = rf"(?:大道|[{_CN_DIGITS}]+道|路(?!口)|街(?!道)|巷)"
_BODY_MIN_CHARS = 2
_BODY_MAX_CHARS = 6
# A road name right after a place name: the shortest body that ends in a road suffix.
_ROAD_AFTER_PLACE = re.compile(
    rf"[\u4e00-\u9fff]{{{_BODY_MIN_CHARS},{_BODY_MAX_CHARS}}}?{_ROAD_SUFFIX}"
)
# A road suffix followed by a house number: 路89号 (but not 1号线).
_NUMBERED_SUFFIX = re.compile(rf"{_ROAD_SUFFIX}(?=[{NUMERAL}]+号(?![线码]))")
_ADMIN_SUFFIXES = ("街道", "社区", "区")
# Characters that never sit inside a road name but end the words before one.
_STOP_CHARS = frozenset(
    "的这那在有是了个条里边旁附近与及到从往对被把给也都还就很太每我你他她们说要去来走过没不成为址住上下"
)


def find_unknown_roads(*, norm: str, mentions: list[Mention]) -> list[Mention]:
    """Unknown roads in the normalised text, given the place mentions already found."""
    found: dict[tuple[int, int], Mention] = {}
    for start, end in [*_after_places(norm, mentions), *_numbered(norm, mentions)]:
        text = norm[start:end]
        referent = Referent("road", text, None, None)
        found[(start, end)] = Mention(start, end, SurfaceForm(text, (referent,), False))
    return list(found.values())


def _after_places(norm: str, mentions: list[Mention]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in mentions:
        match = _ROAD_AFTER_PLACE.match(norm, m.end)
        if match and _plain_body(norm[m.end : match.end()]):
            spans.append((m.end, match.end()))
    return spans


def _numbered(norm: str, mentions: list[Mention]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    ends = sorted(m.end for m in mentions)
    for match in _NUMBERED_SUFFIX.finditer(norm):
        before = bisect.bisect_right(ends, match.start())
        floor = max(0, match.start() - _BODY_MAX_CHARS, ends[before - 1] if before else 0)
        start = match.start()
        while start > floor and is_cjk(norm[start - 1]) and norm[start - 1] not in _STOP_CHARS:
            start -= 1
        if match.start() - start >= _BODY_MIN_CHARS:
            spans.append((start, match.end()))
    return spans


def _plain_body(road: str) -> bool:
    """No stop characters and no administrative suffix (福田街道福华路 is two names)."""
    return not any(ch in _STOP_CHARS for ch in road) and not any(
        suffix in road for suffix in _ADMIN_SUFFIXES
    )
