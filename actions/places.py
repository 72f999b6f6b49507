"""Where the problem is (地点): from the platform's place resolver and the NLU entities.

The platform's `/api/v1/locate` reads the whole text and gives canonical names (南山区,
粤海街道) without guessing; the NLU entities stand in for channel payloads (a location pin)
and when the platform cannot be reached. A newer place replaces the older one from its most
general level down: "不对，是在福田区" sets the district and clears the street, community and
address that belonged to the old district.
"""

import logging
import re
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional

from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable
from actions.conversation import Utterance
from actions.messages import district_names, district_title, labels, load_data

log = logging.getLogger(__name__)

PLACE_LEVELS = ("district", "street", "community", "address")
MAX_LOCATE_CHARS = 2000  # the platform refuses longer texts
AREA_KINDS = ("district", "street", "community")
_FILLER = " ，,。.：:；;、!！?？"
_CLAUSES = re.compile(r"[，,。；;！!？?\n]+")
_TAKEN_OUT = "\x00"  # where a district/street/community name was in the text
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LONGER_NAME = re.compile(r" +[A-Z]")  # right after a Latin place name: a longer name goes on


@dataclass(frozen=True)
class Place:
    """A (partial) place: any level may be unknown."""

    district: Optional[str] = None
    street: Optional[str] = None
    community: Optional[str] = None
    address: Optional[str] = None


def canonical_district(name: Optional[str]) -> Optional[str]:
    """The full district name for a full or short one (南山 → 南山区), else None."""
    if not name:
        return None
    name = name.strip()
    for district in district_names():
        short = district[:-1] if district.endswith("区") else district
        short = short[:-1] if short.endswith("新") else short  # 大鹏新区 → 大鹏
        if name in (district, short) or (len(name) >= 2 and district.startswith(name)):
            return district
    return None


def place_from_entities(utterance: Utterance) -> Place:
    """The place named by the NLU entities (or a channel's `/inform{...}` payload)."""
    detail = utterance.entity("address")
    if not detail:
        parts = utterance.entity_values("road") + utterance.entity_values("landmark")
        detail = "".join(dict.fromkeys(parts)) or None
    street = utterance.entity("street")
    return Place(
        district=canonical_district(utterance.entity("district")),
        street=street if street and street.endswith("街道") else None,
        community=utterance.entity("community"),
        address=detail,
    )


def place_from_located(body: Optional[Dict[str, Any]]) -> Place:
    """The place in a `/api/v1/locate` answer."""
    if not body:
        return Place()
    return Place(
        district=body.get("district") or None,
        street=body.get("street") or None,
        community=body.get("community") or None,
        address=body.get("address") or None,
    )


async def locate(
    client: BackendClient, text: str, known: Optional[Dict[str, Any]] = None
) -> Optional[Dict[str, Any]]:
    """The platform's reading of the text, or None when it cannot say.

    The platform reads the place of every message it passes to Rasa and sends it along
    (metadata `located`: the text read and the answer); for that text no `/api/v1/locate`
    call is made. Any other text is asked for.
    """
    if not text.strip():
        return None
    head = text[:MAX_LOCATE_CHARS]
    if (
        isinstance(known, dict)
        and known.get("text") == head
        and isinstance(known.get("place"), dict)
    ):
        return known["place"]
    try:
        return await client.locate(text=head)
    except (BackendUnavailable, BackendRejected) as exc:
        log.warning("locate failed for %r: %s", text, exc)
        return None


async def place_in(client: BackendClient, utterance: Utterance) -> Place:
    """Everything the message says about the place.

    Typed text goes to the platform's resolver, which reads the whole text and never guesses;
    the NLU entities are used for channel payloads (a location pin) and when the platform
    cannot be reached.
    """
    text = utterance.free_text
    body = await locate(client, text, utterance.metadata.get("located")) if text else None
    if body is None:
        return place_from_entities(utterance)
    return place_from_located(body)


def remainder(text: str, body: Optional[Dict[str, Any]]) -> str:
    """The citizen's own words for the exact place: the text without the district, street and
    community names the resolver found, clause by clause, each without the words around those
    names that are no place ("搞错了，不是南山，是…固戍那边" → 固戍那边; "It's in Bao'an District,
    next to Baoan Park" → next to Baoan Park). Clauses left with nothing specific are dropped."""
    for span in reversed(_area_spans(text, body)):
        text = text[: span["start"]] + _TAKEN_OUT + text[span["end"] :]
    kept = []
    for index, clause in enumerate(_CLAUSES.split(text)):
        # Only the opening of the text and the clauses a name was taken out of lose words.
        words = clause.replace(_TAKEN_OUT, "")
        if index == 0 or _TAKEN_OUT in clause:
            words = _place_words(words)
        if is_specific(words):
            kept.append(words.strip(_FILLER))
    return ("，" if _CJK.search(text) else ", ").join(kept)


def _area_spans(text: str, body: Optional[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The resolver's district/street/community spans, in order, without those inside a longer
    Latin proper name ("Baoan" in "Baoan Park" names the park, not the district)."""
    spans = [span for span in (body or {}).get("spans") or [] if span.get("kind") in AREA_KINDS]
    return sorted(
        (span for span in spans if not _LONGER_NAME.match(text, span["end"])),
        key=lambda span: span["start"],
    )


def _place_words(clause: str) -> str:
    """One clause without the leading openings and fillers ("就在", "不对是在", "it's in",
    "搞错了") and trailing leftovers ("is in", "near") around a place name taken out."""
    lexicon = load_data("lexicon")
    leading = sorted(
        {str(w) for w in [*lexicon["address_openings"], *lexicon["subject_change_fillers"]]},
        key=len,
        reverse=True,
    )
    trailing = sorted((str(w) for w in lexicon["address_endings"]), key=len, reverse=True)
    rest, before = clause.strip(_FILLER), None
    while rest and rest != before:
        before = rest
        for word in leading:
            if rest.lower().startswith(word.lower()) and _whole_word(rest, 0, len(word)):
                rest = rest[len(word) :].strip(_FILLER)
                break
        for word in trailing:
            start = len(rest) - len(word)
            ends = start >= 0 and rest[start:].lower() == word.lower()
            if ends and _whole_word(rest, start, len(rest)):
                rest = rest[:start].strip(_FILLER)
                break
    return rest


def _whole_word(text: str, start: int, end: int) -> bool:
    """Is text[start:end] not part of a longer Latin word ("in" is not the start of "inside")?"""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    latin = text[start:end].isascii()
    return not latin or not (
        (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())
    )


async def address_in(client: BackendClient, utterance: Utterance) -> Place:
    """The answer to "where?": the resolver's area, with the citizen's own words as the
    address detail ("福田区华强花园3栋" → 华强花园3栋, "新安三路和建安一路路口" as written)."""
    answer = utterance.free_text
    body = await locate(client, answer, utterance.metadata.get("located")) if answer else None
    place = place_from_located(body) if body is not None else place_from_entities(utterance)
    if not answer:
        return place
    detail = remainder(answer, body) if body is not None else answer
    if not is_specific(detail):
        detail = place.address or ""
    return Place(place.district, place.street, place.community, detail or None)


def is_specific(detail: str) -> bool:
    """Does the detail say more than "over there" (那边, 附近)?"""
    for word in load_data("lexicon")["vague_places"]:
        detail = detail.replace(word, "")
    return len(detail.strip(_FILLER)) >= 2


def place_changes(current: Dict[str, Any], update: Place) -> Dict[str, Any]:
    """Slot changes that put `update` in place of the current place.

    Levels the update names are set; levels below its most general named level that it does
    not name are cleared (they belonged to the old place); levels above are kept.
    """
    values = asdict(update)
    named = [level for level in PLACE_LEVELS if values[level]]
    if not named:
        return {}
    top = PLACE_LEVELS.index(named[0])
    changes: Dict[str, Any] = {}
    for index, level in enumerate(PLACE_LEVELS):
        if values[level]:
            changes[level] = values[level]
        elif index > top:
            changes[level] = None
    return {level: value for level, value in changes.items() if current.get(level) != value}


def describe_place(slots: Dict[str, Any]) -> str:
    """The place as the citizen reads it back: 南山区粤海街道 科技园."""
    shown = labels()
    names = [district_title(str(slots["district"]))] if slots.get("district") else []
    names += [str(slots[level]) for level in ("street", "community") if slots.get(level)]
    area = str(shown["place_join"]).join(names)
    detail = slots.get("address") or ""
    return " ".join(part for part in (area, detail) if part) or str(shown["unknown"]["place"])
