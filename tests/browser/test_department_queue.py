"""Department staff work their queue in the console; the citizen follows it in the web chat."""

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from storage.models import StaffRole
from tests.browser.citizens import WebCitizen
from tests.browser.conftest import shot
from tests.browser.staff import create_staff, log_in
from tests.e2e.live import Platform

NOTE = "已责令施工单位停止夜间打桩，并安排夜间巡查"


def department_of(platform: Platform, ticket_no: str) -> int:
    response = httpx.get(
        f"{platform.url}/api/v1/tickets/{ticket_no}", headers=platform.staff_headers, timeout=30
    )
    response.raise_for_status()
    department_id = response.json()["department_id"]
    assert department_id is not None, "the ticket was not routed to a department"
    return department_id


def test_a_department_user_resolves_a_ticket_and_the_citizen_is_told_and_asked_to_rate(
    platform: Platform, new_page: Callable[[], Page]
) -> None:
    citizen = WebCitizen(new_page()).open()
    ticket_no = citizen.files_a_ticket()
    citizen.sees("承办部门")  # one confirmation: number, department, time limit
    shot(citizen.page, "web-citizen-ticket-filed")

    staff = new_page()
    log_in(
        staff,
        create_staff(
            platform, StaffRole.department, department_id=department_of(platform, ticket_no)
        ),
    )
    expect(staff).to_have_url(re.compile(r"/console/queue$"))
    row = staff.locator(f"[data-testid='queue-row'][data-ticket='{ticket_no}']")
    expect(row).to_be_visible()
    shot(staff, "department-queue")

    row.get_by_role("link", name=ticket_no).click()
    expect(staff.locator("#ticket-no")).to_contain_text(ticket_no)
    shot(staff, "department-ticket")
    staff.click("#do-accept")
    expect(staff.get_by_test_id("flash")).to_be_visible()
    citizen.sees("签收")

    staff.fill("#resolve-note", NOTE)
    shot(staff, "department-resolve-note")
    staff.click("#do-resolve")
    expect(staff.get_by_test_id("flash")).to_be_visible()
    expect(staff.locator("[data-testid='event'][data-action='resolve'] .note")).to_have_text(NOTE)
    shot(staff, "department-ticket-resolved")

    citizen.sees(NOTE)
    prompt = citizen.page.locator("#log .bubble").filter(
        has=citizen.page.locator(".buttons button", has_text="不满意")
    )
    expect(prompt.last).to_be_visible()
    for title in ("满意", "基本满意", "不满意"):
        expect(prompt.last.get_by_role("button", name=title, exact=True)).to_be_visible()
    shot(citizen.page, "web-citizen-rating-prompt")

    thanked = citizen.next_bot(after=citizen.taps("满意"))
    expect(thanked).to_contain_text("评价")
    expect(thanked).not_to_contain_text("不满意")
    staff.reload()
    expect(staff.get_by_test_id("rating")).to_have_count(1)
    expect(staff.locator("[data-testid='event'][data-action='rate']")).to_contain_text("满意")
    shot(staff, "department-ticket-rated")
