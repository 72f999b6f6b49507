"""The web chat's identity cookie, photo upload and polling for proactive messages, through
the real app."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.rasa.replies import BotReply, Button
from backend.settings import Settings
from bot.delivery.store import store_replies
from bot.webchat.identity import COOKIE, chat_id_from_cookie
from bot.webchat.uploads import MAX_PHOTO_BYTES
from storage.models import Message
from suban.app import create_app
from tests.bot.rasa_double import RasaDouble

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def client(app_settings: Settings, tmp_path: Path, rasa: RasaDouble) -> Iterator[TestClient]:
    settings = app_settings.model_copy(
        update={"uploads_dir": tmp_path / "uploads", "public_base_url": "http://chat.test"}
    )
    with TestClient(create_app(settings)) as client:
        client.app.state.rasa = rasa.client()  # type: ignore[attr-defined]
        yield client


def chat_id_of(client: TestClient) -> str:
    """The chat id the server issued to this client (its cookie, read with the server's key)."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    chat_id = chat_id_from_cookie(cookie=client.cookies.get(COOKIE), settings=settings)
    assert chat_id is not None
    return chat_id


def test_a_photo_is_stored_served_and_sent_to_rasa_as_a_url(
    client: TestClient, rasa: RasaDouble
) -> None:
    rasa.reply_to = lambda text: [{"text": "照片已收到，将作为工单附件。"}]
    response = client.post("/chat/api/photos", files={"photo": ("scene.png", PNG, "image/png")})
    assert response.status_code == 200, response.text
    body = response.json()
    url = body["photo_url"]
    assert url.startswith("http://chat.test/chat/uploads/") and url.endswith(".png")
    assert body["replies"][0]["text"] == "照片已收到，将作为工单附件。"
    [message] = rasa.messages
    assert message["sender"] == f"web:{chat_id_of(client)}"
    assert message["message"] == f'/send_photo{{"photo_url":"{url}"}}'

    served = client.get(url.removeprefix("http://chat.test"))
    assert served.status_code == 200
    assert served.content == PNG


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"%PDF-1.7 not an image", "格式"), (b"", "空"), (PNG + b"0" * MAX_PHOTO_BYTES, "MB")],
)
def test_what_is_not_a_reasonable_photo_is_refused(
    client: TestClient, rasa: RasaDouble, content: bytes, why: str
) -> None:
    response = client.post("/chat/api/photos", files={"photo": ("x.png", content, "image/png")})
    assert response.status_code == 422
    assert why in response.json()["detail"]
    assert rasa.messages == []


def test_only_uploaded_names_are_served(client: TestClient) -> None:
    assert client.get("/chat/uploads/..%2Fsuban.db").status_code == 404
    assert client.get("/chat/uploads/" + "0" * 32 + ".png").status_code == 404


def test_the_page_polls_proactive_messages_after_its_cursor(client: TestClient) -> None:
    assert client.get("/chat/api/updates").json() == {"messages": [], "last_id": 0}
    with client.app.state.session_factory.begin() as session:  # type: ignore[attr-defined]
        store_replies(
            session=session,
            channel="web",
            chat_id=chat_id_of(client),
            dedupe_key="ticket:SZ20261129-000001:7:1",
            replies=[
                BotReply(text="已办结：路灯已修复。"),
                BotReply(text="请评价：", buttons=(Button(title="满意", payload="/rate"),)),
            ],
        )
    first = client.get("/chat/api/updates").json()
    assert [m["text"] for m in first["messages"]] == ["已办结：路灯已修复。", "请评价："]
    assert first["messages"][1]["buttons"] == [{"title": "满意", "payload": "/rate"}]
    after = client.get("/chat/api/updates", params={"after": first["last_id"]}).json()
    assert after == {"messages": [], "last_id": first["last_id"]}


def test_a_stranger_cannot_read_a_chat_by_naming_or_forging_its_id(client: TestClient) -> None:
    client.get("/chat/api/updates")
    victim, victim_cookie = chat_id_of(client), client.cookies[COOKIE]
    with client.app.state.session_factory.begin() as session:  # type: ignore[attr-defined]
        store_replies(
            session=session, channel="web", chat_id=victim, dedupe_key="t:1",
            replies=[BotReply(text="已受理：SZ20261129-000001")],
        )  # fmt: skip
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    attempts = [
        None,  # no cookie at all
        victim,  # the bare id, unsigned
        victim_cookie[:-2] + ("xx" if not victim_cookie.endswith("xx") else "yy"),  # tampered
    ]
    for cookie in attempts:
        client.cookies.clear()
        headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
        stranger = client.get("/chat/api/updates", params={"session_id": victim}, headers=headers)
        assert stranger.status_code == 200
        assert stranger.json()["messages"] == []
        issued = chat_id_from_cookie(cookie=stranger.cookies[COOKIE], settings=settings)
        assert issued not in (None, victim)  # a fresh id instead


def test_the_chat_cookie_is_http_only_strict_and_secure_over_https(
    app_settings: Settings, tmp_path: Path
) -> None:
    settings = app_settings.model_copy(
        update={"uploads_dir": tmp_path, "public_base_url": "https://suban.example.org"}
    )
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        assert "set-cookie" not in client.get("/chat").headers  # see bot/webchat/identity.py
        cookie = client.get("/chat/api/updates").headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("httponly", "samesite=strict", "secure", "path=/chat", "max-age="):
        assert attribute in cookie


def test_the_page_has_photo_upload_and_polling(client: TestClient) -> None:
    page = client.get("/chat").text
    assert "/chat/api/photos" in page
    assert "/chat/api/updates" in page


def test_a_message_is_recorded_with_what_the_nlu_understood(
    client: TestClient, rasa: RasaDouble
) -> None:
    rasa.nlu_of = lambda text: {"intent": {"name": "noise", "confidence": 0.96}, "entities": []}
    response = client.post("/chat/api/messages", json={"text": "工地打桩"})
    assert response.status_code == 200
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        messages = session.scalars(select(Message).order_by(Message.id)).all()
        rows = [(m.direction, m.text, m.nlu) for m in messages]
    assert rows == [
        ("inbound", "工地打桩", {"intent": "noise", "confidence": 0.96, "entities": []}),
        ("outbound", "收到：工地打桩", None),
    ]
