"""Seed departments and routing rules: insert what is missing, never overwrite admin edits."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.routing.data import DepartmentSpec, RuleSpec, shipped_departments, shipped_rules
from storage.models import Department, RoutingRule, ServiceCategory


def seed_departments(*, session: Session, specs: tuple[DepartmentSpec, ...] | None = None) -> int:
    """Insert departments whose code is missing, then link parents of the inserted ones."""
    specs = shipped_departments() if specs is None else specs
    by_code = {dept.code: dept for dept in session.scalars(select(Department))}
    taken_names = {dept.name for dept in by_code.values()}
    added: list[tuple[Department, DepartmentSpec]] = []
    for spec in specs:
        if spec.code in by_code or spec.name in taken_names:
            continue
        department = Department(
            code=spec.code,
            name=spec.name,
            level=spec.level,
            district=spec.district,
            street=spec.street,
            active=True,
        )
        session.add(department)
        by_code[spec.code] = department
        taken_names.add(spec.name)
        added.append((department, spec))
    session.flush()
    for department, spec in added:
        if spec.parent_code and spec.parent_code in by_code:
            department.parent_id = by_code[spec.parent_code].id
    session.flush()
    return len(added)


def seed_rules(*, session: Session, specs: tuple[RuleSpec, ...] | None = None) -> int:
    """Insert rules whose key is missing; rules pointing at unknown departments are skipped."""
    specs = shipped_rules() if specs is None else specs
    existing = set(
        session.scalars(select(RoutingRule.seed_key).where(RoutingRule.seed_key.is_not(None)))
    )
    department_ids = {
        code: id_ for code, id_ in session.execute(select(Department.code, Department.id))
    }
    service_codes = set(session.scalars(select(ServiceCategory.service_code)))
    added = 0
    for spec in specs:
        if spec.key in existing or spec.department_code not in department_ids:
            continue
        if spec.service_code is not None and spec.service_code not in service_codes:
            continue
        session.add(
            RoutingRule(
                seed_key=spec.key,
                service_code=spec.service_code,
                district=spec.district,
                street=spec.street,
                department_id=department_ids[spec.department_code],
                priority=spec.priority,
                note=spec.note,
                active=True,
            )
        )
        added += 1
    session.flush()
    return added
