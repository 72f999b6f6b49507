"""Gazetteer entries (地名): districts, street offices, communities and landmarks of Shenzhen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LandmarkKind = Literal["landmark", "road", "station", "area"]
LANDMARK_KINDS: tuple[LandmarkKind, ...] = ("landmark", "road", "station", "area")


@dataclass(frozen=True)
class Point:
    """A WGS84 position in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class District:
    """A district (区), or the functional new district 大鹏新区."""

    name: str
    adcode: str | None
    short: str
    aliases: tuple[str, ...]
    centroid: Point
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Street:
    """A street office (街道), the level below the district."""

    name: str
    short: str
    district: str
    aliases: tuple[str, ...]
    centroid: Point
    communities: tuple[str, ...]


@dataclass(frozen=True)
class Community:
    """A community (社区) under a street office. Names repeat across streets."""

    name: str
    street: str
    district: str


@dataclass(frozen=True)
class Landmark:
    """A well-known road, station, area or landmark (地标) with an approximate position."""

    name: str
    kind: LandmarkKind
    aliases: tuple[str, ...]
    district: str | None
    street: str | None
    position: Point
