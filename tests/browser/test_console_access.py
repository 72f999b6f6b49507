"""Getting into the console: logging in, every page shut to visitors, forms need a CSRF token."""

import re
from collections.abc import Callable

from fastapi.routing import iter_route_contexts
from playwright.sync_api import Page, expect

from storage.models import StaffRole
from tests.browser.conftest import shot
from tests.browser.staff import create_staff, log_in
from tests.e2e.live import Platform

PARAMETER = re.compile(r"\{[^}]+\}")


def console_pages(platform: Platform) -> list[str]:
    """Every page (GET route) the console serves except the login page, parameters filled in."""
    paths = {
        PARAMETER.sub("1", route.path)
        for route in iter_route_contexts(platform.app.routes)
        if "GET" in (route.methods or ())
        and route.path.startswith("/console")
        and route.path != "/console/login"
    }
    return sorted(paths)


def test_staff_log_in_and_land_on_their_start_page(
    platform: Platform, new_page: Callable[[], Page]
) -> None:
    department = create_staff(platform, StaffRole.department, department_id=1)
    page = new_page()

    page.goto("/console/login")
    page.fill("#username", department.username)
    page.fill("#password", "not-the-password")
    page.click("#login-submit")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    shot(page, "login-refused")

    log_in(page, department, screenshot="login-form")
    expect(page).to_have_url(re.compile(r"/console/queue$"))
    expect(page.locator("#queue-table")).to_be_visible()
    shot(page, "queue-after-login")

    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.goto("/console/queue")
    expect(page).to_have_url(re.compile(r"/console/login$"))


def test_an_admin_reaches_the_admin_page(platform: Platform, page: Page) -> None:
    log_in(page, create_staff(platform, StaffRole.admin))
    page.goto("/console/queue")
    page.click("#nav-admin")
    expect(page).to_have_url(re.compile(r"/console/admin$"))
    shot(page, "admin")


def test_an_unauthenticated_visit_to_any_console_page_lands_on_the_login_page(
    platform: Platform, page: Page
) -> None:
    pages = console_pages(platform)
    assert "/console/queue" in pages
    for path in pages:
        page.goto(path)
        expect(page, f"{path} did not send a visitor to log in").to_have_url(
            re.compile(r"/console/login$")
        )
        expect(page.locator("#login-form")).to_be_visible()
    shot(page, "login-page")


def fill_new_user(page: Page, username: str) -> None:
    page.goto("/console/admin")
    page.fill("#new-username", username)
    page.select_option("#create-user-form select[name='role']", "operator")
    page.fill("#new-password", "a-long-enough-password")


def test_a_form_post_without_the_csrf_token_is_refused(platform: Platform, page: Page) -> None:
    admin = create_staff(platform, StaffRole.admin)
    log_in(page, admin)
    newcomer = f"csrf-{admin.username}"
    users = page.locator(f"[data-testid='user-row'][data-username='{newcomer}']")

    fill_new_user(page, newcomer)
    page.locator("#create-user-form input[name='csrf_token']").evaluate("input => input.remove()")
    page.click("#create-user")
    expect(page.get_by_test_id("error")).to_contain_text("CSRF")
    shot(page, "csrf-refused")
    page.goto("/console/admin")
    expect(users).to_have_count(0)

    # The same form with its token goes through: the refusal was the missing token.
    fill_new_user(page, newcomer)
    page.click("#create-user")
    expect(users).to_have_count(1)
    shot(page, "admin-user-created")

    # A post from elsewhere carries the browser's cookie but cannot know the token.
    response = page.request.post(
        "/console/admin/users",
        form={"username": f"{newcomer}-2", "password": "a-long-enough-password", "role": "admin"},
    )
    assert response.status == 403
    # The login form needs it too.
    response = page.request.post(
        "/console/login", form={"username": admin.username, "password": admin.password}
    )
    assert response.status == 403
