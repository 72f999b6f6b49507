"""Routes of the web chat: the page and the message endpoint."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from backend.rasa.client import RasaClient
from bot.pipeline import handle_inbound

router = APIRouter(tags=["webchat"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def get_rasa(request: Request) -> RasaClient:
    """The Rasa client built at start-up."""
    return request.app.state.rasa


RasaDep = Annotated[RasaClient, Depends(get_rasa)]


class WebChatMessage(BaseModel):
    """A message typed (or a button tapped) in the web chat."""

    session_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    text: str = Field(min_length=1, max_length=4000)


class WebChatReplies(BaseModel):
    """What the bot answers, in order."""

    replies: list[dict]


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
async def chat_page(request: Request) -> HTMLResponse:
    """The web chat page."""
    return templates.TemplateResponse(request, "chat.html")


@router.post("/chat/api/messages")
async def post_message(message: WebChatMessage, rasa: RasaDep) -> WebChatReplies:
    """Send the citizen's message to the bot and return its replies."""
    replies = await handle_inbound(
        rasa=rasa, channel="web", chat_id=message.session_id, text=message.text.strip()
    )
    return WebChatReplies(replies=[reply.to_dict() for reply in replies])
