"""Doubles for the channels' tests: a Rasa server and the Telegram Bot API, both in-process."""

import pytest

from tests.bot.rasa_double import RasaDouble
from tests.e2e.fake_bot_api import FakeBotApi


@pytest.fixture
def rasa() -> RasaDouble:
    """A scripted Rasa server."""
    return RasaDouble()


@pytest.fixture
def bot_api() -> FakeBotApi:
    """An in-memory Telegram Bot API."""
    return FakeBotApi()
