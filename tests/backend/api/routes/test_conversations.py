"""`/api/v1/conversations`: the bot flags a chat, operators see it with its messages."""

from fastapi.testclient import TestClient

from backend.settings import Settings
from suban.app import create_app


def test_flagged_chats_reach_the_operators_list(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"admin_api_token": "admin-secret-token"})
    with TestClient(create_app(settings)) as client:
        flagged = client.post(
            "/api/v1/conversations/web/abc12345/needs-human", json={"reason": "连续两次未能理解"}
        )
        assert flagged.status_code == 200, flagged.text
        assert flagged.json()["needs_human"] is True

        assert client.get("/api/v1/conversations").status_code == 401
        waiting = client.get(
            "/api/v1/conversations", headers={"Authorization": "Bearer admin-secret-token"}
        )
    assert waiting.status_code == 200
    [conversation] = waiting.json()
    assert (conversation["channel"], conversation["chat_id"]) == ("web", "abc12345")
    assert conversation["messages"][-1]["text"] == "[转人工] 连续两次未能理解"


def test_an_empty_reason_is_refused(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings)) as client:
        response = client.post("/api/v1/conversations/web/abc12345/needs-human", json={})
    assert response.status_code == 422
