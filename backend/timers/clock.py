"""Shenzhen local time for people-facing text and API timestamps (the database keeps UTC)."""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

SHENZHEN_ZONE = "Asia/Shanghai"


@cache
def zone(name: str = SHENZHEN_ZONE) -> ZoneInfo:
    """The time zone of that name (read from the system's tz database once)."""
    return ZoneInfo(name)


def local_time(moment: datetime, *, zone_name: str = SHENZHEN_ZONE) -> datetime:
    """The same instant on Shenzhen's wall clock (UTC+08:00)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use timezone-aware datetimes")
    return moment.astimezone(zone(zone_name))


def format_local(moment: datetime, *, zone_name: str = SHENZHEN_ZONE) -> str:
    """A short Chinese wall-clock time for messages, e.g. `11月30日 14:00`."""
    local = local_time(moment, zone_name=zone_name)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def w3_datetime(moment: datetime, *, zone_name: str = SHENZHEN_ZONE) -> str:
    """ISO 8601 (w3 note) with the offset, seconds precision: `2026-11-29T14:00:00+08:00`."""
    return local_time(moment, zone_name=zone_name).replace(microsecond=0).isoformat()
