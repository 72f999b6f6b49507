"""The channels the platform runs: the web chat always, Telegram only when it can start."""

from sqlalchemy.orm import Session, sessionmaker

from backend.settings import Settings
from bot.channels import running_channels
from tests.bot.rasa_double import RasaDouble


async def test_without_a_token_only_the_web_chat_runs(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    settings = Settings(telegram_bot_token=None, _env_file=None)
    async with running_channels(
        settings=settings, rasa=rasa.client(), session_factory=session_factory
    ) as channels:
        assert channels.telegram is None
        assert channels.deliverer is not None


async def test_an_unreachable_bot_api_leaves_the_platform_running_without_telegram(
    rasa: RasaDouble, session_factory: sessionmaker[Session]
) -> None:
    settings = Settings(
        telegram_bot_token="123:abc",
        telegram_api_base_url="http://127.0.0.1:9/bot",  # the discard port: nothing answers
        _env_file=None,
    )
    async with running_channels(
        settings=settings, rasa=rasa.client(), session_factory=session_factory
    ) as channels:
        assert channels.telegram is None
        assert channels.deliverer is not None
