"""`python -m suban`: serve the platform with uvicorn on the configured host and port."""

import logging

import uvicorn

from backend.settings import get_settings
from suban.log_masking import install_on_root, logging_config


def main() -> None:
    """Run the platform app."""
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_on_root(settings)
    # httpx logs every request URL at INFO; Telegram's URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler logs every run of the two-second outbox job at INFO; failures stay visible.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    uvicorn.run(
        "suban.app:create_app",
        factory=True,
        host=settings.platform_host,
        port=settings.platform_port,
        proxy_headers=True,
        log_config=logging_config(settings),  # access log lines carry URLs: secrets masked
    )


if __name__ == "__main__":
    main()
