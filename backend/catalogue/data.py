"""The catalogue as shipped in `data/catalogue.yml`, read lazily and validated once."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from storage.models import DepartmentLevel, RequestType

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yml"


@dataclass(frozen=True)
class CategorySpec:
    """One category as shipped; seeded into `service_categories`."""

    service_code: str
    name_zh: str
    name_en: str
    group: str
    description: str
    default_level: DepartmentLevel
    time_limit_hours: int
    urgent_time_limit_hours: int


@dataclass(frozen=True)
class RequestTypeSpec:
    """One request type (投诉, 举报, …) with its names."""

    code: RequestType
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class UrgentKind:
    """One kind of danger (燃气, 火情, 溺水, …) and the words that name it."""

    kind: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueData:
    """Everything in the catalogue file."""

    categories: tuple[CategorySpec, ...]
    request_types: tuple[RequestTypeSpec, ...]
    urgent_kinds: tuple[UrgentKind, ...]

    @property
    def urgent_keywords(self) -> tuple[str, ...]:
        """Every urgent word, of every kind."""
        return tuple(word for kind in self.urgent_kinds for word in kind.keywords)


class CatalogueFileError(ValueError):
    """The catalogue file is malformed; the message says where."""


def _category(raw: dict[str, Any], position: int) -> CategorySpec:
    try:
        spec = CategorySpec(
            service_code=str(raw["service_code"]),
            name_zh=str(raw["name_zh"]),
            name_en=str(raw["name_en"]),
            group=str(raw.get("group", "")),
            description=str(raw.get("description", "")),
            default_level=DepartmentLevel(raw["default_level"]),
            time_limit_hours=int(raw["time_limit_hours"]),
            urgent_time_limit_hours=int(raw["urgent_time_limit_hours"]),
        )
    except (KeyError, ValueError) as error:
        raise CatalogueFileError(f"category #{position + 1}: {error!r}") from error
    if not 0 < spec.urgent_time_limit_hours <= spec.time_limit_hours:
        raise CatalogueFileError(
            f"{spec.service_code}: urgent limit must be positive and not above the normal limit"
        )
    return spec


def parse_catalogue(raw: dict[str, Any]) -> CatalogueData:
    """Validate the YAML structure of a catalogue file."""
    categories = tuple(_category(item, i) for i, item in enumerate(raw.get("categories") or []))
    codes = [category.service_code for category in categories]
    if len(set(codes)) != len(codes):
        raise CatalogueFileError("duplicate service_code in catalogue")
    request_types = tuple(
        RequestTypeSpec(
            code=RequestType(item["code"]), name_zh=item["name_zh"], name_en=item["name_en"]
        )
        for item in raw.get("request_types") or []
    )
    return CatalogueData(
        categories=categories,
        request_types=request_types,
        urgent_kinds=_urgent_kinds(raw.get("urgent_kinds") or {}),
    )


def _urgent_kinds(raw: dict[str, Any]) -> tuple[UrgentKind, ...]:
    kinds = []
    for kind, spec in raw.items():
        words = (spec or {}).get("keywords") if isinstance(spec, dict) else None
        if not words or not all(isinstance(word, str) and word.strip() for word in words):
            raise CatalogueFileError(f"urgent kind {kind!r}: keywords must be non-empty strings")
        kinds.append(UrgentKind(kind=str(kind), keywords=tuple(words)))
    return tuple(kinds)


@cache
def load_catalogue() -> CatalogueData:
    """The shipped catalogue (read on first use)."""
    with CATALOGUE_FILE.open(encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))


def is_urgent_text(*, text: str) -> bool:
    """True when the text names an urgent situation (gas leak, fire, someone hurt, …)."""
    lowered = text.lower()
    return any(word.lower() in lowered for word in load_catalogue().urgent_keywords)
