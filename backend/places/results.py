"""Results of locating a place in text or at a point. Frozen, pydantic-free, with to_dict()."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

SpanKind = Literal[
    "district", "street", "community", "landmark", "road", "station", "area", "house_number"
]
Confidence = Literal["high", "medium", "low", "outside"]


@dataclass(frozen=True)
class Span:
    """One place mention in the text: text[start:end], what kind it is and its canonical value."""

    text: str
    start: int
    end: int
    kind: SpanKind
    value: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PlaceMatch:
    """Where a text says something happened.

    ``district``/``street``/``community`` are canonical names or None; ``address`` is the
    most specific address-like detail as written (landmark, road, house number);
    ``conflicting_districts`` lists districts the text also points to but that lost
    (e.g. "福田区粤海街道": the street wins, 福田区 is reported here).
    """

    district: str | None = None
    street: str | None = None
    community: str | None = None
    address: str | None = None
    spans: tuple[Span, ...] = ()
    conflicting_districts: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.district or self.street or self.community or self.address)

    def to_dict(self) -> dict[str, Any]:
        return {
            "district": self.district,
            "street": self.street,
            "community": self.community,
            "address": self.address,
            "spans": [span.to_dict() for span in self.spans],
            "conflicting_districts": list(self.conflicting_districts),
        }


@dataclass(frozen=True)
class PointMatch:
    """The street office whose centroid is nearest to a point, and how sure that is."""

    district: str | None
    street: str | None
    distance_km: float
    confidence: Confidence

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
