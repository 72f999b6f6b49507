"""Authentication rules: bearer tokens → Actor; staff tokens and Open311 keys issued by admins."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.auth.secrets import hash_secret, new_secret, same_secret
from backend.errors import InvalidRequest
from storage.models import (
    ActorKind,
    ApiToken,
    Department,
    Open311ApiKey,
    StaffRole,
    StaffUser,
    utcnow,
)

ADMIN_TOKEN_ACTOR = Actor(kind=ActorKind.staff, id="admin-token", role=StaffRole.admin)


def authenticate_staff(*, session: Session, token: str, admin_token: str | None) -> Actor | None:
    """The staff actor a bearer token belongs to, or None for an unknown or revoked token."""
    if admin_token and same_secret(token, admin_token):
        return ADMIN_TOKEN_ACTOR
    row = session.execute(
        select(ApiToken, StaffUser)
        .join(StaffUser, ApiToken.staff_user_id == StaffUser.id)
        .where(ApiToken.token_hash == hash_secret(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.StaffUser.active:
        return None
    row.ApiToken.last_used_at = utcnow()
    user = row.StaffUser
    return Actor(
        kind=ActorKind.staff,
        id=user.username,
        role=StaffRole(user.role),
        department_id=user.department_id,
    )


@dataclass(frozen=True)
class IssuedToken:
    """A staff token as shown once to the admin."""

    token: str
    user: StaffUser


def issue_staff_token(
    *,
    session: Session,
    username: str,
    role: StaffRole,
    department_id: int | None,
    display_name: str = "",
    label: str = "",
) -> IssuedToken:
    """Create the staff user if new (or check it matches) and give them a new token."""
    if role == StaffRole.department and department_id is None:
        raise InvalidRequest("department staff need a department_id")
    if department_id is not None and session.get(Department, department_id) is None:
        raise InvalidRequest(f"unknown department_id {department_id}")
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        user = StaffUser(
            username=username,
            display_name=display_name,
            role=role,
            department_id=department_id,
            active=True,
        )
        session.add(user)
        session.flush()
    elif user.role != role or user.department_id != department_id:
        raise InvalidRequest(
            f"staff user {username!r} exists with role {user.role}"
            f" and department {user.department_id}"
        )
    token = new_secret()
    session.add(ApiToken(staff_user_id=user.id, token_hash=hash_secret(token), label=label))
    session.flush()
    return IssuedToken(token=token, user=user)


def issue_open311_key(*, session: Session, label: str) -> str:
    """A new Open311 `api_key` (shown once)."""
    key = new_secret()
    session.add(Open311ApiKey(key_hash=hash_secret(key), label=label))
    session.flush()
    return key


def verify_open311_key(*, session: Session, api_key: str, configured_keys: set[str]) -> bool:
    """True for a key listed in OPEN311_API_KEYS or issued by an admin and not revoked."""
    if any(same_secret(api_key, key) for key in configured_keys):
        return True
    found = session.scalar(
        select(Open311ApiKey.id).where(
            Open311ApiKey.key_hash == hash_secret(api_key), Open311ApiKey.revoked_at.is_(None)
        )
    )
    return found is not None
