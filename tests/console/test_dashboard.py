"""The 三率 dashboard pages: the numbers are the stats service's, department staff see their
own department only, every number opens its tickets, every list downloads as CSV."""

import csv
import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.stats.drilldown import Slice, drill_down
from backend.stats.rates import Scope, rates
from storage.models import StaffRole, Ticket, TicketState
from tests.backend.stats.conftest import NOW, PERIOD, build, local
from tests.console.conftest import add_user, log_in

QUERY = f"from={PERIOD.start}&to={PERIOD.end}"
FORMULA = '=HYPERLINK("http://evil.example","点我")'
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def frozen() -> Iterator[None]:
    """The clock of the hand-built set (overdue counts depend on it)."""
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def seeded(session: Session, frozen: None) -> dict[str, Ticket]:
    """Noise (南山区) and streetlights (福田区) in the period, with known outcomes; one
    description that looks like a spreadsheet formula, one with markup."""
    tickets = {
        "on_time": build(
            session, "noise", local(2, 10), state=TicketState.closed,
            contact_after=1, resolved_after=10, scores=(3,),
        ),
        "reopened": build(
            session, "noise", local(3, 9), state=TicketState.closed, contact_after=2,
            resolved_after=30, resolve_limit=72, reopen_count=1, scores=(1, 2),
        ),
        "returned": build(session, "noise", local(4, 9), state=TicketState.returned),
        "late": build(
            session, "streetlight", local(6, 9), state=TicketState.closed,
            contact_after=4, resolved_after=50, scores=(2,),
        ),
        "pending": build(
            session, "streetlight", local(5, 9), state=TicketState.accepted,
            contact_after=3, resolve_limit=24 * 30,
        ),
    }  # fmt: skip
    tickets["returned"].description = FORMULA
    tickets["late"].description = SCRIPT
    session.commit()
    return tickets


def _scope(department_id: int | None = None) -> Scope:
    return Scope(span=PERIOD, now=NOW, department_id=department_id)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _row(page: str, key: str) -> str:
    found = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert found, f"no row {key!r}"
    return found.group(1)


def _links(html: str) -> dict[str, str]:
    """measure → the drill-down link of each number in the html."""
    return {
        measure: href.replace("&amp;", "&")
        for href, measure in re.findall(r'<a href="([^"]+)" data-measure="([a-z_]+)">', html)
    }


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-measure="[a-z_]+">([^<]+)</a>', html)


def test_the_numbers_are_the_services_for_each_grouping(
    console_client: TestClient, session: Session, seeded: dict[str, Ticket]
) -> None:
    log_in(console_client, "op")
    for group_by in ("department", "district", "street", "category"):
        page = console_client.get(f"/console/dashboard?{QUERY}&group_by={group_by}")
        assert page.status_code == 200
        expected = rates(session=session, scope=_scope(), group_by=group_by)
        assert expected["rows"], group_by
        for row in expected["rows"]:
            html = _row(page.text, row["key"])
            assert row["name"] in html
            assert _numbers(html) == [
                str(row["received"]),
                _percent(row["response_rate"]),
                _percent(row["resolved_on_time_rate"]),
                _percent(row["satisfaction_rate"]),
                _percent(row["reopen_rate"]),
                str(row["overdue"]),
            ]
            median = row["median_handling_hours"]
            assert f'<td class="num">{median if median is not None else "—"}</td>' in html
    total = expected["total"]
    assert total["received"] == 5
    assert 'data-testid="total-overdue"><a' in page.text
    assert re.search(rf'data-testid="total-received"><a [^>]+>{total["received"]}<', page.text)
    # the definitions come from the platform's one source
    assert "响应率 = 按时响应量 ÷ 受理量" in page.text
    # the charts are ECharts options for the static script, no inline script
    assert 'id="chart-trend"' in page.text and "data-chart=" in page.text
    assert "/console/static/echarts.min.js" in page.text
    assert "<script>" not in page.text


def test_english_labels_and_definitions(
    console_client: TestClient, seeded: dict[str, Ticket]
) -> None:
    token = log_in(console_client, "op")
    console_client.post(
        "/console/language", data={"lang": "en", "back": "/console/dashboard", "csrf_token": token}
    )
    page = console_client.get(f"/console/dashboard?{QUERY}&group_by=category")
    assert "On-time resolution rate" in page.text
    assert "Response rate = responded on time / received." in page.text
    assert "Noise nuisance" in _row(page.text, "noise")
    listed = console_client.get(f"/console/dashboard/tickets?{QUERY}&service_code=noise")
    assert "Noise nuisance" in listed.text and "噪音扰民" not in listed.text


def test_department_staff_see_only_their_department(
    console_client: TestClient, session: Session, seeded: dict[str, Ticket]
) -> None:
    noise = seeded["on_time"].department_id
    lights = seeded["late"].department_id
    assert noise is not None and lights is not None and noise != lights
    add_user(console_client, "noisy", StaffRole.department, noise)
    log_in(console_client, "noisy")
    # asking for the other department changes nothing
    page = console_client.get(
        f"/console/dashboard?{QUERY}&group_by=category&department_id={lights}"
    )
    own = rates(session=session, scope=_scope(noise), group_by="category")
    assert [row["key"] for row in own["rows"]] == ["noise"]
    assert 'data-key="noise"' in page.text and 'data-key="streetlight"' not in page.text
    assert re.search(r'data-testid="total-received"><a [^>]+>3<', page.text)
    listed = console_client.get(
        f"/console/dashboard/tickets?{QUERY}&department_id={lights}&measure=received"
    )
    assert seeded["late"].ticket_no not in listed.text
    assert seeded["on_time"].ticket_no in listed.text
    exported = console_client.get(f"/console/dashboard/rates.csv?{QUERY}&group_by=category")
    assert "streetlight" not in exported.text and "noise" in exported.text


def test_every_number_opens_the_tickets_behind_it(
    console_client: TestClient, session: Session, seeded: dict[str, Ticket]
) -> None:
    log_in(console_client, "boss")
    page = console_client.get(f"/console/dashboard?{QUERY}&group_by=category")
    links = _links(_row(page.text, "noise"))
    assert set(links) == {
        "received", "responded_on_time", "resolved_on_time", "rated", "reopened", "overdue",
    }  # fmt: skip
    for measure, link in links.items():
        listed = console_client.get(link)
        assert listed.status_code == 200
        query = parse_qs(urlsplit(link).query)
        assert query["service_code"] == ["noise"] and query["measure"] == [measure]
        part = Slice(measure=measure, service_code="noise")
        behind = drill_down(session=session, scope=_scope(), part=part)
        expected = {row["ticket_no"] for row in behind}
        shown = set(re.findall(r'<tr data-ticket="([^"]+)">', listed.text))
        assert shown == expected, measure
        for number in shown:
            assert f'href="/console/tickets/{number}"' in listed.text
    overdue = console_client.get(links["overdue"]).text
    assert seeded["returned"].ticket_no in overdue
    # citizen text is escaped on the page
    late = console_client.get(f"/console/dashboard/tickets?{QUERY}&service_code=streetlight")
    assert SCRIPT not in late.text and "&lt;script&gt;" in late.text


def test_csv_exports_guard_against_formulas(
    console_client: TestClient, seeded: dict[str, Ticket]
) -> None:
    log_in(console_client, "op")
    page = console_client.get(f"/console/dashboard/tickets?{QUERY}&measure=received")
    link = re.search(r'href="([^"]+)" id="csv-tickets"', page.text)
    assert link and link.group(1)
    answer = console_client.get(link.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert {row["ticket_no"] for row in rows} == {t.ticket_no for t in seeded.values()}
    texts = {row["ticket_no"]: row["description"] for row in rows}
    assert texts[seeded["returned"].ticket_no] == "'" + FORMULA
    assert texts[seeded["late"].ticket_no] == SCRIPT  # CSV is data, not HTML
    for what in ("rates", "trend", "matrix"):
        listed = console_client.get(f"/console/dashboard/{what}.csv?{QUERY}")
        assert listed.status_code == 200 and listed.text.startswith("\ufeff"), what
        assert len(list(csv.reader(io.StringIO(listed.text)))) > 1, what


def test_anonymous_callers_go_to_the_login_page(console_client: TestClient) -> None:
    for path in (
        "/console/dashboard",
        "/console/dashboard/tickets",
        "/console/dashboard/rates.csv",
        "/console/clusters",
        "/console/clusters/clusters.csv",
    ):
        answer = console_client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login", path


def test_an_empty_period_and_the_all_departments_choice(console_client: TestClient) -> None:
    log_in(console_client, "op")
    page = console_client.get("/console/dashboard?from=2020-01-01&to=2020-01-31&department_id=")
    assert page.status_code == 200
    assert "该时段没有工单。" in page.text
    assert re.search(r'data-testid="total-received"><a [^>]+>0<', page.text)
    assert console_client.get("/console/dashboard?department_id=x").status_code == 422
    assert console_client.get("/console/queue?department_id=").status_code == 200
    reversed_period = console_client.get("/console/dashboard?from=2020-02-01&to=2020-01-01")
    assert reversed_period.status_code == 400
