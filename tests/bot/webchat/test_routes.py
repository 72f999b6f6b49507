"""The web chat's identity cookie, photo upload and polling for proactive messages, through
the real app."""

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from PIL import Image
from sqlalchemy import select
from time_machine import TimeMachineFixture

from backend.rasa.replies import BotReply, Button
from backend.settings import Settings
from bot.delivery.store import store_replies
from bot.gate import polled_release
from bot.texts import bot_text
from bot.webchat.identity import COOKIE, chat_id_from_cookie
from bot.webchat.uploads import MAX_PHOTO_BYTES
from storage.models import Message
from suban.app import create_app
from tests.bot.rasa_double import RasaDouble

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(image_format: str, **options: object) -> bytes:
    """A small real image, as a camera or a browser would upload it."""
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 16, 46)).save(out, format=image_format, **options)
    return out.getvalue()


PNG = image_bytes("PNG")


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
    assert Image.open(io.BytesIO(served.content)).size == (16, 12)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"%PDF-1.7 not an image", "格式"),
        (b"", "空"),
        (PNG + b"0" * MAX_PHOTO_BYTES, "MB"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "格式"),  # a PNG signature, no image
        (b"GIF89a" + HTML, "格式"),  # a GIF header in front of a page
        (image_bytes("JPEG")[:200], "格式"),  # cut short
        (image_bytes("BMP"), "格式"),  # an image, not a format we take
    ],
)
def test_what_is_not_a_reasonable_photo_is_refused(
    client: TestClient, rasa: RasaDouble, content: bytes, why: str
) -> None:
    response = client.post("/chat/api/photos", files={"photo": ("x.png", content, "image/png")})
    assert response.status_code == 400
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


LIMITED = {
    "chat_rate_limit": "1/second",
    "photo_rate_limit": "1/second",
    "address_rate_limit": "100/second",
    "photo_quota_count": 20,
}


def limited_client(
    app_settings: Settings, tmp_path: Path, rasa: RasaDouble, **changes: object
) -> TestClient:
    settings = app_settings.model_copy(
        update={"uploads_dir": tmp_path / "uploads", **LIMITED, **changes}
    )
    client = TestClient(create_app(settings))
    client.__enter__()
    client.app.state.rasa = rasa.client()  # type: ignore[attr-defined]
    return client


@pytest.fixture
def limited(app_settings: Settings, tmp_path: Path, rasa: RasaDouble) -> Iterator[TestClient]:
    client = limited_client(app_settings, tmp_path, rasa)
    yield client
    client.__exit__(None, None, None)


def say(client: TestClient, text: str) -> Response:
    return client.post("/chat/api/messages", json={"text": text})


def send_photo(client: TestClient) -> Response:
    return client.post("/chat/api/photos", files={"photo": ("scene.png", PNG, "image/png")})


def new_citizen(client: TestClient) -> TestClient:
    """The same browser, cookie cleared: the server issues another chat on the next call."""
    client.cookies.clear()
    return client


def test_over_the_limit_the_last_message_is_held_and_answered_through_polling(
    limited: TestClient, rasa: RasaDouble, frozen_clock: TimeMachineFixture
) -> None:
    assert say(limited, "一").json()["replies"][0]["text"] == "收到：一"
    held = say(limited, "二")
    newest = say(limited, "三")
    assert (held.status_code, newest.status_code) == (200, 200)
    assert "已经记下" in held.json()["replies"][0]["text"]
    assert "最新的这条消息" in newest.json()["replies"][0]["text"]
    assert rasa.texts == ["一"]

    frozen_clock.shift(1.1)
    app = limited.app
    release = polled_release(rasa=app.state.rasa, session_factory=app.state.session_factory)
    released = limited.portal.call(  # type: ignore[union-attr]
        lambda: app.state.gate.release_due(releasers={"web": release})
    )
    assert released == 1
    assert rasa.texts == ["一", "三"]
    updates = limited.get("/chat/api/updates").json()
    assert [m["text"] for m in updates["messages"]] == ["收到：三"]


def test_photos_too_fast_are_refused_with_retry_after_and_not_stored(
    limited: TestClient, tmp_path: Path, frozen_clock: TimeMachineFixture
) -> None:
    assert send_photo(limited).status_code == 200
    refused = send_photo(limited)
    assert refused.status_code == 429
    assert "照片发送得太频繁" in refused.json()["detail"]
    assert refused.headers["Retry-After"] == "1"
    assert len(list((tmp_path / "uploads").iterdir())) == 1


def test_the_photo_quota_of_a_chat_counts_photos_and_bytes(
    app_settings: Settings, tmp_path: Path, rasa: RasaDouble
) -> None:
    client = limited_client(
        app_settings, tmp_path, rasa, photo_rate_limit="100/second", photo_quota_count=2
    )
    try:
        assert [send_photo(client).status_code for _ in range(2)] == [200, 200]
        over = send_photo(client)
        assert over.status_code == 429
        assert "已上传 2 张照片" in over.json()["detail"]
        assert send_photo(new_citizen(client)).status_code == 200
    finally:
        client.__exit__(None, None, None)
    client = limited_client(
        app_settings, tmp_path / "b", rasa, photo_rate_limit="100/second", photo_quota_bytes=100
    )
    try:
        assert send_photo(client).status_code == 200  # PNG is under 100 bytes
        over = send_photo(client)
        assert over.status_code == 429
        assert "MB 上限" in over.json()["detail"]
        assert len(list((tmp_path / "b" / "uploads").iterdir())) == 1
    finally:
        client.__exit__(None, None, None)


def test_an_address_over_its_limit_gets_holds_then_a_429(
    app_settings: Settings, tmp_path: Path, rasa: RasaDouble
) -> None:
    client = limited_client(
        app_settings, tmp_path, rasa, address_rate_limit="1/minute", held_per_address_max=1
    )
    try:
        first = say(client, "你好")
        held = say(new_citizen(client), "你好")
        refused = say(new_citizen(client), "你好")
    finally:
        client.__exit__(None, None, None)
    assert first.json()["replies"][0]["text"] == "收到：你好"
    assert "已经记下" in held.json()["replies"][0]["text"]
    assert refused.status_code == 429
    assert "请求太多" in refused.json()["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("text", ["", "   ", "\u3000\n", "\x00\x01"])
def test_a_blank_message_gets_a_prompt_and_never_reaches_rasa(
    client: TestClient, rasa: RasaDouble, text: str
) -> None:
    response = client.post("/chat/api/messages", json={"text": text})
    assert response.status_code == 200, response.text
    assert [reply["text"] for reply in response.json()["replies"]] == [bot_text("blank_message")]
    assert "请描述您要反映的问题" in bot_text("blank_message")
    assert rasa.messages == []


def test_the_page_runs_its_inline_code_under_a_nonce_csp(client: TestClient) -> None:
    response = client.get("/chat")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in response.text
    assert f'<style nonce="{nonce.group(1)}">' in response.text
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert not re.search(r"<[^>]+\son[a-z]+=", response.text)  # no inline event handlers
    again = client.get("/chat").headers["Content-Security-Policy"]
    assert again != policy  # a fresh nonce per page


@pytest.mark.parametrize("image_format", ["GIF", "PNG", "JPEG", "WEBP"])
def test_a_polyglot_is_stored_without_its_payload_and_served_as_an_inert_image(
    client: TestClient, image_format: str
) -> None:
    extra = {"comment": HTML} if image_format == "GIF" else {}
    polyglot = image_bytes(image_format, **extra) + HTML
    response = client.post(
        "/chat/api/photos",
        files={"photo": ("x.html", polyglot, "text/html")},
    )
    assert response.status_code == 200, response.text
    served = client.get(response.json()["photo_url"].removeprefix("http://chat.test"))
    assert served.status_code == 200
    assert b"<script" not in served.content and b"<html" not in served.content
    expected = {"GIF": "image/gif", "PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
    assert served.headers["Content-Type"] == expected[image_format]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    name = response.json()["photo_url"].rsplit("/", 1)[1]
    assert served.headers["Content-Disposition"] == f'inline; filename="{name}"'


def test_a_photos_exif_position_is_not_kept(client: TestClient) -> None:
    exif = Image.Exif()
    exif[0x010E] = "GPS 22.54,113.95"  # ImageDescription: stands for any metadata
    response = client.post(
        "/chat/api/photos",
        files={"photo": ("x.jpg", image_bytes("JPEG", exif=exif.tobytes()), "image/jpeg")},
    )
    assert response.status_code == 200, response.text
    served = client.get(response.json()["photo_url"].removeprefix("http://chat.test"))
    assert b"GPS 22.54" not in served.content
