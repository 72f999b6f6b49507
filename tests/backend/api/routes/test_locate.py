"""`POST /api/v1/locate` wired to the gazetteer."""

from fastapi.testclient import TestClient

from tests.conftest import SERVICE_HEADERS


def test_text(app_client: TestClient) -> None:
    response = app_client.post(
        "/api/v1/locate", json={"text": "粤海街道科技园这边工地"}, headers=SERVICE_HEADERS
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["district"], body["street"], body["address"]) == ("南山区", "粤海街道", "科技园")
    assert body["spans"]


def test_point(app_client: TestClient) -> None:
    body = app_client.post(
        "/api/v1/locate", json={"lat": 22.540, "lon": 113.953}, headers=SERVICE_HEADERS
    ).json()
    assert (body["district"], body["street"]) == ("南山区", "粤海街道")
    assert body["confidence"] == "high"


def test_neither_or_both_is_refused(app_client: TestClient) -> None:
    assert app_client.post("/api/v1/locate", json={}, headers=SERVICE_HEADERS).status_code == 422
    both = {"text": "南山", "lat": 22.5, "lon": 113.9}
    assert app_client.post("/api/v1/locate", json=both, headers=SERVICE_HEADERS).status_code == 422
    assert (
        app_client.post("/api/v1/locate", json={"lat": 22.5}, headers=SERVICE_HEADERS).status_code
        == 422
    )
