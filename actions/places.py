"""Where the problem is (地点): from the platform's place resolver and the NLU entities.

The platform's `/api/v1/locate` reads the whole text and gives canonical names (南山区,
粤海街道) without guessing; the NLU entities stand in for channel payloads (a location pin)
and when the platform cannot be reached. A newer place replaces the older one from its most
general level down: "不对，是在福田区" sets the district and clears the street, community and
address that belonged to the old district.
"""

import logging
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable
from actions.conversation import Utterance
from actions.messages import district_names, district_title, labels, load_data

log = logging.getLogger(__name__)

PLACE_LEVELS = ("district", "street", "community", "address")
MAX_LOCATE_CHARS = 2000  # the platform refuses longer texts
AREA_KINDS = ("district", "street", "community")
_FILLER = " ，,。.：:；;、!！?？"


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
    """The text without the district/street/community names the resolver found in it."""
    spans = sorted(
        (span for span in (body or {}).get("spans") or [] if span.get("kind") in AREA_KINDS),
        key=lambda span: span["start"],
        reverse=True,
    )
    for span in spans:
        text = text[: span["start"]] + text[span["end"] :]
    text = text.strip(_FILLER)
    for opening in sorted(load_data("lexicon")["address_openings"], key=len, reverse=True):
        if text.startswith(opening):
            text = text[len(opening) :].strip(_FILLER)
    return text


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
