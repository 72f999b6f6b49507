"""Staff users with console logins: create, check a password, reset it, deactivate.

Who may do what is the caller's (the console's admin pages, the `admin create` command);
these rules only keep the users consistent.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from backend.errors import Conflict, InvalidRequest, NotFound
from storage.models import ActorKind, Department, StaffRole, StaffUser


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def create_staff_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: StaffRole,
    department_id: int | None = None,
    display_name: str = "",
) -> StaffUser:
    """A new staff user who can log in; Conflict when the username is taken."""
    username = username.strip()
    if not username or len(username) > 64:
        raise InvalidRequest("the username needs 1 to 64 characters")
    _check_password(password)
    if role == StaffRole.department and department_id is None:
        raise InvalidRequest("department staff need a department")
    if role != StaffRole.department:
        department_id = None
    if department_id is not None and session.get(Department, department_id) is None:
        raise InvalidRequest(f"unknown department {department_id}")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise Conflict(f"the username {username!r} is taken")
    user = StaffUser(
        username=username,
        display_name=display_name.strip(),
        role=role,
        department_id=department_id,
        active=True,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def login(*, session: Session, username: str, password: str) -> StaffUser | None:
    """The active user with this username and password, or None (never says which was wrong)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    stored = user.password_hash if user is not None else None
    if not verify_password(password=password, password_hash=stored):
        return None
    if user is None or not user.active:
        return None
    if stored and needs_rehash(stored):
        user.password_hash = hash_password(password)
    return user


def active_user(*, session: Session, user_id: int) -> StaffUser | None:
    """The user a console session names, while still active."""
    user = session.get(StaffUser, user_id)
    return user if user is not None and user.active else None


def actor_of(user: StaffUser) -> Actor:
    """The staff actor a logged-in user acts as (the same rules as their API token)."""
    return Actor(
        kind=ActorKind.staff,
        id=user.username,
        role=StaffRole(user.role),
        department_id=user.department_id,
    )


def _user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound(f"staff user {user_id} not found")
    return user


def reset_password(*, session: Session, user_id: int, password: str) -> StaffUser:
    """Give the user a new password."""
    _check_password(password)
    user = _user(session, user_id)
    user.password_hash = hash_password(password)
    session.flush()
    return user


def set_active(*, session: Session, user_id: int, active: bool, by: Actor) -> StaffUser:
    """Deactivate (or reactivate) a user; their sessions and tokens stop working at once."""
    user = _user(session, user_id)
    if not active and user.username == by.id:
        raise Conflict("you cannot deactivate yourself")
    user.active = active
    session.flush()
    return user


def list_staff_users(*, session: Session) -> Sequence[StaffUser]:
    """Every staff user, by username."""
    return session.scalars(select(StaffUser).order_by(StaffUser.username)).all()
