"""The stack the load benchmark drives: the real Rasa server(s) and action server
(tests/e2e/stack.py), the platform as its own process (as `make run` runs it), and a local
fake Telegram Bot API whose messages are timed as they arrive."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.fake_bot_api import FakeBotApi
from tests.e2e.stack import REPO, RasaStack, free_port

NO_LIMIT = "100000/minute"  # every simulated citizen comes from 127.0.0.1
ADMIN_TOKEN = "bench-admin-token"


@dataclass(frozen=True)
class Sent:
    """A message the bot sent to a chat, and when it reached the fake Bot API."""

    at: float
    text: str
    buttons: list[dict[str, Any]]
    message_id: int | None


@dataclass
class TimedBotApi(FakeBotApi):
    """The fake Bot API, handing each chat's messages to the load generator's event loop
    the moment the bot sends them (the fake serves from its own thread)."""

    loop: asyncio.AbstractEventLoop | None = None
    inboxes: dict[str, asyncio.Queue[Sent]] = field(default_factory=dict)

    def inbox(self, chat_id: int) -> asyncio.Queue[Sent]:
        """The queue of what the bot sends to `chat_id` (made on first use)."""
        return self.inboxes.setdefault(str(chat_id), asyncio.Queue())

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, body = super().answer(method, params)
        if method in ("sendMessage", "sendPhoto") and self.loop is not None:
            markup = params.get("reply_markup") or {}
            sent = Sent(
                at=time.monotonic(),
                text=str(params.get("text") or params.get("caption") or ""),
                buttons=[b for row in markup.get("inline_keyboard", []) for b in row],
                message_id=(body.get("result") or {}).get("message_id"),
            )
            queue = self.inboxes.get(str(params.get("chat_id")))
            if queue is not None:
                self.loop.call_soon_threadsafe(queue.put_nowait, sent)
        return status, body


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident memory (VmHWM), in MB; None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def platform_env(
    *, stack: RasaStack, port: int, database_url: str, bot_api_url: str | None, tmp: Path
) -> dict[str, str]:
    """The platform's settings for the benchmark: rate limits lifted, the fake Bot API."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PLATFORM_HOST": "127.0.0.1",
        "PLATFORM_PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "RASA_URL": stack.rasa_url,
        "RASA_URLS": ",".join(stack.rasa_urls),
        "RASA_TOKEN": stack.rasa_token,
        "SERVICE_API_TOKEN": stack.service_api_token,
        "ACTION_SERVER_URL": stack.action_server_url,
        "ACTION_SERVER_TOKEN": stack.action_server_token,
        "ADMIN_API_TOKEN": ADMIN_TOKEN,
        "SECRET_KEY": "bench-secret-key-for-web-chat-cookies",
        "CHAT_RATE_LIMIT": NO_LIMIT,
        "ADDRESS_RATE_LIMIT": NO_LIMIT,
        "UPLOADS_DIR": str(tmp / "uploads"),
        "OUTBOX_INTERVAL_SECONDS": "0.5",
    }
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"):
        env.pop(name, None)
    if bot_api_url is not None:
        env.update(
            TELEGRAM_BOT_TOKEN=FakeBotApi.token,
            TELEGRAM_API_BASE_URL=f"{bot_api_url}/bot",
            TELEGRAM_API_FILE_URL=f"{bot_api_url}/file/bot",
        )
    return env


@contextmanager
def running_platform(
    *, stack: RasaStack, database_url: str, bot_api_url: str | None, tmp: Path, port: int
) -> Iterator[tuple[str, int]]:
    """`python -m suban` on `port` until the block ends; yields its URL and pid."""
    env = platform_env(
        stack=stack, port=port, database_url=database_url, bot_api_url=bot_api_url, tmp=tmp
    )
    log = (tmp / f"platform-{port}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "suban"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the platform exited ({proc.returncode}); see {log.name}")
            try:
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the platform did not become healthy; see {log.name}")
            time.sleep(0.5)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)
