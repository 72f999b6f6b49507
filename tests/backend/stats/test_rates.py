"""The 三率 of the hand-built set (tests/backend/stats/conftest.py), worked out by hand."""

from datetime import date

from sqlalchemy.orm import Session

from backend.stats.drilldown import Slice, drill_down
from backend.stats.rates import matrix, rates, trend
from tests.backend.stats.conftest import Known, scope

NOISE = {
    "received": 4,  # on_time, reopened, returned, midnight
    "responded_on_time": 2,
    "response_rate": 0.5,
    "resolved_on_time": 2,
    "resolved_on_time_rate": 0.5,
    "rated": 3,  # 满意, 不满意, 基本满意
    "satisfied": 2,
    "satisfaction_rate": 0.6667,
    "reopened": 1,
    "reopen_rate": 0.25,
    "overdue": 1,  # returned
    "median_handling_hours": 20.0,  # 10 h and 30 h
}
LIGHTS = {
    "received": 2,  # pending, late
    "responded_on_time": 2,
    "response_rate": 1.0,
    "resolved_on_time": 0,
    "resolved_on_time_rate": 0.0,
    "rated": 1,
    "satisfied": 1,
    "satisfaction_rate": 1.0,
    "reopened": 0,
    "reopen_rate": 0.0,
    "overdue": 1,  # late
    "median_handling_hours": 50.0,
}


def numbers(row: dict[str, object]) -> dict[str, object]:
    return {name: row[name] for name in NOISE}


def test_rates_by_category_and_total(session: Session, known: Known) -> None:
    found = rates(session=session, scope=scope(), group_by="category")
    rows = {row["key"]: row for row in found["rows"]}
    assert list(rows) == ["noise", "streetlight"]  # most tickets first
    assert (rows["noise"]["name"], rows["streetlight"]["name"]) == ("噪音扰民", "路灯照明")
    assert numbers(rows["noise"]) == NOISE
    assert numbers(rows["streetlight"]) == LIGHTS
    assert rows["streetlight"]["filters"] == {"service_code": "streetlight"}
    total = found["total"]
    assert (total["received"], total["rated"], total["satisfied"], total["overdue"]) == (6, 4, 3, 2)
    assert total["response_rate"] == round(4 / 6, 4)
    assert total["median_handling_hours"] == 30.0  # 10, 30, 50


def test_by_department_district_and_street_and_department_staff(
    session: Session, known: Known
) -> None:
    lights = known.tickets["late"].department_id
    by_department = rates(session=session, scope=scope(), group_by="department")
    assert {row["key"]: row["received"] for row in by_department["rows"]} == {
        str(known.tickets["on_time"].department_id): 4,
        str(lights): 2,
    }
    by_street = rates(session=session, scope=scope(), group_by="street")
    assert [(row["key"], row["filters"]) for row in by_street["rows"]] == [
        ("南山区/粤海街道", {"district": "南山区", "street": "粤海街道"}),
        ("福田区/华强北街道", {"district": "福田区", "street": "华强北街道"}),
    ]
    own = rates(session=session, scope=scope(department_id=lights), group_by="district")
    assert [numbers(row) for row in own["rows"]] == [LIGHTS]
    assert own["total"]["received"] == 2


def test_nothing_rated_and_nothing_received_give_empty_rates(
    session: Session, known: Known
) -> None:
    own = rates(session=session, scope=scope(department_id=-1), group_by="category")
    assert own["rows"] == []
    assert own["total"]["received"] == 0
    assert own["total"]["response_rate"] is None
    assert own["total"]["satisfaction_rate"] is None
    assert own["total"]["median_handling_hours"] is None


def test_trend_per_day_and_week_in_shenzhen_days(session: Session, known: Known) -> None:
    days = trend(session=session, scope=scope(), interval="day")
    assert [point["period"] for point in days][:2] == ["2026-11-02", "2026-11-03"]
    assert [point["received"] for point in days] == [2, 1, 1, 1, 1, 0, 0]
    assert days[0]["median_handling_hours"] == 10.0
    [week] = trend(session=session, scope=scope(), interval="week")
    assert week["period"] == "2026-11-02"
    assert (week["received"], week["overdue"], week["rated"]) == (6, 2, 4)


def test_matrix_of_districts_and_categories(session: Session, known: Known) -> None:
    table = matrix(session=session, scope=scope())
    assert table["districts"] == ["南山区", "福田区"]
    assert [c["service_code"] for c in table["categories"]] == ["noise", "streetlight"]
    assert [(c["district"], c["service_code"], c["received"]) for c in table["cells"]] == [
        ("南山区", "noise", 4),
        ("福田区", "streetlight", 2),
    ]


def test_drill_down_lists_exactly_the_tickets_behind_a_number(
    session: Session, known: Known
) -> None:
    def listed(**part: object) -> list[str]:
        rows = drill_down(session=session, scope=scope(), part=Slice(**part))  # type: ignore[arg-type]
        return sorted(row["ticket_no"] for row in rows)

    assert listed() == known.no("on_time", "reopened", "returned", "midnight", "pending", "late")
    assert listed(measure="overdue") == known.no("returned", "late")
    assert listed(measure="overdue", service_code="noise") == known.no("returned")
    assert listed(measure="not_responded_on_time") == known.no("returned", "midnight")
    assert listed(measure="reopened") == known.no("reopened")
    assert listed(measure="satisfied") == known.no("on_time", "reopened", "late")
    assert listed(measure="unsatisfied") == known.no("reopened")
    assert listed(measure="resolved_on_time", district="福田区") == []
    assert listed(day=date(2026, 11, 2)) == known.no("on_time", "midnight")
