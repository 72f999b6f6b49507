"""Who is chatting on the web: a random id the server issues, in a signed HttpOnly cookie.

The page never sees or chooses the id, so nobody can read another citizen's messages by
guessing, leaking or inventing one. The cookie is SameSite=Strict (no other site can post as
the citizen) and Secure when the platform is served over HTTPS. It is issued by the first API
call that lacks it, not by the page: a Strict cookie is not sent when the page is reached from
a link on another site, and issuing one then would replace the citizen's existing chat.
"""

import secrets
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, TimestampSigner

from backend.api.deps import SettingsDep
from backend.settings import Settings

COOKIE = "suban_chat"
COOKIE_PATH = "/chat"
SALT = "suban.webchat.chat-id"
ID_BYTES = 24  # 32 URL-safe characters


def _signer(settings: Settings) -> TimestampSigner:
    return TimestampSigner(settings.secret_key.get_secret_value(), salt=SALT)


def chat_id_from_cookie(*, cookie: str | None, settings: Settings) -> str | None:
    """The chat id a cookie carries, or None when it is missing, forged or expired."""
    if not cookie:
        return None
    try:
        value = _signer(settings).unsign(cookie, max_age=settings.webchat_session_days * 86400)
    except BadSignature:  # includes SignatureExpired
        return None
    return value.decode("ascii")


def web_chat_id(request: Request, response: Response, settings: SettingsDep) -> str:
    """The citizen's chat id from the cookie; a new one (and its cookie) when there is none.

    Every visit renews the cookie, so a chat lasts while it is used.
    """
    chat_id = chat_id_from_cookie(cookie=request.cookies.get(COOKIE), settings=settings)
    if chat_id is None:
        chat_id = secrets.token_urlsafe(ID_BYTES)
    response.set_cookie(
        COOKIE,
        _signer(settings).sign(chat_id).decode("ascii"),
        max_age=settings.webchat_session_days * 86400,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or settings.public_base_url.startswith("https:"),
    )
    return chat_id


WebChatIdDep = Annotated[str, Depends(web_chat_id)]
