"""Routes of the web chat: the page, messages, photo uploads and polling for proactive messages."""

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    File,
    HTTPException,
    Query,
    Request,
    UploadFile,
    status,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.api.deps import SessionDep, SettingsDep
from backend.rasa.client import RasaClient
from bot.delivery.store import chat_updates
from bot.payloads import photo_payload
from bot.pipeline import handle_inbound
from bot.webchat.identity import WebChatIdDep
from bot.webchat.uploads import MAX_PHOTO_BYTES, InvalidPhoto, save_photo, stored_photo
from storage.models import Channel

router = APIRouter(tags=["webchat"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

CHANNEL = Channel.web.value


def get_rasa(request: Request) -> RasaClient:
    """The Rasa client built at start-up."""
    return request.app.state.rasa


RasaDep = Annotated[RasaClient, Depends(get_rasa)]


def get_session_factory(request: Request) -> sessionmaker[Session]:
    """The platform's session factory, for recording the conversation."""
    return request.app.state.session_factory


SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]


class WebChatMessage(BaseModel):
    """A message typed (or a button tapped) in the web chat (who sent it: the cookie)."""

    text: str = Field(min_length=1, max_length=4000)


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


@router.post("/chat/api/messages")
async def post_message(
    message: WebChatMessage,
    chat_id: WebChatIdDep,
    rasa: RasaDep,
    session_factory: SessionFactoryDep,
) -> WebChatReplies:
    """Send the citizen's message to the bot and return its replies."""
    replies = await handle_inbound(
        rasa=rasa,
        channel=CHANNEL,
        chat_id=chat_id,
        text=message.text.strip(),
        session_factory=session_factory,
    )
    return WebChatReplies(replies=[reply.to_dict() for reply in replies])


@router.post("/chat/api/photos")
async def post_photo(
    chat_id: WebChatIdDep,
    photo: Annotated[UploadFile, File(description="JPG, PNG, GIF or WebP, at most 10 MB")],
    rasa: RasaDep,
    settings: SettingsDep,
    session_factory: SessionFactoryDep,
) -> WebChatPhotoReplies:
    """Store the citizen's photo, tell the bot about it, and return the bot's replies."""
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    try:
        name = await asyncio.to_thread(save_photo, data=data, directory=settings.uploads_dir)
    except InvalidPhoto as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    url = f"{settings.public_base_url.rstrip('/')}/chat/uploads/{name}"
    replies = await handle_inbound(
        rasa=rasa,
        channel=CHANNEL,
        chat_id=chat_id,
        text=photo_payload(url=url),
        session_factory=session_factory,
    )
    return WebChatPhotoReplies(photo_url=url, replies=[reply.to_dict() for reply in replies])


@router.get("/chat/uploads/{name}", include_in_schema=False)
def get_upload(name: str, settings: SettingsDep) -> FileResponse:
    """A photo uploaded in the web chat."""
    try:
        return FileResponse(stored_photo(name=name, directory=settings.uploads_dir))
    except FileNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such photo") from error


@router.get("/chat/api/updates")
def get_updates(
    chat_id: WebChatIdDep,
    session: SessionDep,
    after: Annotated[int, Query(ge=0)] = 0,
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
