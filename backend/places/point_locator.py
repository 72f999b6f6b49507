"""locate_point: the street office (街道) nearest to a GPS point, by street centroid."""

from __future__ import annotations

import math

from backend.places.errors import InvalidCoordinatesError
from backend.places.gazetteer import load_gazetteer
from backend.places.models import Point
from backend.places.results import Confidence, PointMatch

EARTH_RADIUS_KM = 6371.0088
HIGH_CONFIDENCE_KM = 1.5
MEDIUM_CONFIDENCE_KM = 4.0
# Farther than this from every street centroid, the point is not in Shenzhen.
OUTSIDE_KM = 25.0


def haversine_km(*, a: Point, b: Point) -> float:
    """Great-circle distance between two WGS84 points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def confidence_for(*, distance_km: float) -> Confidence:
    if distance_km < HIGH_CONFIDENCE_KM:
        return "high"
    if distance_km < MEDIUM_CONFIDENCE_KM:
        return "medium"
    if distance_km <= OUTSIDE_KM:
        return "low"
    return "outside"


def locate_point(*, lat: float, lon: float) -> PointMatch:
    """Nearest street centroid to (lat, lon); district/street are None when "outside"."""
    point = _valid_point(lat=lat, lon=lon)
    streets = load_gazetteer().streets.values()
    distance, street = min((haversine_km(a=point, b=s.centroid), s.name) for s in streets)
    confidence = confidence_for(distance_km=distance)
    if confidence == "outside":
        return PointMatch(None, None, round(distance, 3), confidence)
    district = load_gazetteer().streets[street].district
    return PointMatch(district, street, round(distance, 3), confidence)


def _valid_point(*, lat: float, lon: float) -> Point:
    for name, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidCoordinatesError(f"{name} must be a number, not {type(value).__name__}")
        if not math.isfinite(value) or abs(value) > limit:
            raise InvalidCoordinatesError(f"{name} must lie within ±{limit:g}, got {value}")
    return Point(lat=float(lat), lon=float(lon))
