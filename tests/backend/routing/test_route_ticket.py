"""Routing against the seeded rules, and rules an admin adds."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.routing.service import route_ticket
from storage.models import Department, RoutingRule


@pytest.mark.parametrize(
    ("service", "district", "street", "department"),
    [
        ("noise", "南山区", "粤海街道", "南山区粤海街道办事处"),
        ("noise", "南山区", None, "南山区人民政府"),
        ("noise", None, None, "深圳市政务服务和数据管理局（12345热线督办）"),
        ("gas", "南山区", "粤海街道", "深圳市燃气集团股份有限公司"),
        ("power_supply", None, None, "深圳供电局有限公司"),
        ("road", "福田区", "华强北街道", "深圳市交通运输局福田管理局"),
        ("road", None, None, "深圳市交通运输局"),
        ("air_pollution", "宝安区", None, "深圳市生态环境局宝安管理局"),
        ("consumer", "龙华区", "民治街道", "深圳市市场监督管理局龙华监管局"),
        ("traffic_parking", "大鹏新区", "南澳街道", "深圳市公安局交通警察局大鹏大队"),
        ("illegal_construction", "大鹏新区", "南澳街道", "大鹏新区南澳街道办事处"),
        ("other", "大鹏新区", None, "大鹏新区管理委员会"),
    ],
)
def test_seeded_rules(
    session: Session, service: str, district: str | None, street: str | None, department: str
) -> None:
    decision = route_ticket(session=session, service_code=service, district=district, street=street)
    assert decision.department is not None and decision.department.name == department
    assert decision.rule is not None
    assert decision.explanation.startswith(f"规则#{decision.rule.id}：")
    assert decision.explanation.endswith(f"→ {department}")


def _department(session: Session, name: str) -> Department:
    department = session.scalar(select(Department).where(Department.name == name))
    assert department is not None
    return department


def test_a_specific_admin_rule_wins_and_is_explained(session: Session) -> None:
    urban = _department(session, "南山区城市管理和综合执法局")
    rule = RoutingRule(
        service_code="noise", district="南山区", street="粤海街道", department_id=urban.id
    )
    session.add(rule)
    session.flush()
    decision = route_ticket(
        session=session, service_code="noise", district="南山区", street="粤海街道"
    )
    assert decision.rule is rule
    assert (
        decision.explanation
        == f"规则#{rule.id}：噪音扰民 + 南山区 粤海街道 → 南山区城市管理和综合执法局"
    )


def test_priority_breaks_ties_between_equally_specific_rules(session: Session) -> None:
    first = _department(session, "南山区住房和建设局")
    second = _department(session, "南山区水务局")
    low = RoutingRule(service_code="property", district="南山区", department_id=first.id)
    high = RoutingRule(
        service_code="property", district="南山区", department_id=second.id, priority=10
    )
    session.add_all([low, high])
    session.flush()
    decision = route_ticket(
        session=session, service_code="property", district="南山区", street=None
    )
    assert decision.rule is high


def test_inactive_rules_and_departments_are_skipped(session: Session) -> None:
    office = _department(session, "南山区粤海街道办事处")
    office.active = False
    session.flush()
    decision = route_ticket(
        session=session, service_code="noise", district="南山区", street="粤海街道"
    )
    assert decision.department is not None and decision.department.name == "南山区人民政府"
    session.execute(update(RoutingRule).values(active=False))
    decision = route_ticket(session=session, service_code="noise", district="南山区", street=None)
    assert decision.department is None and decision.rule is None
    assert "人工派单" in decision.explanation
