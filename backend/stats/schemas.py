"""API shapes of the 三率 dashboard."""

from typing import Any

from pydantic import BaseModel, Field

from backend.stats.measures import Text


class CountsOut(BaseModel):
    """The numbers of one group (rates are null when their denominator is zero)."""

    received: int
    responded_on_time: int
    response_rate: float | None
    resolved_on_time: int
    resolved_on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    reopened: int
    reopen_rate: float | None
    overdue: int
    median_handling_hours: float | None


class RateRow(CountsOut):
    """One department, district, street or category."""

    key: str
    name: str
    filters: dict[str, Any] = Field(description="query parameters of /stats/tickets for this row")


class RatesOut(BaseModel):
    """Rows (most tickets first) and the total over the whole scope."""

    group_by: str
    rows: list[RateRow]
    total: CountsOut


class TrendPoint(CountsOut):
    """One day, or one week starting on its Monday."""

    period: str


class Category(BaseModel):
    service_code: str
    name: str


class Cell(BaseModel):
    district: str
    service_code: str
    received: int
    overdue: int
    satisfaction_rate: float | None


class MatrixOut(BaseModel):
    """The district × category table."""

    districts: list[str]
    categories: list[Category]
    cells: list[Cell]


class DefinitionsOut(BaseModel):
    """What the numbers count, for the dashboard to show beside them."""

    scope: Text
    measures: dict[str, Text]


class DrillRow(BaseModel):
    """A ticket behind a number."""

    ticket_no: str
    state: str
    service_code: str
    district: str | None
    street: str | None
    department: str | None
    created_at: str
    contact_due: str | None
    first_contact_at: str | None
    resolve_due: str | None
    resolved_at: str | None
    reopen_count: int
