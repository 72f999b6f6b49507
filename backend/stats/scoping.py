"""Whose tickets a dashboard reader counts: operators and admins all (or one department they
pick), department staff only their own department, whatever they ask for."""

from datetime import date, datetime

from backend.auth.actor import Actor
from backend.stats.counts import Scope
from backend.stats.measures import period
from storage.models import utcnow

NO_DEPARTMENT = -1
"""A department id no row has: staff without a department see nothing."""


def scope_for(
    *, actor: Actor, start: date, end: date, department_id: int | None, now: datetime | None = None
) -> Scope:
    """The scope of the period for this reader (InvalidRequest for a bad period)."""
    if not actor.sees_all_tickets:
        department_id = actor.department_id if actor.department_id is not None else NO_DEPARTMENT
    span = period(start=start, end=end)
    return Scope(span=span, now=now or utcnow(), department_id=department_id)
