"""Settings of the action server, read from the environment once, on first use."""

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ActionSettings:
    """Where the platform is and how patiently the actions talk to it.

    backend_url: the platform's base URL (env SUBAN_BACKEND_URL).
    service_token: bearer token for citizen-side API calls (env SERVICE_API_TOKEN); without
        it the platform refuses every call (401).
    action_server_token: the bearer token Rasa must send to call the actions
        (env ACTION_SERVER_TOKEN); the server (actions/server.py) refuses to start without it.
    pending_db_path: the SQLite file holding reports not yet filed (env SUBAN_PENDING_DB).
    timeout_seconds: per-request timeout towards the platform (env SUBAN_BACKEND_TIMEOUT).
    retry_interval_seconds: how often unfiled reports are retried (env SUBAN_RETRY_INTERVAL).
    faq_threshold: the FAQ answer confidence needed to answer an inquiry (env SUBAN_FAQ_THRESHOLD).
    faq_intent_min: how FAQ-like NLU must find an inquiry (its `faq` intent score) before an
        FAQ answer is given (env SUBAN_FAQ_INTENT_MIN); the answer selector alone is
        overconfident on questions the FAQ does not cover.
    """

    backend_url: str = "http://127.0.0.1:8000"
    service_token: str | None = None
    action_server_token: str | None = None
    pending_db_path: Path = REPO_ROOT / "var" / "actions" / "pending.sqlite"
    timeout_seconds: float = 10.0
    retry_interval_seconds: float = 30.0
    faq_threshold: float = 0.6
    faq_intent_min: float = 0.02


def _number(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def settings_from_env(env: dict[str, str] | None = None) -> ActionSettings:
    """Build the settings from environment variables (unset or empty ones keep defaults)."""
    env = dict(os.environ) if env is None else env
    defaults = ActionSettings()
    pending = env.get("SUBAN_PENDING_DB", "").strip()
    return ActionSettings(
        backend_url=(env.get("SUBAN_BACKEND_URL", "").strip() or defaults.backend_url).rstrip("/"),
        service_token=env.get("SERVICE_API_TOKEN", "").strip() or None,
        action_server_token=env.get("ACTION_SERVER_TOKEN", "").strip() or None,
        pending_db_path=Path(pending) if pending else defaults.pending_db_path,
        timeout_seconds=_number(env, "SUBAN_BACKEND_TIMEOUT", defaults.timeout_seconds),
        retry_interval_seconds=_number(
            env, "SUBAN_RETRY_INTERVAL", defaults.retry_interval_seconds
        ),
        faq_threshold=_number(env, "SUBAN_FAQ_THRESHOLD", defaults.faq_threshold),
        faq_intent_min=_number(env, "SUBAN_FAQ_INTENT_MIN", defaults.faq_intent_min),
    )


@lru_cache
def get_settings() -> ActionSettings:
    """The action server's settings, read once."""
    return settings_from_env()
