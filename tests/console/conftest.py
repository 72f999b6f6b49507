"""A console on the assembled app with one user of each role (passwords known to the tests)."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.staff_users import create_staff_user
from backend.settings import Settings
from storage.models import Department, StaffRole

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a console page carries in its forms."""
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


@pytest.fixture
def console_client(app_settings: Settings) -> Iterator[TestClient]:
    """The app (migrated, seeded) with admin `boss`, operator `op` and department user `dep`
    (of the first department) and `other` (of another)."""
    from suban.app import create_app

    app = create_app(app_settings)
    with TestClient(app, base_url="http://testserver") as client:
        factory: sessionmaker[Session] = app.state.session_factory
        with factory.begin() as session:
            first, second = session.scalars(select(Department).order_by(Department.id).limit(2))
            create_staff_user(
                session=session, username="boss", password=PASSWORD, role=StaffRole.admin
            )
            create_staff_user(
                session=session, username="op", password=PASSWORD, role=StaffRole.operator
            )
            create_staff_user(
                session=session,
                username="dep",
                password=PASSWORD,
                role=StaffRole.department,
                department_id=first.id,
            )
            create_staff_user(
                session=session,
                username="other",
                password=PASSWORD,
                role=StaffRole.department,
                department_id=second.id,
            )
        yield client


def add_user(
    client: TestClient, username: str, role: StaffRole, department_id: int | None = None
) -> None:
    """One more console user (password PASSWORD)."""
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        create_staff_user(
            session=session,
            username=username,
            password=PASSWORD,
            role=role,
            department_id=department_id,
        )


def other_department(client: TestClient, department_id: int) -> int:
    """Some department that is not this one."""
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        found = session.scalar(select(Department.id).where(Department.id != department_id))
    assert found is not None
    return found


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; the CSRF token of the new session."""
    token = csrf_of(client.get("/console/login").text)
    answer = client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/console/queue").text)
