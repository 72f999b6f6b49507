"""merge the heads of the cityview (clusters, co-reporters) and console (logins) migrations

Revision ID: 7d3a9e2b4c61
Revises: e7cfd4a13653, 5c0e1d7a9b42
Create Date: 2026-12-01 01:50:00
"""

from collections.abc import Sequence

revision: str = "7d3a9e2b4c61"
down_revision: str | tuple[str, ...] | None = ("e7cfd4a13653", "5c0e1d7a9b42")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the two branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
