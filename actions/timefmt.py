"""Times as citizens read them: Beijing time, e.g. 11月30日 18:00前 (messages.yml: due_time)."""

from datetime import datetime, timedelta, timezone
from typing import Optional

from actions.messages import labels, text

# China observes no daylight saving time: Beijing time is always UTC+8.
BEIJING = timezone(timedelta(hours=8), "CST")


def format_due(iso: Optional[str]) -> Optional[str]:
    """An ISO 8601 time as `11月30日 18:00前` (English: `by 18:00 on 30 November`) in Beijing
    time, or None when absent/invalid."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(BEIJING)
    month_name = labels()["month_names"][local.month - 1]
    return text("due_time", month_name=month_name, day=local.day, time=f"{local:%H:%M}")
