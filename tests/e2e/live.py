"""Fixtures that run the real Suban stack: Rasa server, action server and the platform.

A pytest plugin (tests/conftest.py loads it), so the end-to-end and the browser tests share one
stack per session: Rasa takes 25-120 s to load its model.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from backend.settings import Settings
from suban.app import create_app
from tests.e2e.fake_bot_api import FakeBotApi, serving_fake_bot_api
from tests.e2e.stack import (
    RasaStack,
    free_port,
    running_rasa_stack,
    serving_platform,
    stack_settings,
)

ADMIN_TOKEN = "e2e-admin-token"


@dataclass(frozen=True)
class Platform:
    """A platform served by uvicorn on a free port, wired to the real Rasa stack and to a fake
    Telegram Bot API that its bot polls."""

    url: str
    settings: Settings
    app: FastAPI
    rasa: RasaStack
    bot_api: FakeBotApi

    @property
    def staff_headers(self) -> dict[str, str]:
        """Authorization for staff API calls (the admin token)."""
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The whole product on free ports, for the duration of the test session."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("e2e-logs")
    with (
        logging_to(logs / "platform.log"),
        running_rasa_stack(log_dir=logs, backend_url=url) as stack,
        serving_fake_bot_api() as bot_api,
    ):
        settings = stack_settings(
            stack=stack,
            port=port,
            database_url=f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'suban.db'}",
            admin_token=ADMIN_TOKEN,
            telegram_bot_token=bot_api.api.token,
            telegram_api_base_url=bot_api.base_url,
            telegram_api_file_url=bot_api.file_url,
            uploads_dir=tmp_path_factory.mktemp("e2e-uploads"),
            outbox_interval_seconds=0.5,
            # the browser tests log staff in many times from this one address
            console_login_rate_limit="1000/minute",
        )
        app = create_app(settings)
        with serving_platform(settings, app=app):
            yield Platform(url=url, settings=settings, app=app, rasa=stack, bot_api=bot_api.api)


@contextmanager
def logging_to(path: Path) -> Iterator[None]:
    """The in-process platform's log records (INFO and up) also go to `path`: pytest shows a
    test's own records only, and a failure often starts in a background job tests ago."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s")
    )
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(min(previous, logging.INFO) if previous else logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


@pytest.fixture
def web_session(platform: Platform) -> Iterator[httpx.Client]:
    """A citizen in the web chat: a browser-like client keeping the chat cookie the platform
    issues on the first call."""
    with httpx.Client(base_url=platform.url, timeout=60) as citizen:
        yield citizen


def say(platform: Platform, citizen: httpx.Client, text: str) -> list[dict]:
    """Type a message in the web chat and return the bot's replies."""
    response = citizen.post("/chat/api/messages", json={"text": text})
    response.raise_for_status()
    return response.json()["replies"]


def file_new_if_offered(
    platform: Platform, citizen: httpx.Client, replies: list[dict]
) -> list[dict]:
    """The replies after 仍然新建 when the bot offered a similar open ticket, else `replies`.

    The tests of a session share one platform, so an earlier test may have filed the same
    report; the dialogue then offers to follow it (issue 13). Tests that want their own ticket
    file a new one anyway.
    """
    offers = [b for r in replies for b in r.get("buttons") or [] if b["payload"] == "/file_new"]
    return say(platform, citizen, offers[0]["payload"]) if offers else replies
