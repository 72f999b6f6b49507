"""Reading a POST Service Request: form-encoded (as the spec says) or JSON, into one shape.

Empty values count as absent ("a null parameter should be treated as equivalent to a
non-declared parameter"). Attributes come as `attribute[code]=value`, several values of a
multivaluelist as `attribute[code][]=value`; in JSON also as `{"attribute": {"code": value}}`.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from backend.errors import InvalidRequest
from backend.inputs import clean_text

ATTRIBUTE_FIELD = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_DESCRIPTION = 4000
TEXT_FIELDS = (
    "api_key",
    "jurisdiction_id",
    "service_code",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
)


@dataclass(frozen=True, slots=True)
class ServiceRequestInput:
    """A POST Service Request, checked for shape (not yet against the catalogue)."""

    api_key: str | None
    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = None
    media_url: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_point(self) -> bool:
        """True when lat and long were both given."""
        return self.lat is not None and self.long is not None


def parse_form_fields(*, fields: Iterable[tuple[str, str]]) -> ServiceRequestInput:
    """Read form fields (repeated names allowed) into a ServiceRequestInput."""
    text: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for name, raw in fields:
        value = clean_text(raw).strip()
        if not value:
            continue
        match = ATTRIBUTE_FIELD.match(name)
        if match:
            attributes.setdefault(match.group(1), []).append(value)
        elif name in TEXT_FIELDS or name in ("lat", "long"):
            text[name] = value
    return _build(text, attributes)


def parse_json_body(*, body: object) -> ServiceRequestInput:
    """Read a JSON object with the same field names into a ServiceRequestInput."""
    if not isinstance(body, Mapping):
        raise InvalidRequest("the request body must be a JSON object of Open311 fields")
    fields: list[tuple[str, str]] = []
    for name, value in body.items():
        if name == "attribute" and isinstance(value, Mapping):
            for code, chosen in value.items():
                fields.extend((f"attribute[{code}][]", _scalar(code, v)) for v in _listed(chosen))
        elif isinstance(value, list) and ATTRIBUTE_FIELD.match(str(name)):
            fields.extend((str(name), _scalar(str(name), v)) for v in value)
        elif value is not None:
            fields.append((str(name), _scalar(str(name), value)))
    return parse_form_fields(fields=fields)


def _listed(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _scalar(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise InvalidRequest(f"{name} must be a single text or number value")


def _build(text: dict[str, str], attributes: dict[str, list[str]]) -> ServiceRequestInput:
    service_code = text.get("service_code")
    if service_code is None:
        raise InvalidRequest("service_code was not provided")
    lat = _coordinate(text, "lat", limit=90)
    long = _coordinate(text, "long", limit=180)
    if (lat is None) != (long is None):
        raise InvalidRequest("lat and long must be sent together")
    if lat is None and "address_string" not in text and "address_id" not in text:
        raise InvalidRequest("a location is required: lat and long, address_string or address_id")
    description = text.get("description")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidRequest(f"description is limited to {MAX_DESCRIPTION} characters")
    email = text.get("email")
    if email is not None and not EMAIL.match(email):
        raise InvalidRequest(f"email {email!r} is not an e-mail address")
    media_url = text.get("media_url")
    if media_url is not None and (
        urlsplit(media_url).scheme.lower() not in ("http", "https")
        or not urlsplit(media_url).netloc
    ):
        raise InvalidRequest("media_url must be an http(s) URL")
    return ServiceRequestInput(
        api_key=text.get("api_key"),
        service_code=service_code,
        lat=lat,
        long=long,
        address_string=text.get("address_string"),
        address_id=text.get("address_id"),
        email=email,
        device_id=text.get("device_id"),
        account_id=text.get("account_id"),
        first_name=text.get("first_name"),
        last_name=text.get("last_name"),
        phone=text.get("phone"),
        description=description,
        media_url=media_url,
        attributes=attributes,
    )


def _coordinate(text: dict[str, str], name: str, *, limit: float) -> float | None:
    raw = text.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidRequest(f"{name} must be a number (WGS84 degrees), got {raw!r}") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise InvalidRequest(f"{name} must be between -{limit:g} and {limit:g}")
    return value
