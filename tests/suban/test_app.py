"""The assembled platform app starts, migrates its database and reports what is down."""

from pathlib import Path

from fastapi.testclient import TestClient

from backend.settings import Settings
from suban.app import create_app


def test_healthz_names_the_parts_that_are_down(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'suban.db'}",
        rasa_url="http://127.0.0.1:9",  # discard port: nothing listens
        action_server_url="http://127.0.0.1:9",
        scheduler_enabled=False,
        telegram_bot_token=None,
        _env_file=None,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["action_server", "rasa"]
    assert body["parts"]["database"]["ok"] is True
    assert body["parts"]["platform"]["ok"] is True


def test_chat_page_is_served(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'suban.db'}", scheduler_enabled=False, _env_file=None
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/chat")
    assert response.status_code == 200
    assert "速办" in response.text
    assert "/chat/api/messages" in response.text
