"""Shenzhen places (深圳地名): gazetteer of districts, streets, communities and landmarks,
and the resolvers that find them in citizens' text (locate_text) or at a GPS point
(locate_point). Pure: stdlib, pyyaml and the data files under backend/places/data.
"""

from backend.places.errors import (
    GazetteerDataError,
    InvalidCoordinatesError,
    InvalidTextError,
    PlaceError,
    UnknownDistrictError,
)
from backend.places.gazetteer import canonical_district, district_names, streets_of
from backend.places.point_locator import locate_point
from backend.places.results import PlaceMatch, PointMatch, Span
from backend.places.text_locator import locate_text

__all__ = [
    "GazetteerDataError",
    "InvalidCoordinatesError",
    "InvalidTextError",
    "PlaceError",
    "PlaceMatch",
    "PointMatch",
    "Span",
    "UnknownDistrictError",
    "canonical_district",
    "district_names",
    "locate_point",
    "locate_text",
    "streets_of",
]
