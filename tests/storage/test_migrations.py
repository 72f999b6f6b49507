"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import create_db_engine
from storage.migrate import upgrade_to_head
from storage.models import Base


def test_upgrade_head_then_autogenerate_shows_no_drift(empty_database_url: str) -> None:
    upgrade_to_head(database_url=empty_database_url)
    engine = create_db_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert {"tickets", "ticket_events", "outbox_events", "routing_rules", "ratings"} <= tables


def test_upgrade_head_twice_is_harmless(empty_database_url: str) -> None:
    upgrade_to_head(database_url=empty_database_url)
    upgrade_to_head(database_url=empty_database_url)
