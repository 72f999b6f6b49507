"""The Telegram chat a department names to be told about its reminders and escalations."""

import re

from sqlalchemy.orm import Session

from backend.errors import InvalidRequest, NotFound
from storage.models import Department

# A Telegram chat id: a user or group number (groups negative), or a public @channelname.
CHAT_ID = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31}")


def set_department_chat(*, session: Session, department_id: int, chat_id: str) -> Department:
    """Set (or with an empty value clear) the department's Telegram chat."""
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound(f"department {department_id} not found")
    value = chat_id.strip()
    if value and not CHAT_ID.fullmatch(value):
        raise InvalidRequest("a Telegram chat id is a number (groups: negative) or @name")
    department.telegram_chat_id = value or None
    session.flush()
    return department
