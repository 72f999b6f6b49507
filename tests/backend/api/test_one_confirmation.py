"""Issue 10: a ticket filed from a chat is confirmed once. The bot's filing answer names the
number, department and time limit (`caller_announces`), so the dispatch at creation is not
pushed again; a ticket filed without it (a report the bot kept and filed later, Open311, staff)
still gets the dispatch notice, and a later dispatch is always pushed."""

from fastapi.testclient import TestClient

from tests.backend.api.test_outbox import TICKET
from tests.conftest import ADMIN_HEADERS, SERVICE_HEADERS


def pending_kinds(client: TestClient, ticket_no: str) -> list[str]:
    body = client.get("/api/v1/outbox", params={"status": "pending"}, headers=ADMIN_HEADERS).json()
    return [event["kind"] for event in body["events"] if event["ticket_no"] == ticket_no]


def file(client: TestClient, key: str, **extra: object) -> dict:
    headers = {**SERVICE_HEADERS, "Idempotency-Key": key}
    created = client.post("/api/v1/tickets", json={**TICKET, **extra}, headers=headers)
    assert created.status_code == 201, created.json()
    return created.json()


def test_a_ticket_the_bot_announces_itself_is_not_pushed_again(app_client: TestClient) -> None:
    ticket = file(app_client, "one-1", caller_announces=True)
    assert ticket["state"] == "dispatched" and ticket["department"]
    assert pending_kinds(app_client, ticket["ticket_no"]) == []


def test_a_ticket_filed_without_an_answer_to_the_citizen_is_pushed(
    app_client: TestClient,
) -> None:
    ticket = file(app_client, "one-2")
    assert pending_kinds(app_client, ticket["ticket_no"]) == ["dispatched"]
