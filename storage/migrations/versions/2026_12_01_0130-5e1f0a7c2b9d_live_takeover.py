"""live takeover: conversation state and holder, message roles, NLU corrections, outbox order

Revision ID: 5e1f0a7c2b9d
Revises: bcb8c16c6ea4
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "5e1f0a7c2b9d"
down_revision: str | None = "bcb8c16c6ea4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = storage.models.base.UTCDateTime(timezone=True)
STATES = "state IN ('bot', 'waiting', 'held')"
REASONS = (
    "handoff_reason IS NULL OR handoff_reason IN "
    "('asked', 'misunderstood', 'urgent', 'angry', 'operator')"
)
ROLES = "role IN ('citizen', 'bot', 'operator', 'system')"


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="bot")
        )
        batch_op.add_column(sa.Column("handoff_reason", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("handoff_detail", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("waiting_since", UTC, nullable=True))
        batch_op.add_column(sa.Column("queue_told_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("holder", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("held_since", UTC, nullable=True))
        batch_op.add_column(sa.Column("last_operator_at", UTC, nullable=True))
        batch_op.add_column(
            sa.Column("bot_reset_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # chats flagged before this migration wait for a person, since their last message
    op.execute(
        "UPDATE conversations SET state = 'waiting', waiting_since = last_message_at,"
        " queue_told_at = last_message_at WHERE needs_human"
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("needs_human")
        batch_op.create_check_constraint("state", STATES)
        batch_op.create_check_constraint("handoff_reason", REASONS)
        batch_op.create_check_constraint("held_has_holder", "state <> 'held' OR holder IS NOT NULL")
        batch_op.create_index("ix_conversations_state", ["state", "last_message_at"], unique=False)

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="bot")
        )
        batch_op.add_column(sa.Column("staff_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("outbox_event_id", sa.Integer(), nullable=True))
    op.execute("UPDATE messages SET role = 'citizen' WHERE direction = 'inbound'")
    op.execute("UPDATE messages SET role = 'system' WHERE text LIKE '[转人工]%'")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_check_constraint("role", ROLES)
        batch_op.create_foreign_key(
            batch_op.f("fk_messages_outbox_event_id_outbox_events"),
            "outbox_events",
            ["outbox_event_id"],
            ["id"],
        )

    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_events_chat", ["channel_identity_id", "id"], unique=False)

    op.create_table(
        "nlu_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=64), nullable=True),
        sa.Column("predicted_entities", sa.JSON(), nullable=True),
        sa.Column("predicted", sa.JSON(), nullable=False),
        sa.Column("corrected_intent", sa.String(length=64), nullable=True),
        sa.Column("corrected", sa.JSON(), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("reviewed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_nlu_corrections_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_nlu_corrections_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_corrections")),
    )
    with op.batch_alter_table("nlu_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nlu_corrections_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_nlu_corrections_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_nlu_corrections_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("nlu_corrections")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_chat")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_messages_outbox_event_id_outbox_events"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_messages_role"), type_="check")
        batch_op.drop_column("outbox_event_id")
        batch_op.drop_column("staff_id")
        batch_op.drop_column("role")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_human", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE conversations SET needs_human = (state <> 'bot')")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_state")
        batch_op.drop_constraint(batch_op.f("ck_conversations_held_has_holder"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_conversations_handoff_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_conversations_state"), type_="check")
        for column in (
            "bot_reset_pending",
            "last_operator_at",
            "held_since",
            "holder",
            "queue_told_at",
            "waiting_since",
            "handoff_detail",
            "handoff_reason",
            "state",
        ):
            batch_op.drop_column(column)
