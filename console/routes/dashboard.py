"""The 三率 dashboard: rates per department / district / street / category over a period,
trends, the category mix and the district × category table; every number opens the tickets
behind it, every list downloads as CSV. Department staff see their own department only.
"""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from backend.api.deps import SessionDep
from backend.inputs import Offset, Text
from backend.stats.drilldown import MAX_ROWS, Slice, drill_down
from backend.stats.measures import DRILL_CONDITIONS, definitions
from backend.stats.rates import GroupBy, Interval, Scope, matrix, rates, trend
from backend.stats.scoping import scope_for
from backend.tickets.queue import active_departments
from console.charts import category_chart, heat_chart, trend_chart
from console.dashboard import (
    RATE_MEASURES,
    Period,
    category_names,
    csv_download,
    default_period,
    drill_url,
    named,
    url,
    with_descriptions,
)
from console.forms import DepartmentChoice
from console.i18n import translate
from console.security import StaffPage, language
from console.templating import render
from storage.models import utcnow

router = APIRouter(prefix="/console/dashboard", include_in_schema=False)

From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query()]
Department = DepartmentChoice
Place = Annotated[Text | None, Query(max_length=32)]
PAGE_ROWS = 200


def _period(
    user: StaffPage, start: date | None, end: date | None, department_id: int | None
) -> tuple[Period, Scope]:
    """The period asked for (the last thirty days by default) and the reader's scope."""
    if start is None or end is None:
        start, end = default_period(utcnow())
    scope = scope_for(actor=user.actor, start=start, end=end, department_id=department_id)
    shown = department_id if user.actor.sees_all_tickets else None
    return Period(start=start, end=end, department_id=shown), scope


def _definitions(code: str) -> dict[str, str]:
    shipped = definitions()
    texts = {name: getattr(text, code) for name, text in shipped.measures.items()}
    return {"scope": getattr(shipped.scope, code), **texts}


@router.get("", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    start: From = None,
    to: To = None,
    group_by: GroupBy = "department",
    interval: Interval = "day",
    department_id: Department = None,
) -> HTMLResponse:
    """The numbers of the period for the chosen grouping, with charts and definitions."""
    period, scope = _period(user, start, to, department_id)
    code = language(request)

    def t(key: str) -> str:
        return translate(code, key)

    names = category_names(session=session, language=code)
    found = rates(session=session, scope=scope, group_by=group_by)
    if group_by == "category":
        found["rows"] = named(found["rows"], names, key="key")
    categories = named(
        rates(session=session, scope=scope, group_by="category")["rows"], names, key="key"
    )
    points = trend(session=session, scope=scope, interval=interval)
    table = matrix(session=session, scope=scope)
    table["categories"] = named(table["categories"], names, key="service_code")
    cells = {(cell["district"], cell["service_code"]): cell for cell in table["cells"]}
    most = max((cell["received"] for cell in table["cells"]), default=0)
    context = {
        "period": period,
        "group_by": group_by,
        "interval": interval,
        "rows": found["rows"],
        "total": found["total"],
        "table": table,
        "cells": cells,
        "most": most,
        "charts": {
            "trend": trend_chart(points, t),
            "categories": category_chart(categories, t),
            "matrix": heat_chart(table, t),
        },
        "measures": RATE_MEASURES,
        "defs": _definitions(code),
        "drill": lambda measure="received", **filters: drill_url(
            period, measure=measure, **filters
        ),
        "csv": lambda what, **more: url(f"/console/dashboard/{what}.csv", period, **more),
        "departments": active_departments(session=session) if user.actor.sees_all_tickets else [],
    }
    return render(request, "dashboard.html", context)


@router.get("/{what}.csv")
def dashboard_csv(
    session: SessionDep,
    user: StaffPage,
    what: Literal["rates", "trend", "matrix"],
    start: From = None,
    to: To = None,
    group_by: GroupBy = "department",
    interval: Interval = "day",
    department_id: Department = None,
) -> Response:
    """A list of the dashboard as CSV: the rates rows, the trend, or the matrix cells."""
    period, scope = _period(user, start, to, department_id)
    name = f"{what}-{period.start}-{period.end}"
    if what == "rates":
        rows = rates(session=session, scope=scope, group_by=group_by)["rows"]
        return csv_download(rows, name=f"rates-{group_by}-{period.start}-{period.end}")
    if what == "trend":
        return csv_download(trend(session=session, scope=scope, interval=interval), name=name)
    return csv_download(matrix(session=session, scope=scope)["cells"], name=name)


@router.get("/tickets", response_class=HTMLResponse)
def drill_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    start: From = None,
    to: To = None,
    measure: Annotated[str, Query(max_length=32)] = "received",
    department_id: Department = None,
    district: Place = None,
    street: Place = None,
    service_code: Place = None,
    day: Annotated[date | None, Query()] = None,
    offset: Offset = 0,
    format: Literal["html", "csv"] = "html",
) -> Response:
    """The tickets behind a number, linking to each ticket; `format=csv` downloads them all."""
    period, scope = _period(user, start, to, department_id)
    part = Slice(
        measure=measure,
        department_id=scope.department_id,
        district=district,
        street=street,
        service_code=service_code,
        day=day,
    )
    limit = MAX_ROWS if format == "csv" else PAGE_ROWS
    rows = drill_down(session=session, scope=scope, part=part, limit=limit, offset=offset)
    rows = with_descriptions(session=session, rows=rows)
    if format == "csv":
        return csv_download(rows, name=f"tickets-{measure}-{period.start}-{period.end}")
    filters = {"district": district, "street": street, "service_code": service_code, "day": day}
    here = period.query(measure=measure, **filters)
    context = {
        "period": period,
        "measure": measure,
        "measures": list(DRILL_CONDITIONS),
        "filters": {key: value for key, value in filters.items() if value is not None},
        "rows": rows,
        "names": category_names(session=session, language=language(request)),
        "offset": offset,
        "more": len(rows) == PAGE_ROWS,
        "page_rows": PAGE_ROWS,
        "csv_url": url("/console/dashboard/tickets", period, **here, format="csv"),
        "page_url": lambda at: url("/console/dashboard/tickets", period, **here, offset=at),
        "measure_url": lambda name: drill_url(period, measure=name, **filters),
        "back_url": url("/console/dashboard", period),
    }
    return render(request, "dashboard_tickets.html", context)
