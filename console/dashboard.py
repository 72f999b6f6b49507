"""What the dashboard pages share: the chosen period and filters, links to the tickets behind
a number, and CSV downloads. The numbers themselves come from `backend.stats` (one source)."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.stats.export import to_csv
from backend.tickets.numbers import shenzhen_zone
from storage.models import ServiceCategory, Ticket

DEFAULT_DAYS = 30
DRILL_URL = "/console/dashboard/tickets"
RATE_MEASURES = {
    # the number a column shows → the tickets behind it (a rate: the tickets it counts)
    "received": "received",
    "response_rate": "responded_on_time",
    "resolved_on_time_rate": "resolved_on_time",
    "satisfaction_rate": "rated",
    "reopen_rate": "reopened",
    "overdue": "overdue",
}


def default_period(now: datetime) -> tuple[date, date]:
    """The last thirty Shenzhen days, today included."""
    today = now.astimezone(shenzhen_zone()).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


@dataclass(frozen=True)
class Period:
    """The period and department the page shows (the query string of every link on it)."""

    start: date
    end: date
    department_id: int | None = None

    def query(self, **more: Any) -> dict[str, Any]:
        base = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.department_id is not None:
            base["department_id"] = self.department_id
        return {**base, **{key: value for key, value in more.items() if value is not None}}


def drill_url(period: Period, *, measure: str = "received", **filters: Any) -> str:
    """The ticket list behind a number: the page's period, the measure and the row's filters."""
    return f"{DRILL_URL}?{urlencode(period.query(measure=measure, **filters))}"


def url(path: str, period: Period, **more: Any) -> str:
    """A dashboard link with the page's period (CSV downloads, other views)."""
    return f"{path}?{urlencode(period.query(**more))}"


def with_descriptions(*, session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The drill-down rows with each ticket's description (citizen text: escaped on pages,
    formula-guarded in CSV), read in one query."""
    numbers = [row["ticket_no"] for row in rows]
    texts = (
        dict(
            session.execute(
                select(Ticket.ticket_no, Ticket.description).where(Ticket.ticket_no.in_(numbers))
            ).all()
        )
        if numbers
        else {}
    )
    return [{**row, "description": texts.get(row["ticket_no"], "")} for row in rows]


def csv_download(
    rows: list[dict[str, Any]], *, name: str, columns: list[str] | None = None
) -> Response:
    """The rows as a CSV file (UTF-8 with BOM; a cell starting = + - @ is quoted away)."""
    return Response(
        content=to_csv(rows, columns=columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def plain(value: Any) -> dict[str, Any]:
    """A dataclass (e.g. a cluster view) as a CSV row."""
    return asdict(value)


def category_names(*, session: Session, language: str) -> dict[str, str]:
    """Each category's name in the page's language (the stats name them in Chinese)."""
    rows = session.execute(
        select(ServiceCategory.service_code, ServiceCategory.name_zh, ServiceCategory.name_en)
    )
    return {
        code: (english if language == "en" and english else chinese)
        for code, chinese, english in rows
    }


def named(rows: list[dict[str, Any]], names: dict[str, str], *, key: str) -> list[dict[str, Any]]:
    """The rows with `name` in the page's language, by their category code under `key`."""
    return [{**row, "name": names.get(row[key], row["name"])} for row in rows]
