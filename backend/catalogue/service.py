"""Catalogue rules against the database: look up, list and seed service categories."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.catalogue.data import load_catalogue
from backend.errors import InvalidRequest
from storage.models import ServiceCategory


def get_active_category(*, session: Session, service_code: str) -> ServiceCategory:
    """The active category with this code, or InvalidRequest naming the valid codes."""
    category = session.get(ServiceCategory, service_code)
    if category is None or not category.active:
        codes = list_categories(session=session)
        raise InvalidRequest(
            f"unknown service_code {service_code!r}",
            valid_service_codes=[item.service_code for item in codes],
        )
    return category


def list_categories(*, session: Session, include_inactive: bool = False) -> list[ServiceCategory]:
    """Categories in catalogue order."""
    query = select(ServiceCategory).order_by(
        ServiceCategory.sort_order, ServiceCategory.service_code
    )
    if not include_inactive:
        query = query.where(ServiceCategory.active.is_(True))
    return list(session.scalars(query))


def seed_catalogue(*, session: Session) -> int:
    """Insert shipped categories missing from the database; never touch existing rows."""
    existing = set(session.scalars(select(ServiceCategory.service_code)))
    added = 0
    for order, spec in enumerate(load_catalogue().categories):
        if spec.service_code in existing:
            continue
        session.add(
            ServiceCategory(
                service_code=spec.service_code,
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                group=spec.group,
                description=spec.description,
                default_level=spec.default_level,
                time_limit_hours=spec.time_limit_hours,
                urgent_time_limit_hours=spec.urgent_time_limit_hours,
                sort_order=order,
                active=True,
            )
        )
        added += 1
    session.flush()
    return added
