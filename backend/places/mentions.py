"""Finding place mentions (地名提及) in free text: longest match, false friends, context guards."""

from __future__ import annotations

from enum import Enum

from backend.places.lexicon import Lexicon, normalize
from backend.places.mention import Mention, is_cjk
from backend.places.models import LANDMARK_KINDS
from backend.places.roads import find_unknown_roads

VILLAGE_SUFFIX = "村"
POSSESSIVE = "的"


class _Neighbours:
    """The chosen mentions, indexed by where they start and end."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions
        self.by_start: dict[int, list[Mention]] = {}
        self.by_end: dict[int, list[Mention]] = {}
        for m in mentions:
            self.by_start.setdefault(m.start, []).append(m)
            self.by_end.setdefault(m.end, []).append(m)


class Side(Enum):
    """What sits next to a guarded mention."""

    PLACE = "place"  # an unguarded district or street (宝安 in 宝安沙井): reads as a place
    CUE = "cue"  # a cue word or another place name (龙华 in 龙华民治)
    EDGE = "edge"  # text edge, punctuation, digits or Latin letters
    WORD = "word"  # any other Chinese character


def find_mentions(*, text: str, lexicon: Lexicon) -> list[Mention]:
    """Place mentions in ``text``, left to right, non-overlapping, longest first."""
    norm = normalize(text)
    covered_until = _false_friend_cover(norm, lexicon.false_friends)
    candidates = [m for m in _all_matches(norm, lexicon) if covered_until[m.start] < m.end]
    chosen = _Neighbours(_longest_non_overlapping(candidates))
    kept = [
        m
        for m in chosen.mentions
        if not m.form.guarded or _reads_as_place(m, norm, chosen, lexicon)
    ]
    kept = _with_unknown_roads(norm, kept)
    kept.extend(_communities_after_streets(norm, kept, lexicon))
    return sorted(kept, key=lambda m: m.start)


def _with_unknown_roads(norm: str, kept: list[Mention]) -> list[Mention]:
    """Add roads the gazetteer lacks. A road may swallow a guarded short form it starts with
    (翠竹路 swallows 翠竹) but never cuts through or swallows any other mention."""
    at: dict[int, Mention] = {i: m for m in kept for i in range(m.start, m.end)}
    for road in sorted(find_unknown_roads(norm=norm, mentions=kept), key=lambda r: r.start - r.end):
        touched = {at[i] for i in range(road.start, road.end) if i in at}
        if all(m.form.guarded and m.start == road.start and m.end < road.end for m in touched):
            for m in touched:
                for i in range(m.start, m.end):
                    del at[i]
            at.update(dict.fromkeys(range(road.start, road.end), road))
    return list(dict.fromkeys(at.values()))


def _communities_after_streets(norm: str, kept: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """A community's short form right after its street: 横岗街道六约, 莲花街道彩田村."""
    found: list[Mention] = []
    taken = {i for m in kept for i in range(m.start, m.end)}
    for m in kept:
        for ref in m.form.referents:
            shorts = lexicon.community_shorts.get(ref.name, {}) if ref.kind == "street" else {}
            for short, form in sorted(shorts.items(), key=lambda kv: -len(kv[0])):
                end = m.end + len(short)
                if norm.startswith(short, m.end) and taken.isdisjoint(range(m.end, end)):
                    if norm.startswith(VILLAGE_SUFFIX, end) and end not in taken:
                        end += len(VILLAGE_SUFFIX)  # 彩田村 for 彩田社区
                    found.append(Mention(start=m.end, end=end, form=form))
                    taken.update(range(m.end, end))
                    break
    return found


def _all_matches(norm: str, lexicon: Lexicon) -> list[Mention]:
    matches: list[Mention] = []
    for start, first in enumerate(norm):
        for length in lexicon.lengths_by_first_char.get(first, ()):
            end = start + length
            form = lexicon.forms.get(norm[start:end]) if end <= len(norm) else None
            if form is not None and _latin_bounded(norm, start, end):
                matches.append(Mention(start=start, end=end, form=form))
    return matches


def _latin_bounded(norm: str, start: int, end: int) -> bool:
    """Latin names (Nanshan) must not be glued to other Latin letters or digits."""
    if norm[start].isascii() and norm[start].isalnum() and start > 0:
        before = norm[start - 1]
        if before.isascii() and before.isalnum():
            return False
    if norm[end - 1].isascii() and norm[end - 1].isalnum() and end < len(norm):
        after = norm[end]
        if after.isascii() and after.isalnum():
            return False
    return True


def _false_friend_cover(norm: str, phrases: tuple[str, ...]) -> list[int]:
    """For each position, how far the false friends starting at or before it reach."""
    reach = [0] * (len(norm) + 1)
    for phrase in phrases:
        at = norm.find(phrase)
        while at != -1:
            reach[at] = max(reach[at], at + len(phrase))
            at = norm.find(phrase, at + 1)
    for i in range(1, len(reach)):
        reach[i] = max(reach[i], reach[i - 1])
    return reach


def _longest_non_overlapping(candidates: list[Mention]) -> list[Mention]:
    taken: set[int] = set()
    chosen: list[Mention] = []
    for m in sorted(candidates, key=lambda m: (m.start - m.end, m.start)):
        span = range(m.start, m.end)
        if taken.isdisjoint(span):
            taken.update(span)
            chosen.append(m)
    return chosen


def _reads_as_place(mention: Mention, norm: str, chosen: _Neighbours, lexicon: Lexicon) -> bool:
    """A guarded form counts when its neighbourhood reads like a place (lexicon_rules.yml)."""
    left = _left_side(mention, norm, chosen, lexicon)
    right = _right_side(mention, norm, chosen, lexicon)
    if Side.PLACE in (left, right):
        return True
    if left is Side.WORD:
        return False
    return Side.CUE in (left, right) or (left is Side.EDGE and right is Side.EDGE)


def _neighbour(position: int, chosen: _Neighbours, *, ending: bool) -> Side | None:
    """What a place name touching a guarded form says about it.

    A district or street before or after it: PLACE when unguarded (宝安沙井), CUE when
    guarded (龙华民治). A landmark after it: CUE. A landmark before it: WORD, since
    科技园东门 is the park's east gate, not 东门.
    """
    touching = (chosen.by_end if ending else chosen.by_start).get(position, [])
    if not touching:
        return None
    if all(_is_landmark(m) for m in touching):
        return Side.WORD if ending else Side.CUE
    return Side.CUE if all(m.form.guarded for m in touching) else Side.PLACE


def _is_landmark(mention: Mention) -> bool:
    return all(r.kind in LANDMARK_KINDS for r in mention.form.referents)


def _left_side(mention: Mention, norm: str, chosen: _Neighbours, lexicon: Lexicon) -> Side:
    start = mention.start
    if start == 0 or not is_cjk(norm[start - 1]):
        return Side.EDGE
    neighbour = _neighbour(start, chosen, ending=True)
    if neighbour is None and norm[start - 1] == POSSESSIVE:  # 南山区的大学城
        neighbour = _neighbour(start - 1, chosen, ending=True)
    if neighbour is not None:
        return neighbour
    cued = any(norm.endswith(cue, 0, start) for cue in lexicon.left_cues)
    return Side.CUE if cued else Side.WORD


def _right_side(mention: Mention, norm: str, chosen: _Neighbours, lexicon: Lexicon) -> Side:
    end = mention.end
    if end == len(norm) or not is_cjk(norm[end]):
        return Side.EDGE
    return _neighbour(end, chosen, ending=False) or (
        Side.CUE if norm.startswith(lexicon.right_cues, end) else Side.WORD
    )
