"""The Shenzhen gazetteer (地名库): divisions, centroids, aliases and landmarks, loaded lazily."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from backend.places.errors import GazetteerDataError, UnknownDistrictError
from backend.places.models import (
    LANDMARK_KINDS,
    Community,
    District,
    Landmark,
    LandmarkKind,
    Point,
    Street,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
STREET_SUFFIX = "街道"
# Generous bounding box of Shenzhen; data outside it is a typo.
LAT_RANGE = (22.40, 22.90)
LON_RANGE = (113.70, 114.65)


@dataclass(frozen=True)
class Gazetteer:
    """All places the resolver knows, keyed by canonical name, in source order."""

    districts: Mapping[str, District]
    streets: Mapping[str, Street]
    communities: tuple[Community, ...]
    landmarks: tuple[Landmark, ...]


def read_data_file(name: str) -> Any:
    """One YAML file of backend/places/data (libyaml's fast loader when available)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer built from backend/places/data/*.yml (read once, on first use)."""
    return build_gazetteer(
        divisions=read_data_file("divisions.yml"),
        centroids=read_data_file("centroids.yml"),
        aliases=read_data_file("aliases.yml"),
        landmarks=read_data_file("landmarks.yml"),
    )


def build_gazetteer(
    *,
    divisions: Mapping[str, Any],
    centroids: Mapping[str, Any],
    aliases: Mapping[str, Any],
    landmarks: Mapping[str, Any],
) -> Gazetteer:
    """Join the data files into one Gazetteer; raise GazetteerDataError on any inconsistency."""
    district_points = _points(centroids.get("districts") or {}, what="district centroid")
    street_points = _points(centroids.get("streets") or {}, what="street centroid")
    district_aliases = aliases.get("districts") or {}
    street_aliases = aliases.get("streets") or {}

    districts: dict[str, District] = {}
    streets: dict[str, Street] = {}
    communities: list[Community] = []
    for entry in divisions["districts"]:
        name = entry["name"]
        street_names: list[str] = []
        for street_entry in entry["streets"]:
            street_name = street_entry["name"]
            if not street_name.endswith(STREET_SUFFIX) or street_name in streets:
                raise GazetteerDataError(f"bad or repeated street name {street_name!r}")
            street_communities = tuple(street_entry["communities"])
            streets[street_name] = Street(
                name=street_name,
                short=street_name.removesuffix(STREET_SUFFIX),
                district=name,
                aliases=tuple(street_aliases.get(street_name) or ()),
                centroid=_require(street_points, street_name, what="street centroid"),
                communities=street_communities,
            )
            communities.extend(
                Community(name=c, street=street_name, district=name) for c in street_communities
            )
            street_names.append(street_name)
        districts[name] = District(
            name=name,
            adcode=entry.get("adcode"),
            short=entry["short"],
            aliases=tuple(district_aliases.get(name) or ()),
            centroid=_require(district_points, name, what="district centroid"),
            streets=tuple(street_names),
        )

    _reject_unknown(district_points, districts, what="district centroid")
    _reject_unknown(street_points, streets, what="street centroid")
    _reject_unknown(district_aliases, districts, what="district alias")
    _reject_unknown(street_aliases, streets, what="street alias")
    return Gazetteer(
        districts=districts,
        streets=streets,
        communities=tuple(communities),
        landmarks=_landmarks(landmarks["landmarks"], districts=districts, streets=streets),
    )


def _points(raw: Mapping[str, Any], *, what: str) -> dict[str, Point]:
    return {name: _point(value, what=f"{what} of {name}") for name, value in raw.items()}


def _point(value: Mapping[str, Any], *, what: str) -> Point:
    lat, lon = float(value["lat"]), float(value["lon"])
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise GazetteerDataError(f"{what} ({lat}, {lon}) lies outside Shenzhen")
    return Point(lat=lat, lon=lon)


def _require(points: Mapping[str, Point], name: str, *, what: str) -> Point:
    if name not in points:
        raise GazetteerDataError(f"no {what} for {name!r}")
    return points[name]


def _reject_unknown(keys: Mapping[str, Any], known: Mapping[str, Any], *, what: str) -> None:
    unknown = sorted(set(keys) - set(known))
    if unknown:
        raise GazetteerDataError(f"{what} for unknown names: {unknown}")


def _landmarks(
    entries: list[Mapping[str, Any]],
    *,
    districts: Mapping[str, District],
    streets: Mapping[str, Street],
) -> tuple[Landmark, ...]:
    seen: set[str] = set()
    result: list[Landmark] = []
    for entry in entries:
        name, kind = entry["name"], entry["kind"]
        district, street = entry.get("district"), entry.get("street")
        if district is not None and district not in districts:
            raise GazetteerDataError(f"landmark {name!r}: unknown district {district!r}")
        if street is not None and (street not in streets or streets[street].district != district):
            raise GazetteerDataError(f"landmark {name!r}: street {street!r} not in {district!r}")
        names = (name, *(entry.get("aliases") or ()))
        repeated = seen.intersection(names) | {n for n in names if names.count(n) > 1}
        if repeated:
            raise GazetteerDataError(f"landmark {name!r}: names used twice: {sorted(repeated)}")
        seen.update(names)
        result.append(
            Landmark(
                name=name,
                kind=_kind(kind, landmark=name),
                aliases=tuple(names[1:]),
                district=district,
                street=street,
                position=_point(entry, what=f"position of {name}"),
            )
        )
    return tuple(result)


def _kind(kind: str, *, landmark: str) -> LandmarkKind:
    for known in LANDMARK_KINDS:
        if kind == known:
            return known
    raise GazetteerDataError(f"landmark {landmark!r}: unknown kind {kind!r}")


def district_names() -> list[str]:
    """Canonical names of Shenzhen's ten districts, e.g. 南山区, 大鹏新区."""
    return list(load_gazetteer().districts)


def canonical_district(*, name: str) -> str:
    """The canonical district for a canonical name, short form or alias (南山, Nanshan)."""
    wanted = name.strip().casefold().replace("’", "'")
    for district in load_gazetteer().districts.values():
        forms = (district.name, district.short, *district.aliases)
        if wanted in {form.casefold() for form in forms}:
            return district.name
    raise UnknownDistrictError(name)


def streets_of(*, district: str) -> list[str]:
    """Canonical street office names (街道) of a district, given by name, short form or alias."""
    return list(load_gazetteer().districts[canonical_district(name=district)].streets)
