"""Where the text says it happened: the place resolver, helped by the NLU's place entities.

The resolver (backend.places.locate_text) reads the whole text and gives canonical names.
Entities only fill a level it left open, and only with a value the gazetteer knows (a
district by name, short form or alias; a street of that district). Nothing is guessed: a
text that names no place gives all None.
"""

from typing import Any

from backend.places import UnknownDistrictError, canonical_district, locate_text, streets_of

LEVELS = ("district", "street", "community", "address")


def _entity(entities: list[dict[str, Any]], name: str) -> str | None:
    for entity in entities:
        value = entity.get("value")
        if entity.get("entity") == name and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _known_district(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return canonical_district(name=name)
    except UnknownDistrictError:
        return None


def _known_street(name: str | None, district: str | None) -> str | None:
    if not name or not district:
        return None
    streets = streets_of(district=district)
    for candidate in (name, f"{name}街道"):
        if candidate in streets:
            return candidate
    return None


def resolve_location(*, text: str, entities: list[dict[str, Any]]) -> dict[str, str | None]:
    """{district, street, community, address} with canonical names, or None where unknown."""
    match = locate_text(text=text)
    location: dict[str, str | None] = {
        "district": match.district,
        "street": match.street,
        "community": match.community,
        "address": match.address,
    }
    if location["district"] is None:
        location["district"] = _known_district(_entity(entities, "district"))
    if location["street"] is None:
        location["street"] = _known_street(_entity(entities, "street"), location["district"])
    if location["address"] is None:
        location["address"] = _entity(entities, "address")
    return location
