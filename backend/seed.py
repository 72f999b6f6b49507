"""Reference data seeded at start-up: catalogue, departments, routing rules (missing rows only)."""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.catalogue.service import seed_catalogue
from backend.routing.seed import seed_departments, seed_rules

SEED_LOCK_KEY = 31100001


@dataclass(frozen=True)
class SeedReport:
    """How many rows each seed inserted."""

    categories: int
    departments: int
    rules: int


def seed_reference_data(*, session: Session) -> SeedReport:
    """Insert what is missing; existing rows (and admin edits) are left alone.

    On PostgreSQL a transaction-scoped advisory lock lets replicas starting together seed in turn.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK_KEY})
    return SeedReport(
        categories=seed_catalogue(session=session),
        departments=seed_departments(session=session),
        rules=seed_rules(session=session),
    )
