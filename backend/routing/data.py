"""Departments and routing rules as shipped: YAML templates expanded over the gazetteer."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from backend.places import district_names, streets_of
from storage.models import DepartmentLevel

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DepartmentSpec:
    """A department to seed, keyed by its stable `code`."""

    code: str
    name: str
    level: DepartmentLevel
    district: str | None = None
    street: str | None = None
    parent_code: str | None = None


@dataclass(frozen=True)
class RuleSpec:
    """A routing rule to seed, keyed by its stable `key`; None fields match anything."""

    key: str
    department_code: str
    service_code: str | None = None
    district: str | None = None
    street: str | None = None
    priority: int = 0
    note: str = ""


class RoutingDataError(ValueError):
    """The departments or rules file is malformed; the message says where."""


def short_district_name(district: str) -> str:
    """南山区 → 南山, 大鹏新区 → 大鹏."""
    for suffix in ("新区", "区"):
        if district.endswith(suffix):
            return district.removesuffix(suffix)
    return district


def expand_departments(
    *, raw: Mapping[str, Any], streets_by_district: Mapping[str, Sequence[str]]
) -> list[DepartmentSpec]:
    """City bureaus, district bureaus per district, and a street office per street."""
    specs = [
        DepartmentSpec(
            code=item["code"],
            name=item["name"],
            level=DepartmentLevel.city,
            parent_code=item.get("parent"),
        )
        for item in raw.get("city") or []
    ]
    for district in streets_by_district:
        values = {"district": district, "short": short_district_name(district)}
        for item in raw.get("district") or []:
            name = (item.get("names") or {}).get(district) or item["name"].format(**values)
            specs.append(
                DepartmentSpec(
                    code=f"district:{district}:{item['key']}",
                    name=name,
                    level=DepartmentLevel.district,
                    district=district,
                    parent_code=item.get("parent", "").format(**values) or None,
                )
            )
    street_template = raw.get("street")
    if street_template:
        for district, streets in streets_by_district.items():
            for street in streets:
                values = {"district": district, "street": street}
                specs.append(
                    DepartmentSpec(
                        code=f"street:{district}:{street}",
                        name=street_template["name"].format(**values),
                        level=DepartmentLevel.street,
                        district=district,
                        street=street,
                        parent_code=street_template.get("parent", "").format(**values) or None,
                    )
                )
    _check_departments(specs)
    return specs


def _check_departments(specs: Sequence[DepartmentSpec]) -> None:
    codes = {spec.code for spec in specs}
    if len(codes) != len(specs):
        raise RoutingDataError("duplicate department code")
    if len({spec.name for spec in specs}) != len(specs):
        raise RoutingDataError("duplicate department name")
    for spec in specs:
        if spec.parent_code and spec.parent_code not in codes:
            raise RoutingDataError(f"{spec.code}: unknown parent {spec.parent_code!r}")


def _format(value: Any, values: Mapping[str, str]) -> str | None:
    return None if value is None else str(value).format(**values)


def expand_rules(
    *, raw: Mapping[str, Any], streets_by_district: Mapping[str, Sequence[str]]
) -> list[RuleSpec]:
    """Rules with `each: district|street` expanded; keys and placeholders filled in."""
    specs: list[RuleSpec] = []
    for position, item in enumerate(raw.get("rules") or []):
        each = item.get("each")
        if each == "district":
            places = [{"district": district} for district in streets_by_district]
        elif each == "street":
            places = [
                {"district": district, "street": street}
                for district, streets in streets_by_district.items()
                for street in streets
            ]
        elif each is None:
            places = [{}]
        else:
            raise RoutingDataError(f"rule #{position + 1}: unknown `each: {each}`")
        for values in places:
            try:
                specs.append(
                    RuleSpec(
                        key=str(item["key"]).format(**values),
                        department_code=str(item["department"]).format(**values),
                        service_code=item.get("service_code"),
                        district=_format(item.get("district"), values),
                        street=_format(item.get("street"), values),
                        priority=int(item.get("priority", 0)),
                        note=str(item.get("note", "")),
                    )
                )
            except KeyError as error:
                raise RoutingDataError(f"rule #{position + 1}: missing {error}") from error
    if len({spec.key for spec in specs}) != len(specs):
        raise RoutingDataError("duplicate rule key")
    return specs


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def gazetteer_streets() -> dict[str, tuple[str, ...]]:
    """The streets of every district, from backend.places."""
    return {district: tuple(streets_of(district=district)) for district in district_names()}


@cache
def shipped_departments() -> tuple[DepartmentSpec, ...]:
    """Departments from `departments.yml`, expanded over the gazetteer."""
    raw = _read("departments.yml")
    return tuple(expand_departments(raw=raw, streets_by_district=gazetteer_streets()))


@cache
def shipped_rules() -> tuple[RuleSpec, ...]:
    """Routing rules from `routing_rules.yml`, expanded over the gazetteer."""
    raw = _read("routing_rules.yml")
    return tuple(expand_rules(raw=raw, streets_by_district=gazetteer_streets()))
