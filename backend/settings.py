"""One settings object for the platform, read from the environment and an optional `.env`."""

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
# Secrets `make run` generates on first start (`python -m suban secrets`); `.env` and the
# environment win over it (the generator leaves out what they set).
SECRETS_FILE = Path("var") / "secrets.env"
# The SECRET_KEY older .env.example files shipped: refused here, treated as unset by the generator.
OLD_SECRET_KEY_PLACEHOLDER = "change-me-in-production"


class Settings(BaseSettings):
    """Everything configurable about the platform; `.env.example` documents each field."""

    model_config = SettingsConfigDict(
        env_file=(".env", SECRETS_FILE), env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'suban.db'}"
    platform_host: str = "127.0.0.1"
    platform_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"

    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa servers sharing one tracker store and lock store (README "Scaling out"),
    # comma-separated; each conversation goes to the same one while it is up. Overrides RASA_URL.
    rasa_urls: str | None = None
    rasa_token: str | None = None
    action_server_url: str = "http://127.0.0.1:5055"
    health_timeout_seconds: float = 2.0
    rasa_timeout_seconds: float = 30.0

    # The admins' NLU loop (backend/nluloop): the nlu/ tree it reads and writes examples in,
    # where trained models go, the Rasa runtime that trains them, the config `rasa train` uses,
    # how long a training (rasa train and the held-out evaluations) may take before it is killed
    # and marked failed, and how long Rasa may take to load a model on activation (`PUT /model`)
    nlu_dir: Path = REPO_ROOT / "nlu"
    models_dir: Path = REPO_ROOT / "var" / "models"
    rasa_python: Path = REPO_ROOT / ".venv-rasa" / "bin" / "python"
    nlu_train_config: Path = REPO_ROOT / "config.yml"
    nlu_training_timeout_seconds: float = Field(default=3600.0, gt=0)
    rasa_model_load_timeout_seconds: float = Field(default=300.0, gt=0)

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # Photos citizens upload in the web chat (served under /chat/uploads/)
    uploads_dir: Path = REPO_ROOT / "var" / "uploads"
    # Largest request body accepted (413 above): a 10 MB photo and its form fields.
    max_request_bytes: int = Field(default=11 * 1024 * 1024, ge=1024)

    # Rate limits in the `limits` notation ("12/minute;120/hour"): messages to the bot per chat
    # (web session or Telegram chat), web chat requests per client address, photo uploads per
    # chat. A message over a limit is held (the newest one per chat) and handled when it lifts.
    chat_rate_limit: str = "12/minute;150/hour"
    address_rate_limit: str = "120/minute"
    photo_rate_limit: str = "6/minute;30/hour"
    # Where the counters live: memory:// (one process), redis://host:6379 (several replicas;
    # needs `pip install "limits[async-redis]"`)
    rate_limit_storage_uri: str = "memory://"
    # Held messages from one client address at most (more are refused with 429)
    held_per_address_max: int = 20
    # Photo quota per web chat over the last 24 hours: count and total bytes
    photo_quota_count: int = 20
    photo_quota_bytes: int = 60 * 1024 * 1024
    # Uploads older than this are deleted (those of open tickets are kept); 0 keeps them forever
    uploads_retention_days: int = 180
    # Proactive messages kept for the web chat's polling (and sent Telegram ones), in days
    outbound_retention_days: int = 30
    held_release_interval_seconds: float = 2.0
    # While Rasa or the action server cannot answer, kept messages are retried this often (s)
    busy_retry_seconds: float = 5.0
    retention_interval_seconds: int = 3600

    # How long the web chat's session cookie (who is chatting) lasts without a visit
    webchat_session_days: int = Field(default=90, ge=1)

    # The console (/console): how long a login lasts, whether its cookie is Secure (unset:
    # when PUBLIC_BASE_URL is https), and login attempts allowed per address and per username
    console_session_hours: int = Field(default=12, ge=1)
    console_cookie_secure: bool | None = None
    console_login_rate_limit: str = "10/minute;50/hour"

    admin_api_token: str | None = None
    # Bearer token the bot and the Rasa actions send on citizen-side calls (create a ticket,
    # a chat's tickets, status, cancel, rating, locate, catalogue). Unset, those calls are
    # refused (401): the citizen side is never open. `make run` generates one under var/.
    service_api_token: str | None = None
    open311_api_keys: str = ""
    # Signs the web chat's session cookie (and console sessions). No default: a known key would
    # let anyone forge a cookie; `make run` generates one into var/secrets.env.
    secret_key: SecretStr = Field(min_length=16)

    scheduler_enabled: bool = True
    sweep_interval_seconds: int = 60
    outbox_interval_seconds: float = 2.0
    outbox_batch_size: int = 20
    outbox_max_attempts: int = 8
    reminder_window_hours: float = 4.0
    # A claimed chat without operator activity this long goes back to the waiting list
    # (seconds, or ISO 8601 like PT10M); the expiry job looks every interval
    handoff_claim_timeout: timedelta = timedelta(minutes=10)
    handoff_expiry_interval_seconds: float = 30.0
    # How often the 类案 clustering job runs (thresholds: backend/clusters/data/clusters.yml).
    cluster_interval_seconds: int = Field(default=3600, ge=60)
    # The 三率 rollup (backend/stats/rollup.py): how often the job computes closed days that are
    # new or whose tickets changed (those are counted live meanwhile), and at most how many days
    # one run computes (a first run over years of tickets spreads over several runs).
    stats_rollup_interval_seconds: int = Field(default=300, ge=10)
    stats_rollup_max_days: int = Field(default=366, ge=1)
    timezone: str = "Asia/Shanghai"

    @field_validator("chat_rate_limit", "address_rate_limit", "photo_rate_limit")
    @classmethod
    def _limits_notation(cls, value: str) -> str:
        parse_many(value)  # ValueError names what it cannot read
        return value

    @field_validator("secret_key")
    @classmethod
    def _not_the_old_placeholder(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() == OLD_SECRET_KEY_PLACEHOLDER:
            message = "SECRET_KEY is the old placeholder: drop it from .env (make run makes one)"
            raise ValueError(message)
        return value

    @property
    def open311_keys(self) -> set[str]:
        """The Open311 API keys accepted besides those created by admins."""
        return {key.strip() for key in self.open311_api_keys.split(",") if key.strip()}


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
