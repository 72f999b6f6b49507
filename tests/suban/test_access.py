"""Every route of the assembled app refuses a caller without a token, unless it is public.

The routes are walked from `app.routes`, so a new route is checked the day it is added: it
must either refuse an anonymous caller or be listed in PUBLIC with the reason it may not.
"""

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response

from backend.settings import Settings
from suban.app import create_app
from tests.backend.api.routes.conftest import create
from tests.conftest import SERVICE_HEADERS, chat_headers

PUBLIC: dict[str, str] = {
    "GET /openapi.json": "API description",
    "GET /docs": "API description",
    "GET /docs/oauth2-redirect": "API description",
    "GET /redoc": "API description",
    "GET /healthz": "health for load balancers; names parts, no data",
    "GET /open311/discovery.{format}": "Open311 GeoReport v2 is public for reading",
    "GET /open311/v2/services.{format}": "Open311: the service list",
    "GET /open311/v2/services/{service_code}.{format}": "Open311: a service definition",
    "GET /open311/v2/requests.{format}": "Open311: requests, personal data masked",
    "GET /open311/v2/requests/{service_request_id}.{format}": "Open311: one request, masked",
    "GET /open311/v2/tokens/{token}.{format}": "Open311: the number created under a token",
    "GET /chat": "the web chat page",
    "POST /chat/api/messages": "the web chat: a browser session talks to the bot",
    "POST /chat/api/photos": "the web chat: a browser session sends a photo",
    "GET /chat/api/updates": "the web chat: a browser session polls its own notices",
    "GET /chat/uploads/{name}": "the web chat: photos by unguessable name",
    "POST /telegram/webhook": "Telegram's own secret header (404 when webhook mode is off)",
    "GET /console/login": "the console's login form (no data; its CSRF token only)",
}
"""Routes that answer without a bearer token, and why that is right."""

OWN_REFUSAL: dict[str, int] = {"POST /open311/v2/requests.{format}": 403}
"""Routes that refuse in their own protocol's way (Open311: 403 without an api_key)."""

CITIZEN_SIDE: frozenset[str] = frozenset(
    {
        "POST /api/v1/tickets",
        "GET /api/v1/tickets/{ticket_no}",
        "POST /api/v1/tickets/{ticket_no}/transitions",
        "POST /api/v1/tickets/{ticket_no}/rating",
        "POST /api/v1/tickets/similar",
        "POST /api/v1/tickets/{ticket_no}/follow",
        "GET /api/v1/citizens/{channel}/{chat_id}/tickets",
        "POST /api/v1/conversations/{channel}/{chat_id}/needs-human",
        "GET /api/v1/catalogue",
        "GET /api/v1/catalogue/urgent",
        "POST /api/v1/locate",
        "POST /api/v1/understand",
    }
)
"""Routes the bot may call with SERVICE_API_TOKEN; every other guarded route is staff-only."""

CONSOLE_SESSION_ONLY: frozenset[str] = frozenset(
    {"POST /console/login", "POST /console/logout", "POST /console/language"}
)
"""Console posts that need no login, only the CSRF token of the browser's session (403)."""

PARAMETER = re.compile(r"\{(\w+)\}")
SAMPLES = {
    "format": "json",
    "channel": "telegram",
    "chat_id": "1001",
    "service_code": "noise",
    "cluster_id": "1",
}


def _routes() -> list[str]:
    app = create_app(Settings(scheduler_enabled=False, _env_file=None))
    found = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method != "HEAD":
                found.add(f"{method} {route.path}")
    return sorted(found)


ROUTES = _routes()


def _call(client: TestClient, route: str, ticket_no: str, headers: dict[str, str]) -> int:
    return _answer(client, route, ticket_no, headers).status_code


def _answer(client: TestClient, route: str, ticket_no: str, headers: dict[str, str]) -> Response:
    method, template = route.split(" ", 1)
    values = {**SAMPLES, "ticket_no": ticket_no, "service_request_id": ticket_no}
    path = PARAMETER.sub(lambda m: values.get(m.group(1), "x1"), template)
    if template.startswith("/open311/") and method == "POST":  # the spec's form encoding
        return client.post(
            path, data={"service_code": "noise", "lat": "22.54", "long": "113.95"}, headers=headers
        )
    if template.startswith("/console"):  # the console's forms
        data = {"username": "x", "password": "x"} if method == "POST" else None
        return client.request(method, path, data=data, headers=headers, follow_redirects=False)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return client.request(method, path, json=body, headers=headers)


def test_the_lists_name_only_real_routes() -> None:
    assert len(ROUTES) > 30
    for listed in (*PUBLIC, *OWN_REFUSAL, *CITIZEN_SIDE, *CONSOLE_SESSION_ONLY):
        assert listed in ROUTES


def _is_console(route: str) -> bool:
    return route.split(" ", 1)[1].startswith("/console")


@pytest.mark.parametrize("route", [r for r in ROUTES if _is_console(r) and r not in PUBLIC])
def test_a_console_page_sends_a_caller_without_a_login_to_the_login_page(
    app_client: TestClient, route: str
) -> None:
    ticket_no = create(app_client)["ticket_no"]
    for headers in ({}, {"Authorization": "Bearer test-admin-token"}, SERVICE_HEADERS):
        answer = _answer(app_client, route, ticket_no, headers)
        if route in CONSOLE_SESSION_ONLY:
            assert answer.status_code == 403  # no CSRF token of a session: refused
        else:
            assert answer.status_code == 303, answer.text
            assert answer.headers["location"] == "/console/login"
        assert ticket_no not in answer.text


@pytest.mark.parametrize("route", [r for r in ROUTES if r not in PUBLIC and not _is_console(r)])
def test_a_guarded_route_refuses_a_caller_without_a_valid_token(
    app_client: TestClient, route: str
) -> None:
    ticket_no = create(app_client)["ticket_no"]  # a real number: the refusal is not a 404
    expected = OWN_REFUSAL.get(route, 401)
    assert _call(app_client, route, ticket_no, {}) == expected
    wrong = {"Authorization": "Bearer not-the-token"}
    assert _call(app_client, route, ticket_no, wrong) == expected
    if route not in CITIZEN_SIDE and route not in OWN_REFUSAL:
        assert _call(app_client, route, ticket_no, SERVICE_HEADERS) in (401, 403)
        assert _call(app_client, route, ticket_no, chat_headers()) in (401, 403)
