"""console logins and department chats

Staff users get an argon2 password hash (the console's login); departments may name a
Telegram chat that is told about their reminders (催办) and escalations (督办).

Revision ID: 5c0e1d7a9b42
Revises: bcb8c16c6ea4
Create Date: 2026-12-01 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0e1d7a9b42"
down_revision: str | None = "bcb8c16c6ea4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("telegram_chat_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("telegram_chat_id")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("password_hash")
