"""Shared fixtures: a migrated, seeded database per test on SQLite and (when configured) PostgreSQL.

`TEST_DATABASE_URL` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) adds a PostgreSQL
variant of every database test, isolated in a fresh schema that is dropped afterwards; without
it the PostgreSQL variants skip with a visible reason.
"""

import importlib.util
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from backend.seed import seed_reference_data
from backend.settings import Settings
from storage.db import create_db_engine, create_session_factory
from storage.migrate import upgrade_to_head

# tests/actions and tests/nlu/{components,channels,serving} need rasa-sdk / rasa, which live in
# the Rasa runtime: `make test` runs them there (.venv-rasa/bin/python -m pytest tests/actions ...).
RASA_RUNTIME_TESTS = ["actions", "nlu/components", "nlu/channels", "nlu/serving"]
collect_ignore = [] if importlib.util.find_spec("rasa_sdk") else RASA_RUNTIME_TESTS

# The real stack (Rasa, action server, platform) for tests/e2e and tests/browser: one per session;
# the NLU loop's tests have one of their own (they switch its model).
pytest_plugins = ["tests.e2e.live", "tests.e2e.nlu_live"]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# The platform has no default SECRET_KEY (make run generates one); the tests bring their own.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789")
NO_POSTGRES = "TEST_DATABASE_URL is not set: PostgreSQL variant skipped"
SERVICE_TOKEN = "test-service-token"

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)],
    ),
]


def _prepare(url: str) -> None:
    upgrade_to_head(database_url=url)
    engine = create_db_engine(url)
    with create_session_factory(engine).begin() as session:
        seed_reference_data(session=session)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite file, built once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _prepare(f"sqlite:///{path}")
    return path


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it (SQLite file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that needs a database runs on each backend."""
    for name in ("empty_database_url", "database_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, DATABASES, indirect=True)


REFERENCE_TABLES = ("service_categories", "departments", "routing_rules")


@dataclass(frozen=True)
class PostgresTemplate:
    """A schema migrated and seeded once per run, and a copy of its reference rows."""

    url: str
    rows: dict[str, list[dict[str, Any]]]
    metadata: MetaData


def _postgres_url(schema: str) -> str:
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    """One migrated, seeded schema for the run; each test gets it reset (see database_url)."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _postgres_url(schema)
    try:
        _prepare(url)
        engine = create_db_engine(url)
        metadata = MetaData()
        with engine.connect() as connection:
            metadata.reflect(connection)
            rows = {
                name: [
                    dict(row._mapping)
                    for row in connection.execute(text(f'SELECT * FROM "{name}" ORDER BY 1'))
                ]
                for name in REFERENCE_TABLES
            }
        engine.dispose()
        yield PostgresTemplate(url=url, rows=rows, metadata=metadata)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _reset_postgres(template: PostgresTemplate) -> None:
    """Empty every table and put the seeded reference rows back, ids and sequences included.

    DELETE (children first) is much faster than TRUNCATE on tables this small.
    """
    engine = create_db_engine(template.url)
    tables = [t for t in template.metadata.sorted_tables if t.name != "alembic_version"]
    with engine.begin() as connection:
        # Without triggers: deleting tickets would mark their days for the rollup again.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(tables):
            connection.execute(table.delete())
        for name in REFERENCE_TABLES:
            if template.rows[name]:
                connection.execute(template.metadata.tables[name].insert(), template.rows[name])
        for table in tables:
            if "id" in table.c:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                    )
                )
    engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated and seeded database (catalogue, departments, routing rules)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "test.db")
        return f"sqlite:///{tmp_path / 'test.db'}"
    postgres: PostgresTemplate = request.getfixturevalue("postgres_template")
    _reset_postgres(postgres)
    return postgres.url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return create_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session on the seeded database; tests commit when they want to."""
    with session_factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def app_settings(database_url: str) -> Settings:
    """Settings of a test platform: this database, no scheduler, nothing else reachable."""
    return Settings(
        database_url=database_url,
        scheduler_enabled=False,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
        admin_api_token="test-admin-token",
        service_api_token=SERVICE_TOKEN,
        telegram_bot_token=None,
        _env_file=None,
    )


@pytest.fixture
def app_client(app_settings: Settings) -> Iterator[TestClient]:
    """A TestClient on the assembled app (its lifespan migrates and seeds)."""
    from suban.app import create_app

    with TestClient(create_app(app_settings)) as client:
        yield client


ADMIN_HEADERS = {"Authorization": "Bearer test-admin-token"}
SERVICE_HEADERS = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


def chat_headers(channel: str = "telegram", chat_id: str = "1001") -> dict[str, str]:
    """What the bot sends on a call about one ticket: its token and the chat it speaks for."""
    return {**SERVICE_HEADERS, "X-Suban-Channel": channel, "X-Suban-Chat": chat_id}
