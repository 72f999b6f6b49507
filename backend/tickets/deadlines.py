"""Time limits (办理时限) a ticket gets when created or reopened."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.models import ServiceCategory

FIRST_CONTACT_LIMIT = timedelta(hours=24)
"""The department contacts the citizen within 24 hours (首次联系时限)."""


@dataclass(frozen=True)
class Deadlines:
    """When the first contact and the resolution are due."""

    contact_due: datetime
    resolve_due: datetime


def deadlines_for(*, category: ServiceCategory, urgent: bool, start: datetime) -> Deadlines:
    """Contact within 24 h (or the urgent limit when shorter); resolve within the category limit."""
    hours = category.urgent_time_limit_hours if urgent else category.time_limit_hours
    resolve_due = start + timedelta(hours=hours)
    return Deadlines(
        contact_due=min(start + FIRST_CONTACT_LIMIT, resolve_due), resolve_due=resolve_due
    )
