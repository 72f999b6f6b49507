"""Doubles for the channels' tests: a Rasa server and the Telegram Bot API, both in-process."""

from datetime import UTC, datetime

import pytest
from time_machine import TimeMachineFixture

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


@pytest.fixture
def frozen_clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    """Wall-clock time stands still until the test shifts it, so a rate-limit window (the
    `limits` library reads time.time) holds however slow the machine is."""
    time_machine.move_to(datetime.now(UTC), tick=False)
    return time_machine
