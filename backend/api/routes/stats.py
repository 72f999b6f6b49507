"""The 三率 dashboard's numbers (staff; department staff see their own department only).

Every list answers JSON, or CSV with `format=csv`; `/stats/tickets` lists the tickets behind
any number (the `filters` of a row, a matrix cell or a trend day, and a `measure`).
"""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from backend.api.auth import StaffDep
from backend.api.deps import SessionDep
from backend.auth.actor import Actor
from backend.inputs import Offset, RowId, Text
from backend.stats.drilldown import MAX_ROWS, Slice, drill_down
from backend.stats.export import to_csv
from backend.stats.measures import DRILL_CONDITIONS, definitions
from backend.stats.rates import GroupBy, Interval, Scope, matrix, rates, trend
from backend.stats.schemas import (
    DefinitionsOut,
    DrillRow,
    MatrixOut,
    RatesOut,
    TrendPoint,
)
from backend.stats.scoping import scope_for

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

From = Annotated[date, Query(alias="from", description="first Shenzhen day, YYYY-MM-DD")]
To = Annotated[date, Query(description="last Shenzhen day (included), YYYY-MM-DD")]
Department = Annotated[
    RowId | None, Query(description="operators/admins: one department (staff: always theirs)")
]
Format = Annotated[Literal["json", "csv"], Query(description="csv: a download")]
CSV = {200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}}


def _scope(actor: Actor, start: date, end: date, department_id: int | None) -> Scope:
    return scope_for(actor=actor, start=start, end=end, department_id=department_id)


def _csv(rows: list[dict[str, Any]], name: str) -> Response:
    return Response(
        content=to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/definitions", response_model=DefinitionsOut)
def get_definitions(_actor: StaffDep) -> DefinitionsOut:
    """What every number counts (Chinese and English), to show beside it."""
    shipped = definitions()
    return DefinitionsOut(scope=shipped.scope, measures=shipped.measures)


@router.get("/rates", response_model=RatesOut, responses=CSV)  # type: ignore[arg-type]
def get_rates(
    session: SessionDep,
    actor: StaffDep,
    start: From,
    to: To,
    group_by: GroupBy = "department",
    department_id: Department = None,
    format: Format = "json",
) -> Any:
    """Response, on-time resolution and satisfaction rates, reopen rate, overdue count and
    median handling time per department, district, street or category."""
    found = rates(session=session, scope=_scope(actor, start, to, department_id), group_by=group_by)
    if format == "csv":
        return _csv(found["rows"], f"rates-{group_by}-{start}-{to}")
    return RatesOut(group_by=group_by, rows=found["rows"], total=found["total"])


@router.get("/trend", response_model=list[TrendPoint], responses=CSV)  # type: ignore[arg-type]
def get_trend(
    session: SessionDep,
    actor: StaffDep,
    start: From,
    to: To,
    interval: Interval = "day",
    department_id: Department = None,
    format: Format = "json",
) -> Any:
    """The same numbers per Shenzhen day or week (Monday first), no gaps."""
    points = trend(
        session=session, scope=_scope(actor, start, to, department_id), interval=interval
    )
    return _csv(points, f"trend-{interval}-{start}-{to}") if format == "csv" else points


@router.get("/matrix", response_model=MatrixOut, responses=CSV)  # type: ignore[arg-type]
def get_matrix(
    session: SessionDep,
    actor: StaffDep,
    start: From,
    to: To,
    department_id: Department = None,
    format: Format = "json",
) -> Any:
    """The district × category table (received, overdue, satisfaction per cell)."""
    table = matrix(session=session, scope=_scope(actor, start, to, department_id))
    if format == "csv":
        return _csv(table["cells"], f"matrix-{start}-{to}")
    return table


@router.get("/tickets", response_model=list[DrillRow], responses=CSV)  # type: ignore[arg-type]
def get_stats_tickets(
    session: SessionDep,
    actor: StaffDep,
    start: From,
    to: To,
    measure: Annotated[str, Query(description=", ".join(DRILL_CONDITIONS))] = "received",
    department_id: Department = None,
    district: Annotated[Text | None, Query(max_length=32)] = None,
    street: Annotated[Text | None, Query(max_length=32)] = None,
    service_code: Annotated[Text | None, Query(max_length=32)] = None,
    day: Annotated[date | None, Query(description="one Shenzhen day (a trend point)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Any:
    """The tickets behind a number: the scope of the period, a measure, and the filters of a
    rates row (`filters`), a matrix cell or a trend day."""
    scope = _scope(actor, start, to, department_id)
    part = Slice(
        measure=measure,
        department_id=scope.department_id,
        district=district,
        street=street,
        service_code=service_code,
        day=day,
    )
    rows = drill_down(session=session, scope=scope, part=part, limit=limit, offset=offset)
    return _csv(rows, f"tickets-{measure}-{start}-{to}") if format == "csv" else rows
