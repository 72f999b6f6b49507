"""locate_text: district / street / community / address of a citizen's free text (文本定位)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.places.address import find_address
from backend.places.errors import InvalidTextError
from backend.places.lexicon import Referent, load_lexicon, preferred_referents
from backend.places.mention import Mention
from backend.places.mentions import find_mentions
from backend.places.models import LANDMARK_KINDS
from backend.places.results import PlaceMatch, Span

MAX_TEXT_CHARS = 5000
# How firmly a mention pins the district: an explicit street (or community) beats an
# explicit district, which beats the district a landmark lies in.
_STRENGTH = {"street": 3, "community": 3, "district": 2}
_LANDMARK_STRENGTH = 1


@dataclass(frozen=True)
class _Reading:
    """One mention read as the places it may name (several for a repeated community name)."""

    mention: Mention
    referents: tuple[Referent, ...]

    @property
    def kind(self) -> str:
        return self.referents[0].kind

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.district for r in self.referents if r.district))

    @property
    def strength(self) -> int:
        return _STRENGTH.get(self.kind, _LANDMARK_STRENGTH)


def locate_text(*, text: str) -> PlaceMatch:
    """Find where ``text`` says something happened. Never guesses: no place → all None.

    Explicit streets win over explicit districts, which win over landmarks; among equals the
    last mention wins (a correction such as "不对，是在福田区"). Districts the text also
    points to are listed in ``conflicting_districts``.
    """
    if not isinstance(text, str):
        raise InvalidTextError(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidTextError(f"text is longer than {MAX_TEXT_CHARS} characters")
    mentions = find_mentions(text=text, lexicon=load_lexicon())
    readings = [_Reading(m, preferred_referents(m.form.referents)) for m in mentions]
    district = _choose_district(readings)
    street = _choose_street(readings, district)
    community = _choose_community(readings, district, street)
    address = find_address(text=text, mentions=mentions)
    spans = [_span(text, r) for r in readings]
    if address and address.house_number:
        spans.append(address.house_number)
    spans.sort(key=lambda s: (s.start, s.end))
    return PlaceMatch(
        district=district,
        street=street,
        community=community,
        address=address.text if address else None,
        spans=tuple(spans),
        conflicting_districts=_conflicts(readings, district),
    )


def _choose_district(readings: Sequence[_Reading]) -> str | None:
    decisive = [r for r in readings if len(r.districts) == 1]
    if not decisive:
        return None
    strongest = max(r.strength for r in decisive)
    return [r for r in decisive if r.strength == strongest][-1].districts[0]


def _choose_street(readings: Sequence[_Reading], district: str | None) -> str | None:
    """The last street named, else implied by an unambiguous community, else by a landmark."""
    if district is None:
        return None
    for kinds in (("street",), ("community",), LANDMARK_KINDS):
        streets = [
            refs[0].street
            for r in readings
            if r.kind in kinds and len(refs := _in_district(r, district)) == 1 and refs[0].street
        ]
        if streets:
            return streets[-1]
    return None


def _choose_community(
    readings: Sequence[_Reading], district: str | None, street: str | None
) -> str | None:
    communities = [r for r in readings if r.kind == "community"]
    if district is None:
        names = [r.referents[0].name for r in communities]
        return names[-1] if names else None
    fitting = [
        ref.name
        for r in communities
        for ref in _in_district(r, district)
        if street is None or ref.street == street
    ]
    return fitting[-1] if fitting else None


def _in_district(reading: _Reading, district: str) -> list[Referent]:
    return [ref for ref in reading.referents if ref.district == district]


def _conflicts(readings: Sequence[_Reading], district: str | None) -> tuple[str, ...]:
    others: dict[str, None] = {}
    for r in readings:
        if district in r.districts:
            continue
        for other in r.districts:
            others.setdefault(other, None)
    return tuple(others)


def _span(text: str, reading: _Reading) -> Span:
    m = reading.mention
    ref = reading.referents[0]
    return Span(text[m.start : m.end], m.start, m.end, ref.kind, ref.name)
