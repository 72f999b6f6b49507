"""Listing and revoking staff tokens and Open311 keys (their secrets were shown once)."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from backend.errors import NotFound
from storage.models import ApiToken, Open311ApiKey, utcnow

Revocable = TypeVar("Revocable", ApiToken, Open311ApiKey)


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


def _revoke(session: Session, model: type[Revocable], row_id: int) -> Revocable:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{model.__tablename__} {row_id} not found")
    row.revoked_at = row.revoked_at or utcnow()  # again: no change
    session.flush()
    return row


def revoke_api_token(*, session: Session, token_id: int) -> ApiToken:
    """Revoke a staff token; it is refused from the next request on."""
    return _revoke(session, ApiToken, token_id)


def revoke_open311_key(*, session: Session, key_id: int) -> Open311ApiKey:
    """Revoke an Open311 key."""
    return _revoke(session, Open311ApiKey, key_id)
