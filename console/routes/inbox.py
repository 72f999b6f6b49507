"""The inbox: conversations waiting for a person or held, newest activity first, live."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from backend.api.deps import SessionDep
from backend.handoff.queries import StateFilter, list_conversations
from console.live import handoff_stream
from console.security import OperatorPage
from console.templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


def _context(session: SessionDep, user: OperatorPage, state: str) -> dict:
    chosen = StateFilter.all if state == "all" else StateFilter.active
    conversations = list_conversations(session=session, actor=user.actor, state=chosen)
    return {"conversations": conversations, "show": chosen.value}


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request, session: SessionDep, user: OperatorPage, show: str = "active"
) -> HTMLResponse:
    """Waiting and held conversations (`?show=all`: also those with the bot, to step in)."""
    return render(request, "inbox.html", _context(session, user, show))


@router.get("/inbox/rows", response_class=HTMLResponse)
def inbox_rows(
    request: Request, session: SessionDep, user: OperatorPage, show: str = "active"
) -> HTMLResponse:
    """The inbox's rows (fetched again on every live nudge)."""
    return render(request, "inbox_rows.html", _context(session, user, show))


@router.get("/stream")
async def stream(request: Request, user: OperatorPage) -> StreamingResponse:
    """Server-sent nudges for the inbox and conversation pages."""
    return StreamingResponse(
        handoff_stream(request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
