"""citizen language: the language each chat writes in (zh by default)

Revision ID: 5ed9f9e2cb4e
Revises: e7cfd4a13653
Create Date: 2026-12-01 01:18:54.262173
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ed9f9e2cb4e"
down_revision: str | None = "e7cfd4a13653"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_identities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="zh", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_channel_identities_language"), "language IN ('zh', 'en')"
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_identities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_channel_identities_language"), type_="check")
        batch_op.drop_column("language")
