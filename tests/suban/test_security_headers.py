"""Every answer of the assembled app carries the security headers; HTML pages a CSP."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN_HEADERS


@pytest.mark.parametrize(
    "path", ["/api/v1/catalogue", "/openapi.json", "/no/such/path", "/open311/v2/x.json"]
)
def test_json_answers_and_errors_are_not_sniffed_or_framed(
    app_client: TestClient, path: str
) -> None:
    response = app_client.get(path, headers=ADMIN_HEADERS)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Content-Security-Policy" not in response.headers  # JSON is not a page


def test_a_refused_url_has_the_headers_too(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/tickets/SZ%00")
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_get_their_own_policy_and_are_never_framed(app_client: TestClient) -> None:
    policy = app_client.get("/docs").headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "https://cdn.jsdelivr.net" in policy
