"""The 三率 dashboard and the 类案 page in headless Chromium: the charts are drawn by ECharts
under the console's CSP (no error in the page), a number opens its tickets, a supervisor turns
a cluster into a proactive ticket. Screenshots under var/reports/screenshots/.

Only the platform runs here (no Rasa): the dashboard needs nothing else.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.auth.staff_users import create_staff_user
from backend.settings import Settings
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from storage.models import StaffRole, TicketState, utcnow
from tests.backend.clusters.test_detection import LIGHTS
from tests.backend.stats.conftest import build
from tests.browser.conftest import WAIT_MS, shot
from tests.e2e.stack import free_port, serving_platform

PASSWORD = "correct horse battery"
CHARTS = ("#chart-trend", "#chart-categories", "#chart-matrix")


@dataclass(frozen=True)
class Served:
    url: str


@pytest.fixture
def served(app_settings: Settings, session: Session) -> Iterator[Served]:
    """The platform on a free port over a database with a month of tickets, five alike
    streetlight reports this week, and an operator `op`."""
    now = utcnow()
    outcomes = [
        {"state": TicketState.closed, "contact_after": 1, "resolved_after": 10, "scores": (3,)},
        {"state": TicketState.closed, "contact_after": 30, "resolved_after": 60, "scores": (1,)},
        {"state": TicketState.returned},
        {"state": TicketState.accepted, "contact_after": 2, "resolve_limit": 24 * 40},
    ]
    for day in range(1, 25, 2):
        for index, code in enumerate(("noise", "streetlight")):
            outcome = outcomes[(day + index) % len(outcomes)]
            build(session, code, now - timedelta(days=day, hours=index), **outcome)
    for days, text in enumerate(LIGHTS):
        at = now - timedelta(days=days, hours=3)
        draft = TicketDraft(
            service_code="streetlight", description=text, district="福田区", street="华强北街道"
        )
        create_ticket(session=session, draft=draft, actor=Actor.citizen(), now=at)
    create_staff_user(session=session, username="op", password=PASSWORD, role=StaffRole.operator)
    session.commit()
    settings = app_settings.model_copy(
        update={"platform_port": free_port(), "console_login_rate_limit": "1000/minute"}
    )
    with serving_platform(settings) as url:
        yield Served(url=url)


@pytest.fixture
def operator(chromium: Browser, served: Served) -> Iterator[tuple[Page, list[str]]]:
    """A logged-in operator's page and the errors it reports (CSP refusals show there)."""
    context = chromium.new_context(
        base_url=served.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.goto("/console/login")
    page.fill("#username", "op")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: not url.endswith("/console/login"))
    yield page, errors
    context.close()


def test_the_dashboard_draws_its_charts_and_opens_the_tickets_behind_a_number(
    operator: tuple[Page, list[str]],
) -> None:
    page, errors = operator
    page.click("#nav-dashboard")
    expect(page).to_have_url(re.compile(r"/console/dashboard$"))
    for chart in CHARTS:
        expect(page.locator(f"{chart}[data-rendered='true'] canvas").first).to_be_visible()
    expect(page.get_by_test_id("definition-response_rate")).to_contain_text("响应率")
    shot(page, "dashboard-by-department")

    page.select_option("#group-by", "category")
    page.select_option("#interval", "week")
    page.click("#show")
    expect(page).to_have_url(re.compile(r"group_by=category"))
    expect(page.locator("#chart-trend[data-rendered='true'] canvas").first).to_be_visible()
    shot(page, "dashboard-by-category-weekly")

    received = page.locator('tr[data-key="streetlight"] a[data-measure="received"]')
    count = int(received.inner_text())
    received.click()
    expect(page).to_have_url(re.compile(r"/console/dashboard/tickets\?.*service_code=streetlight"))
    expect(page.locator("#drill-table tbody tr[data-ticket]")).to_have_count(count)
    shot(page, "dashboard-drill-down")
    page.locator("#drill-table tbody tr[data-ticket] a").first.click()
    expect(page).to_have_url(re.compile(r"/console/tickets/SZ"))
    assert errors == []


def test_a_supervisor_turns_a_cluster_into_a_proactive_ticket(
    operator: tuple[Page, list[str]],
) -> None:
    page, errors = operator
    page.goto("/console/clusters")
    page.click("#refresh-clusters")
    cluster = page.locator("section.cluster").first
    expect(cluster).to_contain_text("华强北街道")
    expect(cluster.locator("li")).to_have_count(len(LIGHTS))
    shot(page, "clusters")
    cluster.locator("button.make-proactive").click()
    expect(page).to_have_url(re.compile(r"/console/tickets/SZ"))
    expect(page.get_by_test_id("flash")).to_contain_text("未诉先办")
    expect(page.get_by_test_id("ticket-description")).to_contain_text("【未诉先办】")
    shot(page, "proactive-ticket")
    assert errors == []
