"""Tokens, department scoping, the service token, and outbox atomicity through the API."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.auth.service import verify_open311_key
from backend.settings import Settings
from storage.db import create_db_engine, create_session_factory
from storage.models import OutboxEvent, TicketEvent
from suban.app import create_app
from tests.backend.api.routes.conftest import (
    ADMIN,
    NOISE,
    OWNER,
    SERVICE,
    bearer,
    create,
    staff_token,
)


def test_department_staff_see_and_move_only_their_tickets(app_client: TestClient) -> None:
    ticket = create(app_client)
    no, own_department = ticket["ticket_no"], ticket["department_id"]
    own = bearer(staff_token(app_client, "yuehai", "department", own_department))
    other = bearer(staff_token(app_client, "futian", "department", own_department + 1))
    assert app_client.get(f"/api/v1/tickets/{no}", headers=other).status_code == 404
    refused = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "accept"}, headers=other
    )
    assert refused.status_code == 404
    assert app_client.get("/api/v1/tickets", headers=other).json() == []
    listed = app_client.get("/api/v1/tickets", headers=own).json()
    assert [t["ticket_no"] for t in listed] == [no]
    accepted = app_client.post(
        f"/api/v1/tickets/{no}/transitions", json={"action": "accept"}, headers=own
    )
    assert accepted.status_code == 200
    staff_history = accepted.json()["history"]
    assert staff_history[-1]["actor_id"] == "yuehai"
    merge = app_client.post(
        f"/api/v1/tickets/{no}/transitions",
        json={"action": "merge", "target_ticket_no": no},
        headers=own,
    )
    assert merge.status_code == 403


def test_tokens_need_an_admin(app_client: TestClient) -> None:
    operator = bearer(staff_token(app_client, "op", "operator", None))
    body = {"username": "x", "role": "admin"}
    assert app_client.post("/api/v1/admin/tokens", json=body, headers=operator).status_code == 403
    assert app_client.post("/api/v1/admin/tokens", json=body).status_code == 401
    wrong = bearer("not-a-token")
    assert app_client.get("/api/v1/tickets", headers=wrong).status_code == 401
    missing_department = {"username": "d", "role": "department"}
    response = app_client.post("/api/v1/admin/tokens", json=missing_department, headers=ADMIN)
    assert response.status_code == 400


def test_open311_keys_are_stored_hashed(app_client: TestClient, session_factory) -> None:  # type: ignore[no-untyped-def]
    response = app_client.post(
        "/api/v1/admin/tokens", json={"kind": "open311", "label": "city app"}, headers=ADMIN
    )
    key = response.json()["token"]
    with session_factory() as session:
        assert verify_open311_key(session=session, api_key=key, configured_keys=set())
        assert not verify_open311_key(session=session, api_key="guess", configured_keys=set())
        assert verify_open311_key(session=session, api_key="cfg", configured_keys={"cfg"})


def test_service_token_guards_citizen_side_calls(app_client: TestClient) -> None:
    assert app_client.post("/api/v1/tickets", json=NOISE).status_code == 401
    assert app_client.get("/api/v1/catalogue").status_code == 401
    assert app_client.post("/api/v1/tickets", json=NOISE, headers=SERVICE).status_code == 201
    assert app_client.get("/api/v1/catalogue", headers=SERVICE).status_code == 200
    assert app_client.get("/api/v1/catalogue", headers=ADMIN).status_code == 200
    refused = app_client.get("/api/v1/catalogue", headers=bearer("nope"))
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"


@pytest.fixture
def tokenless_settings(app_settings: Settings) -> Settings:
    """A platform where SERVICE_API_TOKEN was never set."""
    return app_settings.model_copy(update={"service_api_token": None})


@pytest.mark.parametrize("configured", [None, ""], ids=["unset", "empty"])
def test_without_a_service_token_the_citizen_side_is_closed(
    tokenless_settings: Settings, configured: str | None
) -> None:
    settings = tokenless_settings.model_copy(update={"service_api_token": configured})
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/v1/tickets", json=NOISE).status_code == 401
        assert client.get("/api/v1/catalogue").status_code == 401
        assert client.get("/api/v1/catalogue", headers=bearer("")).status_code == 401
        assert client.get("/api/v1/catalogue", headers=SERVICE).status_code == 401
        assert client.get("/api/v1/citizens/telegram/1001/tickets").status_code == 401
        # staff tokens still work on the citizen side
        no = client.post("/api/v1/tickets", json=NOISE, headers=ADMIN).json()["ticket_no"]
        assert client.get(f"/api/v1/tickets/{no}", headers=ADMIN).status_code == 200
        assert client.get(f"/api/v1/tickets/{no}", headers=OWNER).status_code == 401


def test_half_a_chat_name_is_a_clear_400(app_client: TestClient) -> None:
    no = create(app_client)["ticket_no"]
    half = {**SERVICE, "X-Suban-Channel": "telegram"}
    response = app_client.get(f"/api/v1/tickets/{no}", headers=half)
    assert response.status_code == 400
    assert "X-Suban-Chat" in response.json()["detail"]
    fax = {**SERVICE, "X-Suban-Channel": "fax", "X-Suban-Chat": "1001"}
    assert app_client.get(f"/api/v1/tickets/{no}", headers=fax).status_code == 422


def test_a_failing_transition_writes_neither_event_nor_outbox(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(app_settings), raise_server_exceptions=False) as client:
        no = create(client)["ticket_no"]

        def broken_outbox(**_: object) -> None:
            raise RuntimeError("outbox write failed")

        monkeypatch.setattr("backend.tickets.transitions.write_ticket_notice", broken_outbox)
        response = client.post(
            f"/api/v1/tickets/{no}/transitions", json={"action": "accept"}, headers=ADMIN
        )
        assert response.status_code == 500
        monkeypatch.undo()
        assert client.get(f"/api/v1/tickets/{no}", headers=ADMIN).json()["state"] == "dispatched"
    engine = create_db_engine(app_settings.database_url)
    with create_session_factory(engine)() as session:
        actions = list(session.scalars(select(TicketEvent.action)))
        outbox = session.scalar(select(func.count()).select_from(OutboxEvent))
    engine.dispose()
    assert actions == ["create", "dispatch"]
    assert outbox == 1  # only the dispatch notice of the creation
