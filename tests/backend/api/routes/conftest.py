"""Helpers for API tests."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ADMIN_HEADERS, SERVICE_HEADERS, chat_headers

NOISE: dict[str, Any] = {
    "service_code": "noise",
    "request_type": "complaint",
    "description": "粤海街道科技园这边工地每天晚上十一点还在打桩",
    "district": "南山区",
    "street": "粤海街道",
    "address": "科技园",
    "contact_preference": "chat",
    "channel": "telegram",
    "chat_id": "1001",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ADMIN = ADMIN_HEADERS
SERVICE = SERVICE_HEADERS
OWNER = chat_headers("telegram", "1001")
"""The bot speaking for the chat that files NOISE."""


def create(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v1/tickets", json={**NOISE, **changes}, headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json()


def move(client: TestClient, ticket_no: str, action: str, **body: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/tickets/{ticket_no}/transitions", json={"action": action, **body}, headers=ADMIN
    )
    assert response.status_code == 200, response.text
    return response.json()


def staff_token(client: TestClient, username: str, role: str, department_id: int | None) -> str:
    response = client.post(
        "/api/v1/admin/tokens",
        json={"username": username, "role": role, "department_id": department_id},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]
