"""The shipped catalogue and its seeding."""

import pytest
from sqlalchemy.orm import Session

from backend.catalogue.data import (
    CatalogueFileError,
    is_urgent_text,
    load_catalogue,
    parse_catalogue,
)
from backend.catalogue.service import get_active_category, seed_catalogue
from backend.errors import InvalidRequest
from storage.models import RequestType, ServiceCategory

SERVICE_CODES = [
    "noise", "sanitation", "road", "streetlight", "traffic_parking", "street_vending",
    "water_supply", "drainage", "power_supply", "gas", "illegal_construction", "property",
    "labor", "consumer", "air_pollution", "greenery", "public_transport", "animals", "other",
]  # fmt: skip


def test_the_19_service_codes_with_names_and_limits() -> None:
    categories = load_catalogue().categories
    assert [c.service_code for c in categories] == SERVICE_CODES
    noise = categories[0]
    assert (noise.name_zh, noise.name_en) == ("噪音扰民", "Noise nuisance")
    assert all(0 < c.urgent_time_limit_hours <= c.time_limit_hours for c in categories)


def test_request_types() -> None:
    names = {t.code: t.name_zh for t in load_catalogue().request_types}
    assert names == {
        RequestType.complaint: "投诉",
        RequestType.report: "举报",
        RequestType.help: "求助",
        RequestType.inquiry: "咨询",
        RequestType.suggestion: "建议",
        RequestType.praise: "表扬",
    }


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("楼道里闻到很重的煤气味", True),
        ("小区门口电线掉下来了", True),
        ("工地围墙倒塌，有人受伤", True),
        ("楼下烧烤店着火了", True),
        ("工地晚上太吵", False),
    ],
)
def test_urgent_keywords(text: str, urgent: bool) -> None:
    assert is_urgent_text(text=text) is urgent


def test_a_malformed_catalogue_is_reported() -> None:
    bad = {"categories": [{"service_code": "x", "name_zh": "x", "name_en": "x"}]}
    with pytest.raises(CatalogueFileError, match="category #1"):
        parse_catalogue(bad)


def test_seed_is_idempotent_and_keeps_admin_edits(session: Session) -> None:
    noise = session.get(ServiceCategory, "noise")
    assert noise is not None
    noise.time_limit_hours = 12
    session.flush()
    assert seed_catalogue(session=session) == 0
    assert session.get(ServiceCategory, "noise").time_limit_hours == 12  # type: ignore[union-attr]


def test_unknown_or_inactive_codes_are_refused_with_the_valid_ones(session: Session) -> None:
    with pytest.raises(InvalidRequest) as raised:
        get_active_category(session=session, service_code="ufo")
    assert "noise" in raised.value.details["valid_service_codes"]
    session.get(ServiceCategory, "animals").active = False  # type: ignore[union-attr]
    session.flush()
    with pytest.raises(InvalidRequest):
        get_active_category(session=session, service_code="animals")
