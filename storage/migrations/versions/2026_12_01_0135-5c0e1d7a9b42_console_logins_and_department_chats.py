"""console logins and department chats

Staff users get an argon2 password hash (the console's login); departments may name a
Telegram chat that is told about their reminders (催办) and escalations (督办); canned replies
for operators.

Revision ID: 5c0e1d7a9b42
Revises: 5e1f0a7c2b9d
Create Date: 2026-12-01 01:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "5c0e1d7a9b42"
down_revision: str | None = "5e1f0a7c2b9d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("telegram_chat_id", sa.String(length=64), nullable=True))
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )


def downgrade() -> None:
    op.drop_table("canned_replies")
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("telegram_chat_id")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("password_hash")
