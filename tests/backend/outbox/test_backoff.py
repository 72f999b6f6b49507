"""Retry delays grow exponentially and stop at the cap."""

from datetime import timedelta

import pytest

from backend.outbox.dispatcher import RETRY_CAP, retry_delay


def test_retry_delay_doubles_from_the_base() -> None:
    delays = [retry_delay(attempt=n, base=timedelta(seconds=10)) for n in (1, 2, 3, 4)]
    assert delays == [timedelta(seconds=s) for s in (10, 20, 40, 80)]


def test_retry_delay_is_capped() -> None:
    assert retry_delay(attempt=50) == RETRY_CAP


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError):
        retry_delay(attempt=0)
