"""Logging in and out of the console: passwords, the session cookie, CSRF, the rate limit."""

import re

from fastapi.testclient import TestClient

from tests.console.conftest import PASSWORD, csrf_of, log_in


def test_pages_need_a_login(console_client: TestClient) -> None:
    for path in ("/console", "/console/queue", "/console/admin", "/console/tickets/SZ1"):
        answer = console_client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/login"


def test_login_ok_lands_on_the_role_page(console_client: TestClient) -> None:
    token = csrf_of(console_client.get("/console/login").text)
    answer = console_client.post(
        "/console/login",
        data={"username": "dep", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith("suban_console=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/console" in cookie
    assert "secure" not in cookie  # http here; CONSOLE_COOKIE_SECURE or an https base URL sets it
    home = console_client.get("/console", follow_redirects=False)
    assert home.headers["location"] == "/console/queue"
    operator = TestClient(console_client.app, base_url="http://testserver")
    log_in(operator, "op")
    assert operator.get("/console", follow_redirects=False).headers["location"] == "/console/inbox"


def test_wrong_password_and_unknown_user_get_the_same_answer(
    console_client: TestClient,
) -> None:
    token = csrf_of(console_client.get("/console/login").text)
    wrong = console_client.post(
        "/console/login", data={"username": "op", "password": "nope-nope-nope", "csrf_token": token}
    )
    unknown = console_client.post(
        "/console/login", data={"username": "ghost", "password": PASSWORD, "csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert "用户名或密码不正确" in wrong.text and "用户名或密码不正确" in unknown.text
    assert console_client.get("/console/queue", follow_redirects=False).status_code == 303


def test_login_without_csrf_token_is_refused(console_client: TestClient) -> None:
    console_client.get("/console/login")
    answer = console_client.post(
        "/console/login", data={"username": "op", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert console_client.get("/console/queue", follow_redirects=False).status_code == 303


def test_a_form_post_without_the_token_is_refused(console_client: TestClient) -> None:
    log_in(console_client, "boss")
    answer = console_client.post(
        "/console/admin/open311-keys", data={"label": "x"}, follow_redirects=False
    )
    assert answer.status_code == 403
    for wrong in ("forged", "伪造"):
        forged = console_client.post(
            "/console/admin/open311-keys", data={"label": "x", "csrf_token": wrong}
        )
        assert forged.status_code == 403
    header = console_client.post(
        "/console/admin/open311-keys", data={"label": "x"}, headers={"X-CSRF-Token": "forged"}
    )
    assert header.status_code == 403


def test_logout_ends_the_session(console_client: TestClient) -> None:
    token = log_in(console_client, "op")
    answer = console_client.post(
        "/console/logout", data={"csrf_token": token}, follow_redirects=False
    )
    assert answer.headers["location"] == "/console/login"
    assert console_client.get("/console/queue", follow_redirects=False).status_code == 303


def test_login_is_rate_limited(console_client: TestClient) -> None:
    token = csrf_of(console_client.get("/console/login").text)
    codes = [
        console_client.post(
            "/console/login",
            data={"username": "op", "password": "wrong-password!", "csrf_token": token},
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_a_deactivated_user_or_a_new_password_ends_their_sessions(
    console_client: TestClient,
) -> None:
    boss_token = log_in(console_client, "boss")
    page = console_client.get("/console/admin").text
    op_id = re.search(r'data-username="op".*?/console/admin/users/(\d+)/active', page, re.S)
    assert op_id is not None
    operator = TestClient(console_client.app, base_url="http://testserver")
    log_in(operator, "op")
    assert operator.get("/console/queue").status_code == 200
    console_client.post(
        f"/console/admin/users/{op_id.group(1)}/password",
        data={"password": "another password", "csrf_token": boss_token},
    )
    assert operator.get("/console/queue", follow_redirects=False).status_code == 303
    log_in(operator, "op", "another password")
    console_client.post(
        f"/console/admin/users/{op_id.group(1)}/active",
        data={"active": "false", "csrf_token": boss_token},
    )
    assert operator.get("/console/queue", follow_redirects=False).status_code == 303
    token = csrf_of(operator.get("/console/login").text)
    again = operator.post(
        "/console/login",
        data={"username": "op", "password": "another password", "csrf_token": token},
    )
    assert again.status_code == 400


def test_an_htmx_request_without_a_session_is_sent_to_the_login_page(
    console_client: TestClient,
) -> None:
    answer = console_client.get("/console/inbox/rows", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"] == "/console/login"
