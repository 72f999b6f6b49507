"""Who is calling, as FastAPI dependencies: staff, admins, and the citizen side (the bot)."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.api.deps import SessionDep, SettingsDep
from backend.auth.actor import Actor
from backend.auth.secrets import same_secret
from backend.auth.service import authenticate_staff
from backend.errors import Forbidden, NotAuthenticated

bearer = HTTPBearer(auto_error=False, description="Staff token, or SERVICE_API_TOKEN for the bot")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def staff_actor(session: SessionDep, settings: SettingsDep, credentials: BearerDep) -> Actor:
    """The staff member behind the bearer token; 401 without a valid one."""
    if credentials is None:
        raise NotAuthenticated("a staff bearer token is required")
    actor = authenticate_staff(
        session=session, token=credentials.credentials, admin_token=settings.admin_api_token
    )
    if actor is None:
        raise NotAuthenticated("invalid or revoked token")
    return actor


def admin_actor(actor: Annotated[Actor, Depends(staff_actor)]) -> Actor:
    """An admin; 403 for other staff."""
    if not actor.is_admin:
        raise Forbidden("admin only")
    return actor


def citizen_side_actor(session: SessionDep, settings: SettingsDep, credentials: BearerDep) -> Actor:
    """The bot acting for a citizen, or a staff member.

    With SERVICE_API_TOKEN set, its bearer (or a staff token) is required; unset, the call is
    open (the embedded default on 127.0.0.1).
    """
    token = credentials.credentials if credentials else None
    expected = settings.service_api_token
    if token and expected and same_secret(token, expected):
        return Actor.citizen()
    if token:
        actor = authenticate_staff(
            session=session, token=token, admin_token=settings.admin_api_token
        )
        if actor is not None:
            return actor
        if expected:
            raise NotAuthenticated("invalid token")
    if expected:
        raise NotAuthenticated("the service bearer token is required")
    return Actor.citizen()


StaffDep = Annotated[Actor, Depends(staff_actor)]
AdminDep = Annotated[Actor, Depends(admin_actor)]
CitizenSideDep = Annotated[Actor, Depends(citizen_side_actor)]
