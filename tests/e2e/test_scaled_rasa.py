"""Two Rasa processes serve one conversation set (nlu/endpoints.scaled.yml: PostgreSQL tracker
store, Redis lock store): a conversation whose turns alternate between the processes ends in the
right ticket. Needs TEST_DATABASE_URL (PostgreSQL) and Redis at REDIS_HOST:REDIS_PORT
(scripts/ensure-redis.sh); loads the model twice, a few minutes."""

import os
import re
import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.e2e.stack import (
    RasaStack,
    free_port,
    running_rasa_stack,
    serving_platform,
    stack_settings,
)

pytestmark = [pytest.mark.e2e, pytest.mark.scaled]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REDIS = (os.environ.get("REDIS_HOST", "127.0.0.1"), int(os.environ.get("REDIS_PORT", "6379")))
ADMIN_TOKEN = "scaled-admin-token"
TICKET_NO = re.compile(r"SZ\d{8}-\d{6}")


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RasaStack, str]]:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the shared tracker store needs PostgreSQL")
    if not redis_answers():
        pytest.skip(f"no Redis at {REDIS[0]}:{REDIS[1]} (scripts/ensure-redis.sh starts one)")
    pg = make_url(POSTGRES_URL)
    env = {
        "RASA_TRACKER_HOST": pg.host or "127.0.0.1",
        "RASA_TRACKER_PORT": str(pg.port or 5432),
        "RASA_TRACKER_DB": f"suban_test_trackers_{uuid.uuid4().hex[:8]}",
        "RASA_TRACKER_USER": pg.username or "postgres",
        "RASA_TRACKER_PASSWORD": pg.password or "",
        "RASA_TRACKER_LOGIN_DB": pg.database or "postgres",
        "REDIS_HOST": REDIS[0],
        "REDIS_PORT": str(REDIS[1]),
        "REDIS_DB": "2",
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_rasa_stack(
        log_dir=tmp_path_factory.mktemp("scaled-logs"),
        backend_url=url,
        rasa_processes=2,
        endpoints="nlu/endpoints.scaled.yml",
        extra_env=env,
    ) as stack:
        settings = stack_settings(
            stack=stack,
            port=port,
            database_url=f"sqlite:///{tmp_path_factory.mktemp('scaled-db') / 'suban.db'}",
            admin_token=ADMIN_TOKEN,
            rasa_urls=",".join(stack.rasa_urls),
        )
        with serving_platform(settings):
            yield stack, url


def test_a_conversation_alternating_between_two_rasa_processes_ends_in_its_ticket(
    scaled: tuple[RasaStack, str],
) -> None:
    stack, url = scaled
    first, second = stack.rasa_urls
    chat = f"alt{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {stack.rasa_token}"}
    metadata = {"channel": "web", "chat_id": chat}

    def say(rasa_url: str, text: str) -> list[dict]:
        response = httpx.post(
            f"{rasa_url}/webhooks/suban/webhook",
            json={"sender": f"web:{chat}", "message": text, "metadata": metadata},
            headers=headers,
            timeout=120,
        )
        response.raise_for_status()
        return response.json()

    readback = say(first, "粤海街道科技园这边有个工地每天晚上十一点还在打桩")
    [confirm] = [b for r in readback for b in r.get("buttons") or [] if b["title"] == "确认提交"]
    filed = say(second, confirm["payload"])  # the other process knows the half-filled form
    [number] = {m.group(0) for r in filed for m in TICKET_NO.finditer(r.get("text") or "")}
    ticket = httpx.get(
        f"{url}/api/v1/tickets/{number}",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    ).json()
    assert ticket["service_code"] == "noise"
    assert (ticket["district"], ticket["street"]) == ("南山区", "粤海街道")
