"""`route_ticket`: the responsible department for (service, district, street), explained."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.routing.precedence import best_rule
from storage.models import Department, RoutingRule, ServiceCategory


@dataclass(frozen=True)
class RoutingDecision:
    """The department a ticket goes to, the rule that chose it and why, in Chinese."""

    department: Department | None
    rule: RoutingRule | None
    explanation: str


def explain_rule(*, rule: RoutingRule, category_name: str | None, department: Department) -> str:
    """E.g. "规则#12：噪音扰民 + 南山区 粤海街道 → 南山区粤海街道办事处"."""
    service = category_name if rule.service_code else "所有类别"
    place = " ".join(part for part in (rule.district, rule.street) if part) or "全市"
    return f"规则#{rule.id}：{service} + {place} → {department.name}"


def route_ticket(
    *, session: Session, service_code: str, district: str | None, street: str | None
) -> RoutingDecision:
    """Pick the most specific active rule whose department is active (see precedence)."""
    candidates = session.scalars(
        select(RoutingRule)
        .join(Department, RoutingRule.department_id == Department.id)
        .where(
            RoutingRule.active.is_(True),
            Department.active.is_(True),
            or_(RoutingRule.service_code.is_(None), RoutingRule.service_code == service_code),
            or_(RoutingRule.district.is_(None), RoutingRule.district == district),
            or_(RoutingRule.street.is_(None), RoutingRule.street == street),
        )
    ).all()
    rule = best_rule(rules=candidates, service_code=service_code, district=district, street=street)
    if rule is None:
        return RoutingDecision(
            department=None, rule=None, explanation="未匹配到派单规则，待人工派单"
        )
    category = session.get(ServiceCategory, service_code)
    explanation = explain_rule(
        rule=rule,
        category_name=category.name_zh if category else service_code,
        department=rule.department,
    )
    return RoutingDecision(department=rule.department, rule=rule, explanation=explanation)


def explain_override(*, department: Department, reason: str, actor_label: str) -> str:
    """The explanation recorded when an operator dispatches by hand (人工改派)."""
    return f"人工派单（{actor_label}）：{reason} → {department.name}"
