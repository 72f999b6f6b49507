"""Staff for the browser tests: users made with the platform's own service (as the console's
admin page and `python -m suban admin create` make them), logged in through the login page."""

import itertools
import secrets
from dataclasses import dataclass

from playwright.sync_api import Page

from backend.auth.staff_users import create_staff_user
from storage.db import create_db_engine, create_session_factory
from storage.models import StaffRole
from tests.browser.conftest import shot
from tests.e2e.live import Platform

_numbers = itertools.count(1)


@dataclass(frozen=True)
class StaffLogin:
    """A console user and the password to log in with."""

    username: str
    password: str
    role: StaffRole
    department_id: int | None = None


def create_staff(
    platform: Platform, role: StaffRole, *, department_id: int | None = None
) -> StaffLogin:
    """A new active user with a fresh name and password in the live platform's database."""
    login = StaffLogin(
        username=f"{role.value}-{next(_numbers)}-{secrets.token_hex(3)}",
        password=secrets.token_urlsafe(12),
        role=role,
        department_id=department_id,
    )
    engine = create_db_engine(platform.settings.database_url)
    try:
        with create_session_factory(engine).begin() as session:
            create_staff_user(
                session=session,
                username=login.username,
                password=login.password,
                role=role,
                department_id=department_id,
            )
    finally:
        engine.dispose()
    return login


def log_in(page: Page, login: StaffLogin, *, screenshot: str | None = None) -> None:
    """Log in on /console/login and wait for the start page it sends the user to."""
    page.goto("/console/login")
    page.fill("#username", login.username)
    page.fill("#password", login.password)
    if screenshot:
        shot(page, screenshot)
    page.click("#login-submit")
    page.wait_for_url(lambda url: not url.endswith("/console/login"))
