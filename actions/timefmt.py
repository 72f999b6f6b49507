"""Times as citizens read them: Beijing time, e.g. 11月30日 18:00."""

from datetime import datetime, timedelta, timezone
from typing import Optional

# China observes no daylight saving time: Beijing time is always UTC+8.
BEIJING = timezone(timedelta(hours=8), "CST")


def format_due(iso: Optional[str]) -> Optional[str]:
    """An ISO 8601 time as `11月30日 18:00前` in Beijing time, or None when absent/invalid."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(BEIJING)
    return f"{local.month}月{local.day}日 {local:%H:%M}前"
