"""The console's Jinja2 environment: autoescaped templates, texts, times and countdowns."""

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from backend.tickets.notices import local_time
from console.forms import take_flash
from console.i18n import LANGUAGES, texts, translate
from console.security import CSRF_FIELD, CSRF_HEADER, csrf_token, language
from storage.models import utcnow

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
templates.env.autoescape = True  # every template, whatever its name: citizen text is escaped
templates.env.filters["local"] = local_time
templates.env.filters["iso_local"] = lambda value: local_time(
    datetime.fromisoformat(value) if value else None
)  # times the stats services give as ISO text


def duration(language_code: str, seconds: float) -> str:
    """A short span such as “3小时20分” / “3h 20m” (days when long)."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return translate(language_code, "span_days", days=days, hours=hours)
    if hours:
        return translate(language_code, "span_hours", hours=hours, minutes=mins)
    return translate(language_code, "span_minutes", minutes=mins)


def countdown(language_code: str, due: datetime | None, now: datetime) -> dict[str, Any]:
    """What the countdown of a deadline shows: left or overdue, and how urgent it is."""
    if due is None:
        return {"text": "—", "level": "none"}
    left = (due - now).total_seconds()
    if left < 0:
        text = translate(language_code, "overdue_by", span=duration(language_code, left))
        return {"text": text, "level": "overdue"}
    text = translate(language_code, "left", span=duration(language_code, left))
    return {"text": text, "level": "soon" if left < 4 * 3600 else "ok"}


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A page or fragment, with the language, texts, CSRF token and the current user."""
    code = language(request)
    now = utcnow()
    base = {
        "lang": code,
        "languages": LANGUAGES,
        "t": lambda key, **values: translate(code, key, **values),
        "has_text": lambda key: key in texts(code),
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "csrf_token": csrf_token(request),
        "me": getattr(request.state, "console_me", None),
        "now": now,
        "countdown": lambda due: countdown(code, due, now),
        "since": lambda moment: duration(code, (now - moment).total_seconds()) if moment else "—",
        "nonce": request.state.csp_nonce,
        "flash": take_flash(request),
    }
    return templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
