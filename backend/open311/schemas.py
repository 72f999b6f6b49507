"""Open311 GeoReport v2 JSON shapes, field names exactly as the published spec.

`long` not `lon`, `address` out (and `address_string` in), datetimes as w3/ISO 8601 strings
with a time zone. Optional fields the spec marks "may not be returned" are nullable.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
ServiceType = Literal["realtime", "batch", "blackbox"]
RequestStatus = Literal["open", "closed"]


class Open311Model(BaseModel):
    """Closed shapes: the spec asks for no foreign fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(Open311Model):
    """One entry of `services.json` (GET Service List)."""

    service_code: str
    service_name: str
    description: str | None
    metadata: bool
    type: ServiceType
    keywords: str | None
    group: str | None


class AttributeValue(Open311Model):
    """One option of a singlevaluelist/multivaluelist attribute."""

    key: str
    name: str


class ServiceAttribute(Open311Model):
    """One attribute of a service definition (extra form field); `values` only for lists."""

    variable: bool
    code: str
    datatype: Datatype
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[AttributeValue] | None = Field(default=None, exclude_if=lambda v: v is None)


class ServiceDefinition(Open311Model):
    """`services/{service_code}.json` (GET Service Definition)."""

    service_code: str
    attributes: list[ServiceAttribute]


class CreatedServiceRequest(Open311Model):
    """One element of the POST Service Request answer (realtime: an id, never a token)."""

    service_request_id: str
    service_notice: str | None
    account_id: str | None


class TokenLookup(Open311Model):
    """One element of `tokens/{token}.json`."""

    service_request_id: str
    token: str


class ServiceRequest(Open311Model):
    """One element of `requests.json` / `requests/{id}.json` (GET Service Request(s))."""

    service_request_id: str
    status: RequestStatus
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class Open311Error(Open311Model):
    """One element of an Open311 error answer: `[{"code": 400, "description": "…"}]`."""

    code: int
    description: str
