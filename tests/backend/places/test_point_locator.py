"""locate_point: nearest street centroid, distance and confidence."""

import math

import pytest

from backend.places import InvalidCoordinatesError, locate_point
from backend.places.gazetteer import load_gazetteer
from backend.places.models import Point
from backend.places.point_locator import confidence_for, haversine_km


def test_science_park_is_yuehai_with_high_confidence() -> None:
    match = locate_point(lat=22.540, lon=113.953)
    assert (match.district, match.street, match.confidence) == ("南山区", "粤海街道", "high")
    assert match.distance_km < 1.5


def test_guangzhou_is_outside() -> None:
    match = locate_point(lat=23.129, lon=113.264)
    assert (match.district, match.street, match.confidence) == (None, None, "outside")
    assert match.distance_km > 25


@pytest.mark.parametrize(
    ("lat", "lon", "district", "street"),
    [
        (22.5480, 114.1210, "罗湖区", "东门街道"),  # 东门老街
        (22.6090, 114.0290, "龙华区", "民治街道"),  # 深圳北站
        (22.5950, 114.3050, "盐田区", "梅沙街道"),  # 大梅沙
        (22.5550, 113.8850, "宝安区", "新安街道"),  # 宝安中心
        (22.5450, 114.0860, "福田区", "华强北街道"),  # 华强北
        (22.6000, 114.5050, "大鹏新区", "大鹏街道"),  # 大鹏所城
    ],
)
def test_well_known_points(lat: float, lon: float, district: str, street: str) -> None:
    match = locate_point(lat=lat, lon=lon)
    assert (match.district, match.street) == (district, street)
    assert match.confidence in ("high", "medium")


def test_every_street_centroid_locates_to_itself() -> None:
    for street in load_gazetteer().streets.values():
        match = locate_point(lat=street.centroid.lat, lon=street.centroid.lon)
        assert (match.street, match.distance_km, match.confidence) == (street.name, 0.0, "high")


def test_confidence_bands() -> None:
    assert confidence_for(distance_km=0.2) == "high"
    assert confidence_for(distance_km=1.5) == "medium"
    assert confidence_for(distance_km=3.9) == "medium"
    assert confidence_for(distance_km=4.0) == "low"
    assert confidence_for(distance_km=25.0) == "low"
    assert confidence_for(distance_km=25.1) == "outside"


def test_haversine_one_degree_of_latitude() -> None:
    km = haversine_km(a=Point(22.0, 114.0), b=Point(23.0, 114.0))
    assert math.isclose(km, 111.2, abs_tol=0.2)


def test_to_dict() -> None:
    data = locate_point(lat=22.540, lon=113.953).to_dict()
    assert set(data) == {"district", "street", "distance_km", "confidence"}
    assert data["street"] == "粤海街道"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91.0, 114.0), (22.5, -181.0), (math.nan, 114.0), (22.5, math.inf), ("22.5", 114.0)],
)
def test_bad_coordinates_are_a_clear_error(lat: float, lon: float) -> None:
    with pytest.raises(InvalidCoordinatesError):
        locate_point(lat=lat, lon=lon)
