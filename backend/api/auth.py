"""Who is calling, as FastAPI dependencies: staff, admins, and the citizen side (the bot).

Nothing but the public routes (health, Open311 reads, the web chat page) answers without a
bearer token. The citizen side is the bot and the Rasa actions: they send SERVICE_API_TOKEN,
and on calls about one ticket they name the chat they speak for in two headers,
`X-Suban-Channel` (telegram | web) and `X-Suban-Chat` (the chat id), so that the platform can
check that the chat follows the ticket (backend.tickets.permissions).
"""

from typing import Annotated

from fastapi import Depends, Header
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.api.deps import SessionDep, SettingsDep
from backend.auth.actor import Actor, ChatRef
from backend.auth.secrets import same_secret
from backend.auth.service import authenticate_staff
from backend.errors import Forbidden, InvalidRequest, NotAuthenticated
from storage.models import Channel

CHANNEL_HEADER = "X-Suban-Channel"
CHAT_HEADER = "X-Suban-Chat"

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
    """The bot acting for citizens (SERVICE_API_TOKEN), or a staff member; 401 for anyone else.

    A platform without SERVICE_API_TOKEN refuses the bot's calls: the citizen side is never
    open (`make run` generates the token under var/ for the embedded default).
    """
    if credentials is None:
        raise NotAuthenticated("a bearer token is required (SERVICE_API_TOKEN or a staff token)")
    token = credentials.credentials
    expected = settings.service_api_token
    if expected and same_secret(token, expected):
        return Actor.citizen()
    actor = authenticate_staff(session=session, token=token, admin_token=settings.admin_api_token)
    if actor is None:
        raise NotAuthenticated("invalid or revoked token")
    return actor


def named_chat(*, channel: str | None, chat_id: str | None) -> ChatRef | None:
    """The chat the two headers name, None when neither is sent; 400 for half a name."""
    if channel is None and chat_id is None:
        return None
    if channel is None or not chat_id:
        raise InvalidRequest(f"name the chat with both {CHANNEL_HEADER} and {CHAT_HEADER}")
    return ChatRef(channel=str(channel), chat_id=chat_id)


def chat_actor(
    actor: Annotated[Actor, Depends(citizen_side_actor)],
    channel: Annotated[
        Channel | None,
        Header(alias=CHANNEL_HEADER, description="the bot: channel of the chat it speaks for"),
    ] = None,
    chat_id: Annotated[
        str | None,
        Header(
            alias=CHAT_HEADER,
            max_length=128,
            description="the bot: id of the chat it speaks for (with X-Suban-Channel)",
        ),
    ] = None,
) -> Actor:
    """The citizen side on calls about one ticket: the bot speaking from the named chat.

    Staff act as themselves (the headers are ignored). The bot naming no chat stays a citizen
    actor without a chat, which sees no ticket.
    """
    if actor.is_staff:
        return actor
    chat = named_chat(channel=channel, chat_id=chat_id)
    return Actor.citizen(chat=chat) if chat else actor


StaffDep = Annotated[Actor, Depends(staff_actor)]
AdminDep = Annotated[Actor, Depends(admin_actor)]
CitizenSideDep = Annotated[Actor, Depends(citizen_side_actor)]
ChatDep = Annotated[Actor, Depends(chat_actor)]
