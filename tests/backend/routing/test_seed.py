"""Departments and rules as shipped: generated from the gazetteer, seeded idempotently."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.places import district_names, streets_of
from backend.routing.data import shipped_departments, shipped_rules
from backend.routing.seed import seed_departments, seed_rules
from storage.models import Department, DepartmentLevel, RoutingRule


def test_every_street_has_an_office_under_its_district_government() -> None:
    by_code = {spec.code: spec for spec in shipped_departments()}
    streets = [(d, s) for d in district_names() for s in streets_of(district=d)]
    assert len(streets) == 74
    for district, street in streets:
        office = by_code[f"street:{district}:{street}"]
        assert office.name == f"{district}{street}办事处"
        assert office.level == DepartmentLevel.street
        assert office.parent_code == f"district:{district}:government"
    assert by_code["street:南山区:粤海街道"].name == "南山区粤海街道办事处"


def test_supervision_chain_reaches_the_12345_centre() -> None:
    by_code = {spec.code: spec for spec in shipped_departments()}
    for spec in by_code.values():
        chain, code = [], spec.code
        while code is not None:
            assert code not in chain, f"cycle at {code}"
            chain.append(code)
            code = by_code[code].parent_code
        assert chain[-1] == "city:supervision"
    assert by_code["district:南山区:urban"].parent_code == "city:urban"
    assert by_code["city:environment"].parent_code == "city:supervision"


def test_every_district_has_its_bureaus() -> None:
    codes = {spec.code for spec in shipped_departments()}
    for district in district_names():
        for key in ("government", "urban", "environment", "transport", "market", "hr", "water"):
            assert f"district:{district}:{key}" in codes


def test_every_rule_points_at_a_shipped_department() -> None:
    codes = {spec.code for spec in shipped_departments()}
    assert all(rule.department_code in codes for rule in shipped_rules())


def test_seeding_again_adds_nothing_and_keeps_admin_edits(session: Session) -> None:
    office = session.scalar(select(Department).where(Department.code == "street:南山区:粤海街道"))
    assert office is not None
    office.name = "粤海街道办（改名）"
    rule = session.scalar(select(RoutingRule).where(RoutingRule.seed_key == "fallback"))
    assert rule is not None
    rule.priority = 42
    session.flush()
    assert seed_departments(session=session) == 0
    assert seed_rules(session=session) == 0
    assert office.name == "粤海街道办（改名）"
    assert rule.priority == 42
    total = session.scalar(select(func.count()).select_from(Department))
    assert total == len(shipped_departments())


def test_a_deleted_rule_is_put_back(session: Session) -> None:
    rule = session.scalar(select(RoutingRule).where(RoutingRule.seed_key == "service:gas"))
    session.delete(rule)
    session.flush()
    assert seed_rules(session=session) == 1
