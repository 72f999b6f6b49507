"""Secrets never reach the logs: one filter masks them in every record the platform writes.

It masks `api_key=`, `token=` and similar query parameters (uvicorn's access log writes whole
URLs: Open311 clients send their api_key there), bearer tokens, Telegram bot tokens (they are
part of the Bot API's URLs), and the literal values of the secrets in the settings. `python -m
suban` installs it on the root handler and on uvicorn's handlers (see `logging_config`).
"""

import copy
import logging
import re
from collections.abc import Iterable
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from backend.settings import Settings

MASK = "***"
_SECRET_PARAM = re.compile(
    r"(?i)(\b(?:api_key|apikey|token|access_token|auth_token|secret|secret_token|password)=)"
    r"[^&\s\"'#]+"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
_BOT_TOKEN = re.compile(r"(?<!\d)\d{5,}(?::|%3A)[A-Za-z0-9_-]{30,}", re.IGNORECASE)


def mask_secrets(text: str, *, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret it shows replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _SECRET_PARAM.sub(rf"\g<1>{MASK}", text)
    text = _BEARER.sub(rf"\g<1>{MASK}", text)
    return _BOT_TOKEN.sub(MASK, text)


class MaskSecrets(logging.Filter):
    """Masks secrets in a record's message, its arguments and its traceback (never drops it)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Short values would mask ordinary words; real secrets are long.
        self.secrets = tuple(sorted({s for s in secrets if s and len(s) >= 8}, key=len))[::-1]

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self._mask_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: self._mask_value(arg) for key, arg in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self._mask(logging.Formatter().formatException(record.exc_info))
        return True

    def _mask(self, text: str) -> str:
        return mask_secrets(text, secrets=self.secrets)

    def _mask_value(self, value: Any) -> Any:
        # Arguments keep their type (uvicorn's access formatter unpacks and formats them).
        if isinstance(value, str):
            return self._mask(value)
        if isinstance(value, int | float | bool) or value is None:
            return value
        masked = self._mask(str(value))
        return value if masked == str(value) else masked


def configured_secrets(settings: Settings) -> list[str]:
    """The secret values in the settings, to be masked wherever they appear."""
    values = [
        settings.admin_api_token,
        settings.service_api_token,
        settings.rasa_token,
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.secret_key.get_secret_value(),
        *settings.open311_keys,
    ]
    return [value for value in values if value]


def logging_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging configuration with the filter on its handlers."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "mask_secrets": {"()": MaskSecrets, "secrets": configured_secrets(settings)}
    }
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask_secrets")
    return config


def install_on_root(settings: Settings) -> None:
    """Put the filter on the root logger's handlers (where everything else is written)."""
    mask = MaskSecrets(configured_secrets(settings))
    for handler in logging.getLogger().handlers:
        handler.addFilter(mask)
