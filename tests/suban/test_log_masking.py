"""Secrets never reach the logs: a real request through uvicorn with `python -m suban`'s
logging configuration, and the filter on the root handlers."""

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from backend.settings import Settings
from suban.app import create_app
from suban.log_masking import MaskSecrets, install_on_root, logging_config, mask_secrets

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
SECRETS = {
    "api_key": "open311-key-abcdef123456",
    "token": "web-token-0123456789",
    "bearer": "staff-bearer-abcdefghij",
    "webhook": "telegram-webhook-secret-42",
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'suban.db'}",
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
        scheduler_enabled=False,
        telegram_bot_token=None,
        telegram_webhook_secret=SECRETS["webhook"],
        admin_api_token=SECRETS["bearer"],
        open311_api_keys=SECRETS["api_key"],
        _env_file=None,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The platform under uvicorn on a free loopback port, logging as `python -m suban` does."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=logging_config(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # their streams are closing
        logging.getLogger(name).handlers.clear()


def test_the_access_log_masks_api_keys_tokens_and_bot_tokens(
    capfd: pytest.CaptureFixture[str], server: str
) -> None:
    # capfd comes first: uvicorn's handlers bind to the streams it captures.
    paths = [
        f"/open311/v2/services.json?api_key={SECRETS['api_key']}&jurisdiction_id=sz",
        f"/chat/api/updates?session_id=websession42&token={SECRETS['token']}",
        f"/telegram/bot{BOT_TOKEN}/webhook?secret={SECRETS['webhook']}",
    ]
    for path in paths:
        httpx.get(server + path, headers={"Authorization": f"Bearer {SECRETS['bearer']}"})
    time.sleep(0.2)
    captured = capfd.readouterr()
    logged = captured.out + captured.err
    assert "/open311/v2/services.json?api_key=***&jurisdiction_id=sz" in logged
    assert "token=***" in logged
    assert "/telegram/bot***/webhook" in logged
    for secret in [*SECRETS.values(), BOT_TOKEN]:
        assert secret not in logged


def test_the_root_handlers_mask_messages_arguments_and_tracebacks(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    install_on_root(settings)
    log = logging.getLogger("suban.test")
    try:
        raise RuntimeError(f"GET http://rasa:5005/status?token={SECRETS['token']} failed")
    except RuntimeError:
        log.exception("Rasa call failed with Authorization: Bearer %s", SECRETS["bearer"])
    log.warning("webhook secret %s, bot %s", SECRETS["webhook"], BOT_TOKEN)
    text = caplog.text
    assert "token=***" in text and "Bearer ***" in text
    for secret in [*SECRETS.values(), BOT_TOKEN]:
        assert secret not in text


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("/x?api_key=k1&b=2", "/x?api_key=***&b=2"),
        ("/x?API_KEY=k1", "/x?API_KEY=***"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer ***"),
        (f"https://api.telegram.org/bot{BOT_TOKEN}/getMe", "https://api.telegram.org/bot***/getMe"),
        (
            "/open311/v2/requests.json?service_code=noise",
            "/open311/v2/requests.json?service_code=noise",
        ),
    ],
)
def test_mask_secrets(raw: str, masked: str) -> None:
    assert mask_secrets(raw) == masked


def test_short_values_are_not_treated_as_secrets() -> None:
    assert MaskSecrets(["ab", "", "long-enough-secret"]).secrets == ("long-enough-secret",)
