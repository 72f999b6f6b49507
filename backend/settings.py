"""One settings object for the platform, read from the environment and an optional `.env`."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable about the platform; `.env.example` documents each field."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'suban.db'}"
    platform_host: str = "127.0.0.1"
    platform_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    action_server_url: str = "http://127.0.0.1:5055"
    health_timeout_seconds: float = 2.0
    rasa_timeout_seconds: float = 30.0

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # Photos citizens upload in the web chat (served under /chat/uploads/)
    uploads_dir: Path = REPO_ROOT / "var" / "uploads"

    admin_api_token: str | None = None
    # Bearer token the bot and the Rasa actions send on citizen-side calls (create a ticket,
    # a chat's tickets, status, cancel, rating, locate, catalogue). Unset, those calls are
    # refused (401): the citizen side is never open. `make run` generates one under var/.
    service_api_token: str | None = None
    open311_api_keys: str = ""
    secret_key: str = Field(default="change-me-in-production", min_length=8)

    scheduler_enabled: bool = True
    sweep_interval_seconds: int = 60
    outbox_interval_seconds: float = 2.0
    outbox_batch_size: int = 20
    outbox_max_attempts: int = 8
    reminder_window_hours: float = 4.0
    timezone: str = "Asia/Shanghai"

    @property
    def open311_keys(self) -> set[str]:
        """The Open311 API keys accepted besides those created by admins."""
        return {key.strip() for key in self.open311_api_keys.split(",") if key.strip()}


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
