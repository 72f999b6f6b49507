"""The admin page (users, tokens, keys, department chats) and `python -m suban admin create`."""

import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.auth.passwords import verify_password
from backend.settings import Settings, get_settings
from storage.db import create_db_engine, create_session_factory
from storage.models import Department, StaffRole, StaffUser
from suban.__main__ import main
from suban.admin_command import create_admin, read_password
from tests.console.conftest import PASSWORD, log_in


def test_admin_creates_a_user_who_can_log_in(console_client: TestClient) -> None:
    token = log_in(console_client, "boss")
    page = console_client.post(
        "/console/admin/users",
        data={
            "username": "li",
            "password": "a long password",
            "role": "operator",
            "csrf_token": token,
        },
    )
    assert "已创建用户 li" in page.text
    duplicate = console_client.post(
        "/console/admin/users",
        data={"username": "li", "password": "a long password", "role": "operator"}
        | {"csrf_token": token},
    )
    assert "taken" in duplicate.text
    short = console_client.post(
        "/console/admin/users",
        data={"username": "wu", "password": "short", "role": "admin", "csrf_token": token},
    )
    assert "at least 10" in short.text
    other = TestClient(console_client.app, base_url="http://testserver")
    log_in(other, "li", "a long password")


def test_a_token_is_shown_once_and_works_until_revoked(console_client: TestClient) -> None:
    token = log_in(console_client, "boss")
    page = console_client.post(
        "/console/admin/tokens",
        data={"username": "api-op", "role": "operator", "label": "script", "csrf_token": token},
    )
    assert page.headers["cache-control"] == "no-store"
    secret = re.search(r'id="issued-secret"[^>]*value="([^"]+)"', page.text)
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert console_client.get("/api/v1/tickets", headers=bearer).status_code == 200
    assert secret.group(1) not in console_client.get("/console/admin").text
    token_id = re.search(r"/console/admin/tokens/(\d+)/revoke", page.text)
    assert token_id is not None
    console_client.post(
        f"/console/admin/tokens/{token_id.group(1)}/revoke", data={"csrf_token": token}
    )
    assert console_client.get("/api/v1/tickets", headers=bearer).status_code == 401


def test_open311_keys_are_issued_and_revoked(console_client: TestClient) -> None:
    token = log_in(console_client, "boss")
    page = console_client.post(  # as htmx sends it: the token in the header
        "/console/admin/open311-keys", data={"label": "partner"}, headers={"X-CSRF-Token": token}
    )
    assert re.search(r'id="issued-secret"[^>]*value="[^"]{20,}"', page.text)
    key_id = re.search(r"/console/admin/open311-keys/(\d+)/revoke", page.text)
    assert key_id is not None
    after = console_client.post(
        f"/console/admin/open311-keys/{key_id.group(1)}/revoke", data={"csrf_token": token}
    )
    assert "已吊销" in after.text


def test_a_department_names_its_alert_chat(console_client: TestClient) -> None:
    token = log_in(console_client, "boss")
    factory = console_client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        department_id = session.scalar(select(Department.id).limit(1))
    url = f"/console/admin/departments/{department_id}/telegram"
    console_client.post(url, data={"chat_id": "not a chat", "csrf_token": token})
    console_client.post(url, data={"chat_id": "-100123456", "csrf_token": token})
    with factory() as session:
        assert session.get(Department, department_id).telegram_chat_id == "-100123456"


def test_operators_do_not_open_the_admin_page(console_client: TestClient) -> None:
    token = log_in(console_client, "op")
    assert console_client.get("/console/admin").status_code == 403
    refused = console_client.post(
        "/console/admin/users",
        data={"username": "x", "password": PASSWORD, "role": "admin", "csrf_token": token},
    )
    assert refused.status_code == 403


def test_admin_create_command(app_settings: Settings, capsys) -> None:
    password = read_password(from_stdin=True, stdin=io.StringIO("first admin pass\n"))
    assert create_admin(settings=app_settings, username="root", password=password) == 0
    assert create_admin(settings=app_settings, username="root", password=password) == 1
    assert "taken" in capsys.readouterr().err
    engine = create_db_engine(app_settings.database_url)
    with create_session_factory(engine)() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "root"))
        assert user is not None and user.role == StaffRole.admin and user.active
        assert verify_password(password="first admin pass", password_hash=user.password_hash)
    engine.dispose()


def test_admin_create_command_line(app_settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", app_settings.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    get_settings.cache_clear()  # the command reads the settings from the environment
    with pytest.raises(SystemExit) as stop:
        main(["admin", "create", "chief", "--password-stdin"])
    get_settings.cache_clear()
    assert stop.value.code == 0
    engine = create_db_engine(app_settings.database_url)
    with create_session_factory(engine)() as session:
        assert session.scalar(select(StaffUser.role).where(StaffUser.username == "chief")) == (
            "admin"
        )
    engine.dispose()
