"""The database goes away briefly (PostgreSQL behind a proxy the test stops, or the server ending
the connection mid-transaction): a clear 503, nothing half-written, recovery without a restart."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from backend.api.errors import DATABASE_DOWN
from backend.settings import Settings
from storage.db import create_db_engine
from storage.models import OutboxEvent, Ticket, TicketEvent
from tests.backend.api.routes.conftest import ADMIN, NOISE, SERVICE
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.faults]


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy]:
    if not database_url.startswith("postgresql"):
        pytest.skip("an outage of a database server: PostgreSQL only")
    url = make_url(database_url)
    forwarder = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    forwarder.start()
    yield forwarder
    forwarder.stop()


def counts(database_url: str) -> tuple[int, int, int]:
    """Tickets, ticket events and outbox events, read past the proxy."""
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        found = tuple(
            connection.scalar(select(func.count()).select_from(model))
            for model in (Ticket, TicketEvent, OutboxEvent)
        )
    engine.dispose()
    return found  # type: ignore[return-value]


def file(client: TestClient) -> int:
    return client.post("/api/v1/tickets", json=NOISE, headers=SERVICE).status_code


def proxied_client(app_settings: Settings, proxy: TcpProxy, database_url: str) -> TestClient:
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    settings = app_settings.model_copy(
        update={"database_url": url.render_as_string(hide_password=False)}
    )
    from suban.app import create_app

    return TestClient(create_app(settings))


def test_database_unreachable_is_a_503_and_it_recovers_without_a_restart(
    app_settings: Settings, proxy: TcpProxy, database_url: str
) -> None:
    with proxied_client(app_settings, proxy, database_url) as client:
        assert file(client) == 201
        before = counts(database_url)

        proxy.stop()
        response = client.post("/api/v1/tickets", json=NOISE, headers=SERVICE)
        assert response.status_code == 503
        assert response.json() == {"detail": DATABASE_DOWN}
        assert response.headers["Retry-After"] == "5"
        assert client.get("/api/v1/tickets", headers=ADMIN).status_code == 503
        assert counts(database_url) == before

        proxy.start()
        assert file(client) == 201
        assert counts(database_url)[0] == before[0] + 1


def test_a_connection_lost_mid_transaction_writes_nothing(
    app_settings: Settings, proxy: TcpProxy, database_url: str
) -> None:
    with proxied_client(app_settings, proxy, database_url) as client:
        before = counts(database_url)
        engine = client.app.state.engine  # type: ignore[attr-defined]
        killer = create_db_engine(database_url)

        def end_the_backend(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
            # The server ends this connection right after the ticket row is inserted.
            if statement.lstrip().upper().startswith("INSERT INTO TICKETS"):
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                with killer.begin() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        event.listen(engine, "after_cursor_execute", end_the_backend)
        try:
            assert file(client) == 503
        finally:
            event.remove(engine, "after_cursor_execute", end_the_backend)
            killer.dispose()
        assert counts(database_url) == before
        assert file(client) == 201  # the pool drops the dead connection: no restart needed
        assert counts(database_url)[0] == before[0] + 1
