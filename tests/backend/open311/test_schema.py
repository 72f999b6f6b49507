"""The transcribed schema accepts the spec's own examples and rejects what the spec forbids."""

import copy

import pytest
from jsonschema import Draft202012Validator

from tests.backend.open311.schema import georeport_schema, validator

SPEC_SERVICES = [
    {
        "service_code": "001",
        "service_name": "Cans left out 24x7",
        "description": "Garbage or recycling cans that have been left out for more than 24 hours.",
        "metadata": True,
        "type": "realtime",
        "keywords": "lorem, ipsum, dolor",
        "group": "sanitation",
    }
]
SPEC_DEFINITION = {
    "service_code": "DMV66",
    "attributes": [
        {
            "variable": True,
            "code": "WHISHETN",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": None,
            "order": 1,
            "description": "What is the ticket/tag/DL number?",
            "values": [{"key": 123, "name": "Ford"}, {"key": 124, "name": "Chrysler"}],
        }
    ],
}
SPEC_REQUESTS = [
    {
        "service_request_id": 638344,
        "status": "closed",
        "status_notes": "Duplicate request.",
        "service_name": "Sidewalk and Curb Issues",
        "service_code": "006",
        "description": None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": "2010-04-14T06:37:38-08:00",
        "updated_datetime": "2010-04-14T06:37:38-08:00",
        "expected_datetime": "2010-04-15T06:37:38-08:00",
        "address": "8TH AVE and JUDAH ST",
        "address_id": 545483,
        "zipcode": 94122,
        "lat": 37.762221815,
        "long": -122.4651145,
        "media_url": "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
    }
]
SPEC_POST = [
    {"service_request_id": 293944, "service_notice": "The City will inspect.", "account_id": None}
]
SPEC_TOKEN = [{"service_request_id": 638344, "token": 12345}]
SPEC_ERRORS = [{"code": 403, "description": "Invalid api_key received -- can't proceed."}]


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(georeport_schema())


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("services", SPEC_SERVICES),
        ("service_definition", SPEC_DEFINITION),
        ("service_requests", SPEC_REQUESTS),
        ("post_service_request", SPEC_POST),
        ("post_service_request", [{"token": "12345", "service_notice": None}]),
        ("token_lookup", SPEC_TOKEN),
        ("errors", SPEC_ERRORS),
    ],
)
def test_the_specs_examples_are_valid(kind: str, document: object) -> None:
    assert validator(kind).is_valid(document)


def _with(document: list[dict[str, object]], **changes: object) -> list[dict[str, object]]:
    changed = copy.deepcopy(document)
    for key, value in changes.items():
        if value is KeyError:
            del changed[0][key]
        else:
            changed[0][key] = value
    return changed


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("service_requests", _with(SPEC_REQUESTS, lon=1.0)),  # `long`, never `lon`
        ("service_requests", _with(SPEC_REQUESTS, address_string="x")),  # `address` out
        ("service_requests", _with(SPEC_REQUESTS, status="resolved")),
        ("service_requests", _with(SPEC_REQUESTS, requested_datetime="2010-04-14T06:37:38")),
        ("service_requests", _with(SPEC_REQUESTS, status=KeyError)),
        ("services", _with(SPEC_SERVICES, type="sometimes")),
        ("services", _with(SPEC_SERVICES, keywords=["a", "b"])),  # a comma separated string
        ("post_service_request", _with(SPEC_POST, token="1")),  # id or token, not both
        ("token_lookup", _with(SPEC_TOKEN, token=KeyError)),
        ("errors", [{"detail": "Not Found"}]),
        ("errors", []),
    ],
)
def test_what_the_spec_forbids_is_invalid(kind: str, document: object) -> None:
    assert not validator(kind).is_valid(document)


def test_list_attributes_need_their_values() -> None:
    definition = copy.deepcopy(SPEC_DEFINITION)
    del definition["attributes"][0]["values"]  # type: ignore[index]
    assert not validator("service_definition").is_valid(definition)
