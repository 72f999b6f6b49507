"""`python -m suban admin create <username>`: the first admin (or any later one) for the console."""

import getpass
import sys
from typing import TextIO

from backend.auth.staff_users import create_staff_user
from backend.errors import DomainError
from backend.settings import Settings
from storage.db import create_db_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import StaffRole


def read_password(*, from_stdin: bool, stdin: TextIO) -> str:
    """The new password: the first line of stdin, or typed twice at a prompt."""
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("the two passwords differ; nothing was created")
    return first


def create_admin(*, settings: Settings, username: str, password: str) -> int:
    """Create an active admin in the configured database (migrated first); 0 on success."""
    upgrade_to_head(database_url=settings.database_url)
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine).begin() as session:
            create_staff_user(
                session=session, username=username, password=password, role=StaffRole.admin
            )
    except DomainError as error:
        print(f"not created: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"==> admin {username!r} created; log in at {settings.public_base_url}/console")
    return 0
