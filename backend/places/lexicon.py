"""The place lexicon (地名词表): every written form of every place, and the rules that guard them.

Built from the gazetteer plus lexicon_rules.yml. Forms are keyed by their normalised text
(see normalize); one form may name several places (凤凰社区 exists in six streets).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from backend.places.gazetteer import Gazetteer, load_gazetteer, read_data_file
from backend.places.models import LANDMARK_KINDS

ReferentKind = Literal["district", "street", "community", "landmark", "road", "station", "area"]
COMMUNITY_SUFFIX = "社区"
# Communities named without 社区 and shorter than this (新村, 上村, 老村) are ordinary words.
MIN_BARE_COMMUNITY_CHARS = 3

_FULLWIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TO_ASCII.update({0x3000: 0x20, 0x2019: 0x27, 0x2018: 0x27})


@dataclass(frozen=True)
class Referent:
    """The place a written form names: its kind, canonical name and where it lies."""

    kind: ReferentKind
    name: str
    district: str | None
    street: str | None


@dataclass(frozen=True)
class NamedForm:
    """One written form of one place, as it appears in the data (original case)."""

    text: str
    referent: Referent


@dataclass(frozen=True)
class SurfaceForm:
    """A normalised written form, the places it names and whether it needs context."""

    text: str
    referents: tuple[Referent, ...]
    guarded: bool


@dataclass(frozen=True)
class Lexicon:
    """Everything find_mentions needs: forms by normalised text, and the context rules."""

    forms: Mapping[str, SurfaceForm]
    # first character -> lengths of the forms starting with it, longest first
    lengths_by_first_char: Mapping[str, tuple[int, ...]]
    # street name -> community short form (六约 for 六约社区) -> the community. Read only
    # right after the street is named (横岗街道六约), as short forms alone are common words.
    community_shorts: Mapping[str, Mapping[str, SurfaceForm]]
    false_friends: tuple[str, ...]
    left_cues: tuple[str, ...]
    right_cues: tuple[str, ...]


def normalize(text: str) -> str:
    """Full-width ASCII to ASCII, curly apostrophes to ', ASCII lower case. Keeps length."""
    folded = text.translate(_FULLWIDTH_TO_ASCII)
    return "".join(ch.lower() if ch.isascii() else ch for ch in folded)


def is_bare_community_matchable(name: str) -> bool:
    """Whether a community name is distinctive enough to be read anywhere in a text."""
    return name.endswith(COMMUNITY_SUFFIX) or len(name) >= MIN_BARE_COMMUNITY_CHARS


def iter_named_forms(*, gazetteer: Gazetteer) -> Iterator[NamedForm]:
    """Every written form of every place: canonical names, short forms, aliases.

    A street's short form is skipped when it equals a district's form (bare 福田 is the
    district, 福田街道 the street).
    """
    district_forms: set[str] = set()
    for district in gazetteer.districts.values():
        referent = Referent("district", district.name, district.name, None)
        for text in (district.name, district.short, *district.aliases):
            district_forms.add(normalize(text))
            yield NamedForm(text, referent)
    for street in gazetteer.streets.values():
        referent = Referent("street", street.name, street.district, street.name)
        yield NamedForm(street.name, referent)
        if normalize(street.short) not in district_forms:
            yield NamedForm(street.short, referent)
        for alias in street.aliases:
            yield NamedForm(alias, referent)
    for community in gazetteer.communities:
        if is_bare_community_matchable(community.name):
            referent = Referent("community", community.name, community.district, community.street)
            yield NamedForm(community.name, referent)
    for landmark in gazetteer.landmarks:
        referent = Referent(landmark.kind, landmark.name, landmark.district, landmark.street)
        for text in (landmark.name, *landmark.aliases):
            yield NamedForm(text, referent)


@functools.cache
def load_lexicon() -> Lexicon:
    """The lexicon of the packaged gazetteer and lexicon_rules.yml (built once)."""
    return build_lexicon(gazetteer=load_gazetteer(), rules=read_data_file("lexicon_rules.yml"))


def build_lexicon(*, gazetteer: Gazetteer, rules: Mapping[str, Any]) -> Lexicon:
    guarded = {normalize(form) for form in rules.get("guarded_forms") or ()}
    referents: dict[str, list[Referent]] = {}
    for named in iter_named_forms(gazetteer=gazetteer):
        key = normalize(named.text)
        bucket = referents.setdefault(key, [])
        if named.referent not in bucket:
            bucket.append(named.referent)
    forms = {
        key: SurfaceForm(text=key, referents=tuple(refs), guarded=key in guarded)
        for key, refs in referents.items()
    }
    return Lexicon(
        forms=forms,
        lengths_by_first_char=_lengths_by_first_char(forms),
        community_shorts=_community_shorts(gazetteer),
        false_friends=tuple(normalize(f) for f in rules.get("false_friends") or ()),
        left_cues=tuple(normalize(c) for c in rules.get("left_cues") or ()),
        right_cues=tuple(normalize(c) for c in rules.get("right_cues") or ()),
    )


def _lengths_by_first_char(forms: Mapping[str, SurfaceForm]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in forms:
        lengths.setdefault(key[0], set()).add(len(key))
    return {ch: tuple(sorted(found, reverse=True)) for ch, found in lengths.items()}


def preferred_referents(referents: tuple[Referent, ...]) -> tuple[Referent, ...]:
    """How a form naming several kinds of place is read: a landmark over a street office
    (华强北, 蛇口 name both), otherwise as it is."""
    landmarks = tuple(r for r in referents if r.kind in LANDMARK_KINDS)
    return landmarks or referents


def community_short(name: str) -> str:
    """六约社区 -> 六约; names without 社区 (莲花一村) are their own short form."""
    return name.removesuffix(COMMUNITY_SUFFIX)


def _community_shorts(gazetteer: Gazetteer) -> dict[str, dict[str, SurfaceForm]]:
    shorts: dict[str, dict[str, SurfaceForm]] = {}
    for c in gazetteer.communities:
        short = normalize(community_short(c.name))
        if len(short) >= 2:
            referent = Referent("community", c.name, c.district, c.street)
            shorts.setdefault(c.street, {})[short] = SurfaceForm(short, (referent,), False)
    return shorts


def guarded_forms() -> frozenset[str]:
    """Normalised forms that count only in place-like context (see lexicon_rules.yml)."""
    return frozenset(key for key, form in load_lexicon().forms.items() if form.guarded)
