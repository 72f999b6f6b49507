"""The request's work is committed before its response is sent; a failed commit is a 503."""

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from backend.api.deps import get_session
from storage.models import Ticket, TicketEvent
from tests.backend.api.routes.conftest import NOISE
from tests.conftest import SERVICE_HEADERS


@pytest.fixture
def failing_commits(app_client: TestClient) -> Iterator[list[str]]:
    """Make every commit of the app's sessions fail as a locked or lost database would."""
    failures: list[str] = []

    def refuse(session: Session) -> None:
        failures.append("commit")
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    factory = app_client.app.state.session_factory
    event.listen(factory, "before_commit", refuse)
    yield failures
    event.remove(factory, "before_commit", refuse)


def count(app_client: TestClient, model: type) -> int:
    with app_client.app.state.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_failed_commit_is_a_503_and_no_ticket_exists(
    app_client: TestClient, failing_commits: list[str]
) -> None:
    # As a real client sees it: whatever went out on the wire, not a server-side exception.
    wire = TestClient(app_client.app, raise_server_exceptions=False)
    response = wire.post(
        "/api/v1/tickets", json=NOISE, headers={**SERVICE_HEADERS, "Idempotency-Key": "k-1"}
    )
    assert failing_commits == ["commit"]
    assert response.status_code == 503
    assert "could not be saved" in response.json()["detail"]
    assert "ticket_no" not in response.json()
    assert (count(app_client, Ticket), count(app_client, TicketEvent)) == (0, 0)


def test_the_retry_after_a_failed_commit_files_the_ticket_once(app_client: TestClient) -> None:
    factory = app_client.app.state.session_factory
    fail_once = [True]

    def refuse_once(session: Session) -> None:
        if fail_once.pop() if fail_once else False:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(factory, "before_commit", refuse_once)
    try:
        headers = {**SERVICE_HEADERS, "Idempotency-Key": "k-2"}
        first = app_client.post("/api/v1/tickets", json=NOISE, headers=headers)
        second = app_client.post("/api/v1/tickets", json=NOISE, headers=headers)
        third = app_client.post("/api/v1/tickets", json=NOISE, headers=headers)
    finally:
        event.remove(factory, "before_commit", refuse_once)
    assert (first.status_code, second.status_code, third.status_code) == (503, 201, 200)
    assert second.json()["ticket_no"] == third.json()["ticket_no"]
    assert count(app_client, Ticket) == 1


def test_open311_gets_a_failed_commit_in_its_error_format(
    app_client: TestClient, failing_commits: list[str]
) -> None:
    response = app_client.get("/open311/v2/services.json")
    assert response.status_code == 503
    [error] = response.json()
    assert error["code"] == 503 and "could not be saved" in error["description"]


def test_every_route_commits_before_it_answers(app_client: TestClient) -> None:
    """A route that took the session with the default (request) scope would commit too late."""
    scopes: list[tuple[str, str | None]] = []

    def walk(path: str, dependant) -> None:  # type: ignore[no-untyped-def]
        for sub in dependant.dependencies:
            if sub.call is get_session:
                scopes.append((path, sub.scope))
            walk(path, sub)

    def visit(routes: list) -> None:  # type: ignore[type-arg]
        for route in routes:
            if isinstance(route, APIRoute):
                walk(route.path, route.dependant)
            elif hasattr(route, "original_router"):  # FastAPI 0.165 keeps included routers
                visit(route.original_router.routes)

    visit(app_client.app.routes)
    assert len({path for path, _ in scopes}) > 10
    assert [item for item in scopes if item[1] != "function"] == []
