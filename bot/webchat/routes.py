"""Routes of the web chat: the page, messages, photo uploads and polling for proactive messages."""

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    File,
    HTTPException,
    Request,
    UploadFile,
    status,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.api.deps import SessionDep, SettingsDep
from backend.citizens.language import chat_language
from backend.inputs import Cursor, Text
from backend.rasa.client import RasaClient
from bot.delivery.store import chat_updates
from bot.gate import Admission, InboundGate, Outcome
from bot.payloads import photo_payload
from bot.texts import bot_text
from bot.transactions import run_in_transaction
from bot.webchat.identity import WebChatIdDep
from bot.webchat.uploads import (
    MAX_PHOTO_BYTES,
    InvalidPhoto,
    OverQuota,
    PhotoQuota,
    accept_photo,
    media_type,
    stored_photo,
)
from storage.models import Channel, utcnow

router = APIRouter(tags=["webchat"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

CHANNEL = Channel.web.value
UPLOAD_POLICY = "default-src 'none'; img-src 'self'; sandbox"


def get_rasa(request: Request) -> RasaClient:
    """The Rasa client built at start-up."""
    return request.app.state.rasa


RasaDep = Annotated[RasaClient, Depends(get_rasa)]


def get_session_factory(request: Request) -> sessionmaker[Session]:
    """The platform's session factory, for recording the conversation."""
    return request.app.state.session_factory


SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]


def get_gate(request: Request) -> InboundGate:
    """The rate-limited way into the bot, built at start-up."""
    return request.app.state.gate


GateDep = Annotated[InboundGate, Depends(get_gate)]


def client_address(request: Request) -> str | None:
    """The client's address; behind a proxy uvicorn takes it from X-Forwarded-For
    (proxy_headers, for the proxies FORWARDED_ALLOW_IPS trusts)."""
    return request.client.host if request.client else None


AddressDep = Annotated[str | None, Depends(client_address)]


def too_many(text: str, retry_after: int) -> HTTPException:
    """A 429 whose detail the page shows to the citizen."""
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, text, headers=headers)


def replies_of(admission: Admission) -> list[dict]:
    """The replies to show, or a 429 when the message was refused."""
    if admission.outcome is Outcome.refused:
        raise too_many(admission.replies[0].text or "", admission.retry_after)
    return [reply.to_dict() for reply in admission.replies]


class WebChatMessage(BaseModel):
    """A message typed (or a button tapped) in the web chat (who sent it: the cookie)."""

    text: Text = Field(max_length=4000)


class WebChatReplies(BaseModel):
    """What the bot answers, in order."""

    replies: list[dict]


class WebChatPhotoReplies(WebChatReplies):
    """What the bot answers to a photo, and where the photo is served."""

    photo_url: str


class WebChatUpdate(BaseModel):
    """A proactive message (progress, rating prompt) waiting for the page."""

    id: int
    text: str | None
    buttons: list[dict]
    image: str | None


class WebChatUpdates(BaseModel):
    """Proactive messages after the page's cursor, and the new cursor."""

    messages: list[WebChatUpdate]
    last_id: int


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
async def chat_page(request: Request) -> HTMLResponse:
    """The web chat page."""
    return templates.TemplateResponse(request, "chat.html")


@router.post(
    "/chat/api/messages",
    responses={429: {"description": "too many requests from this address; Retry-After says"}},
)
async def post_message(
    message: WebChatMessage,
    chat_id: WebChatIdDep,
    rasa: RasaDep,
    gate: GateDep,
    address: AddressDep,
) -> WebChatReplies:
    """Send the citizen's message to the bot and return its replies.

    Over the chat's (or address's) rate limit the message is held and the reply says when it
    will be handled; its answer then arrives through `/chat/api/updates`.
    """
    admission = await gate.converse(
        rasa=rasa,
        channel=CHANNEL,
        chat_id=chat_id,
        text=message.text,
        address=address,
    )
    return WebChatReplies(replies=replies_of(admission))


@router.post(
    "/chat/api/photos",
    responses={429: {"description": "too many photos, or the chat's photo quota is used up"}},
)
async def post_photo(
    chat_id: WebChatIdDep,
    photo: Annotated[UploadFile, File(description="JPG, PNG, GIF or WebP, at most 10 MB")],
    rasa: RasaDep,
    settings: SettingsDep,
    session_factory: SessionFactoryDep,
    gate: GateDep,
    address: AddressDep,
) -> WebChatPhotoReplies:
    """Store the citizen's photo, tell the bot about it, and return the bot's replies."""
    verdict = await gate.limits.photo(channel=CHANNEL, chat_id=chat_id, address=address)
    if not verdict.allowed:
        name = "address_busy" if verdict.by_address else "photo_too_fast"
        language = await run_in_transaction(
            session_factory,
            lambda session: chat_language(session=session, channel=CHANNEL, chat_id=chat_id),
        )
        text = bot_text(name, language=language, seconds=verdict.seconds)
        raise too_many(text, verdict.seconds)
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    quota = PhotoQuota(count=settings.photo_quota_count, total_bytes=settings.photo_quota_bytes)
    try:
        name = await asyncio.to_thread(
            accept_photo,
            session_factory=session_factory,
            data=data,
            directory=settings.uploads_dir,
            channel=CHANNEL,
            chat_id=chat_id,
            quota=quota,
            now=utcnow(),
        )
    except InvalidPhoto as error:  # 400: a 422 is a field-by-field list (HTTPValidationError)
        language = await run_in_transaction(
            session_factory,
            lambda session: chat_language(session=session, channel=CHANNEL, chat_id=chat_id),
        )
        raise HTTPException(status.HTTP_400_BAD_REQUEST, error.say(language)) from error
    except OverQuota as error:
        raise too_many(str(error), 0) from error
    url = f"{settings.public_base_url.rstrip('/')}/chat/uploads/{name}"
    admission = await gate.converse(
        rasa=rasa, channel=CHANNEL, chat_id=chat_id, text=photo_payload(url=url), address=address
    )
    return WebChatPhotoReplies(photo_url=url, replies=replies_of(admission))


@router.get("/chat/uploads/{name}", include_in_schema=False)
def get_upload(name: str, settings: SettingsDep) -> FileResponse:
    """A photo uploaded in the web chat, as the image type we detected (never sniffed, never
    run: a sandbox CSP in case a browser is tricked into rendering it as a page)."""
    try:
        path = stored_photo(name=name, directory=settings.uploads_dir)
    except FileNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such photo") from error
    return FileResponse(
        path,
        media_type=media_type(name),
        content_disposition_type="inline",
        filename=name,
        headers={"Content-Security-Policy": UPLOAD_POLICY, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/chat/api/updates")
def get_updates(
    chat_id: WebChatIdDep,
    session: SessionDep,
    after: Cursor = 0,
) -> WebChatUpdates:
    """Proactive messages for this chat with ids above `after` (the page polls this)."""
    stored = chat_updates(session=session, channel=CHANNEL, chat_id=chat_id, after=after)
    messages = [
        WebChatUpdate(
            id=item.id,
            text=item.reply.text,
            buttons=[{"title": b.title, "payload": b.payload} for b in item.reply.buttons],
            image=item.reply.image,
        )
        for item in stored
    ]
    return WebChatUpdates(messages=messages, last_id=stored[-1].id if stored else after)
