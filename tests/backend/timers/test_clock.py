"""Shenzhen wall-clock times for messages and w3 datetimes for Open311."""

from datetime import UTC, datetime

import pytest

from backend.timers.clock import format_local, w3_datetime


def test_w3_datetime_carries_the_shenzhen_offset() -> None:
    moment = datetime(2026, 11, 29, 16, 30, 5, 123456, tzinfo=UTC)
    assert w3_datetime(moment) == "2026-11-30T00:30:05+08:00"


def test_format_local_is_short_chinese() -> None:
    assert format_local(datetime(2026, 11, 29, 6, 0, tzinfo=UTC)) == "11月29日 14:00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        w3_datetime(datetime(2026, 11, 29, 6, 0))
