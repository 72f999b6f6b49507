"""Alembic environment: migrations run against `sqlalchemy.url` set by storage.migrate."""

import os

from alembic import context

from storage.db import create_db_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    # storage.migrate sets the URL; a developer's `alembic` command falls back to DATABASE_URL.
    return config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", "sqlite:///var/suban.db"
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(_database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
