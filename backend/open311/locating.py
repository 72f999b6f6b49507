"""Where an Open311 request happened: from lat/long, address_string and district/street attributes.

Precedence, most trusted first: the explicit `attribute[district]`/`attribute[street]`, the
places the `address_string` names, then the street office nearest to `lat`/`long`.
"""

from dataclasses import dataclass

from backend.errors import InvalidRequest
from backend.open311.intake import ServiceRequestInput
from backend.places import InvalidTextError, locate_point, locate_text, streets_of

MAX_ADDRESS = 255


@dataclass(frozen=True, slots=True)
class RequestLocation:
    """The ticket's place fields."""

    district: str | None
    street: str | None
    community: str | None
    address: str | None
    lat: float | None
    lon: float | None


def locate_request(*, form: ServiceRequestInput) -> RequestLocation:
    """Resolve the request's location, or InvalidRequest when it cannot be placed in Shenzhen."""
    district: str | None = None
    street: str | None = None
    community: str | None = None
    if form.lat is not None and form.long is not None:
        point = locate_point(lat=form.lat, lon=form.long)
        if point.confidence == "outside" or point.district is None:
            raise InvalidRequest(
                f"lat/long ({form.lat}, {form.long}) lie outside Shenzhen; "
                "this jurisdiction only takes requests in Shenzhen"
            )
        district, street = point.district, point.street
    if form.address_string:
        try:
            match = locate_text(text=form.address_string)
        except InvalidTextError as error:
            raise InvalidRequest(f"address_string: {error}") from error
        if match.street:
            district, street = match.district, match.street
        elif match.district and match.district != district:
            district, street = match.district, None
        community = match.community
    elif form.lat is None:
        raise InvalidRequest(
            "address_id is not supported by this jurisdiction; send lat and long or address_string"
        )
    district, street = _explicit(form, district=district, street=street)
    return RequestLocation(
        district=district,
        street=street,
        community=community,
        address=form.address_string[:MAX_ADDRESS] if form.address_string else None,
        lat=form.lat,
        lon=form.long,
    )


def _explicit(
    form: ServiceRequestInput, *, district: str | None, street: str | None
) -> tuple[str | None, str | None]:
    chosen_district = (form.attributes.get("district") or [None])[0]
    chosen_street = (form.attributes.get("street") or [None])[0]
    if chosen_district and chosen_district != district:
        district = chosen_district
        street = street if street in streets_of(district=district) else None
    if chosen_street:
        if district is None:
            raise InvalidRequest("attribute[street] needs a district (attribute[district])")
        if chosen_street not in streets_of(district=district):
            raise InvalidRequest(f"{chosen_street} is not a street office (街道) of {district}")
        street = chosen_street
    return district, street
