"""Run Alembic migrations programmatically (start-up and tests use this)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(*, database_url: str) -> Config:
    """An Alembic config pointing at Suban's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s",
    )
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(*, database_url: str) -> None:
    """Bring the database schema to the newest migration."""
    command.upgrade(alembic_config(database_url=database_url), "head")
