"""Open311 services: the service catalogue as a service list and service definitions.

Every category is a `realtime` service (the ticket number comes back at once) with the same
attribute definitions, kept as data in `data/attributes.yml`.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from backend.catalogue.data import load_catalogue
from backend.catalogue.service import list_categories
from backend.errors import InvalidRequest, NotFound
from backend.open311.schemas import AttributeValue, Service, ServiceAttribute, ServiceDefinition
from backend.places import district_names
from storage.models import ServiceCategory

ATTRIBUTES_FILE = Path(__file__).resolve().parent / "data" / "attributes.yml"
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One attribute as written in the data file."""

    code: str
    datatype: str
    required: bool
    order: int
    description: str
    datatype_description: str | None
    values: tuple[tuple[str, str], ...]
    values_from: str | None


@cache
def load_attribute_specs() -> tuple[AttributeSpec, ...]:
    """The attribute definitions shipped in `data/attributes.yml` (read once)."""
    with ATTRIBUTES_FILE.open(encoding="utf-8") as handle:
        raw: dict[str, Any] = yaml.safe_load(handle)
    specs = tuple(
        AttributeSpec(
            code=str(item["code"]),
            datatype=str(item["datatype"]),
            required=bool(item.get("required", False)),
            order=int(item["order"]),
            description=str(item["description"]),
            datatype_description=item.get("datatype_description"),
            values=tuple((str(v["key"]), str(v["name"])) for v in item.get("values") or []),
            values_from=item.get("values_from"),
        )
        for item in raw["attributes"]
    )
    orders = [spec.order for spec in specs]
    if len(set(orders)) != len(orders) or min(orders) < 1:
        raise ValueError(f"{ATTRIBUTES_FILE}: attribute orders must be distinct positive integers")
    return specs


def attribute_options(spec: AttributeSpec) -> list[tuple[str, str]]:
    """The (key, name) options of a list attribute, resolving `values_from`."""
    if spec.values_from is None:
        return list(spec.values)
    if spec.values_from == "request_types":
        return [(t.code.value, f"{t.name_zh} {t.name_en}") for t in load_catalogue().request_types]
    if spec.values_from == "districts":
        return [(name, name) for name in district_names()]
    raise ValueError(f"{ATTRIBUTES_FILE}: unknown values_from {spec.values_from!r}")


def to_service(category: ServiceCategory) -> Service:
    """A category as an Open311 service list entry."""
    return Service(
        service_code=category.service_code,
        service_name=category.name_zh,
        description=category.description or None,
        metadata=bool(load_attribute_specs()),
        type="realtime",
        keywords=", ".join(w for w in (category.name_en, category.group) if w) or None,
        group=category.group or None,
    )


def list_services(*, session: Session) -> list[Service]:
    """GET Service List: every active category."""
    return [to_service(category) for category in list_categories(session=session)]


def find_service(*, session: Session, service_code: str) -> ServiceCategory:
    """The active category with this code, or NotFound (404 in Open311)."""
    category = session.get(ServiceCategory, service_code)
    if category is None or not category.active:
        raise NotFound(f"service_code {service_code!r} was not found")
    return category


def service_definition(*, session: Session, service_code: str) -> ServiceDefinition:
    """GET Service Definition: the attributes of one service."""
    find_service(session=session, service_code=service_code)
    attributes = []
    for spec in sorted(load_attribute_specs(), key=lambda item: item.order):
        options = attribute_options(spec) if spec.datatype in LIST_DATATYPES else None
        attributes.append(
            ServiceAttribute(
                variable=True,
                code=spec.code,
                datatype=spec.datatype,  # type: ignore[arg-type]  # checked by the Literal
                required=spec.required,
                datatype_description=spec.datatype_description,
                order=spec.order,
                description=spec.description,
                values=[AttributeValue(key=k, name=n) for k, n in options] if options else None,
            )
        )
    return ServiceDefinition(service_code=service_code, attributes=attributes)


def check_attributes(*, submitted: dict[str, list[str]]) -> dict[str, list[str]]:
    """Check submitted `attribute[code]` values against the definitions; clear 400s otherwise."""
    specs = {spec.code: spec for spec in load_attribute_specs()}
    for code, values in submitted.items():
        spec = specs.get(code)
        if spec is None:
            raise InvalidRequest(f"unknown attribute {code!r}; known: {', '.join(sorted(specs))}")
        if spec.datatype != "multivaluelist" and len(values) > 1:
            raise InvalidRequest(f"attribute[{code}] takes one value")
        if spec.datatype in LIST_DATATYPES:
            keys = [key for key, _ in attribute_options(spec)]
            wrong = [value for value in values if value not in keys]
            if wrong:
                raise InvalidRequest(
                    f"attribute[{code}] must be one of: {', '.join(keys)} (got {wrong[0]!r})"
                )
    missing = [c for c, spec in specs.items() if spec.required and not submitted.get(c)]
    if missing:
        raise InvalidRequest(f"required attribute missing: {', '.join(missing)}")
    return submitted
