"""Listing and revoking staff tokens and Open311 keys (their secrets were shown once)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from backend.errors import NotFound
from storage.models import ApiToken, Open311ApiKey, utcnow


def list_api_tokens(*, session: Session) -> Sequence[ApiToken]:
    """Every staff token with its user, newest first (never the secret: it is not stored)."""
    return (
        session.scalars(
            select(ApiToken).options(joinedload(ApiToken.staff_user)).order_by(ApiToken.id.desc())
        )
        .unique()
        .all()
    )


def list_open311_keys(*, session: Session) -> Sequence[Open311ApiKey]:
    """Every Open311 key issued here, newest first."""
    return session.scalars(select(Open311ApiKey).order_by(Open311ApiKey.id.desc())).all()


def revoke_api_token(*, session: Session, token_id: int) -> ApiToken:
    """Revoke a staff token (again: no change)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    token.revoked_at = token.revoked_at or utcnow()
    session.flush()
    return token


def revoke_open311_key(*, session: Session, key_id: int) -> Open311ApiKey:
    """Revoke an Open311 key (again: no change)."""
    key = session.get(Open311ApiKey, key_id)
    if key is None:
        raise NotFound(f"Open311 key {key_id} not found")
    key.revoked_at = key.revoked_at or utcnow()
    session.flush()
    return key
