"""Reading POST Service Requests: form fields and JSON into one checked shape."""

import re

import pytest

from backend.errors import InvalidRequest
from backend.open311.intake import parse_form_fields, parse_json_body


def test_form_fields_with_attributes_and_multivalues() -> None:
    parsed = parse_form_fields(
        fields=[
            ("api_key", "k"),
            ("service_code", "noise"),
            ("lat", "22.54"),
            ("long", "113.95"),
            ("description", "工地夜间施工"),
            ("attribute[district]", "南山区"),
            ("attribute[tags][]", "a"),
            ("attribute[tags][]", "b"),
            ("jurisdiction_id", "sz.gov.cn"),
            ("email", ""),  # empty counts as not sent
        ]
    )
    assert parsed.service_code == "noise"
    assert (parsed.lat, parsed.long) == (22.54, 113.95)
    assert parsed.attributes == {"district": ["南山区"], "tags": ["a", "b"]}
    assert parsed.email is None
    assert parsed.has_point


def test_json_body_reads_the_same_fields() -> None:
    parsed = parse_json_body(
        body={
            "api_key": "k",
            "service_code": "road",
            "address_string": "深南大道 科技园",
            "attribute": {"urgent": True, "request_type": "report"},
            "media_url": None,
        }
    )
    assert parsed.address_string == "深南大道 科技园"
    assert parsed.attributes == {"urgent": ["true"], "request_type": ["report"]}
    assert parsed.media_url is None
    assert not parsed.has_point


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([("lat", "22.5"), ("long", "114")], "service_code was not provided"),
        ([("service_code", "noise")], "a location is required"),
        ([("service_code", "noise"), ("lat", "22.5")], "lat and long must be sent together"),
        ([("service_code", "noise"), ("lat", "north"), ("long", "1")], "lat must be a number"),
        ([("service_code", "noise"), ("lat", "95"), ("long", "1")], "lat must be between"),
        ([("service_code", "noise"), ("address_id", "1"), ("email", "x")], "not an e-mail"),
        (
            [("service_code", "noise"), ("address_id", "1"), ("media_url", "ftp://x/y.jpg")],
            "media_url must be an http(s) URL",
        ),
        (
            [("service_code", "noise"), ("address_id", "1"), ("description", "长" * 4001)],
            "limited to 4000 characters",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(fields: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(InvalidRequest, match=re.escape(message)):
        parse_form_fields(fields=fields)


@pytest.mark.parametrize("body", [["service_code"], "noise", {"service_code": {"x": 1}}])
def test_json_that_is_not_a_flat_object_is_refused(body: object) -> None:
    with pytest.raises(InvalidRequest):
        parse_json_body(body=body)
