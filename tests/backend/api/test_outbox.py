"""Delivery state of the outbox over HTTP (admin only)."""

from fastapi.testclient import TestClient

from tests.conftest import ADMIN_HEADERS, SERVICE_HEADERS

TICKET = {
    "service_code": "noise",
    "description": "楼下酒吧每晚唱歌到凌晨",
    "district": "南山区",
    "street": "粤海街道",
    "channel": "telegram",
    "chat_id": "777",
}


def test_admins_see_delivery_state_by_status(app_client: TestClient) -> None:
    created = app_client.post(
        "/api/v1/tickets", json=TICKET, headers={**SERVICE_HEADERS, "Idempotency-Key": "o-1"}
    )
    assert created.status_code == 201, created.json()
    ticket_no = created.json()["ticket_no"]

    response = app_client.get("/api/v1/outbox", params={"status": "pending"}, headers=ADMIN_HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"pending": 1, "delivered": 0, "failed": 0, "dead": 0}
    [event] = body["events"]
    assert event["ticket_no"] == ticket_no
    assert (event["kind"], event["channel"], event["chat_id"]) == ("dispatched", "telegram", "777")
    assert event["status"] == "pending"
    assert event["attempts"] == 0
    assert event["dedupe_key"].startswith(f"ticket:{ticket_no}:")

    delivered = app_client.get(
        "/api/v1/outbox", params={"status": "delivered"}, headers=ADMIN_HEADERS
    )
    assert delivered.json()["events"] == []


def test_a_bad_status_is_a_clear_400(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/outbox", params={"status": "lost"}, headers=ADMIN_HEADERS)
    assert response.status_code == 400
    assert "pending, delivered, failed, dead" in response.json()["detail"]


def test_only_admins_see_the_outbox(app_client: TestClient) -> None:
    assert app_client.get("/api/v1/outbox").status_code == 401
    operator = app_client.post(
        "/api/v1/admin/tokens",
        json={"username": "wang", "role": "operator"},
        headers=ADMIN_HEADERS,
    ).json()["token"]
    response = app_client.get("/api/v1/outbox", headers={"Authorization": f"Bearer {operator}"})
    assert response.status_code == 403
