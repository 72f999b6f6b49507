"""One conversation: the live transcript with NLU hints; take over, send, hand back; the
citizen's tickets, filed or corrected from here. All rules are the hand-over services'."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api.deps import SessionDep, SettingsDep
from backend.catalogue.service import list_categories
from backend.conversations.canned import canned_replies
from backend.handoff.filing import TicketCorrection, correct_ticket, file_for_citizen
from backend.handoff.queries import transcript
from backend.handoff.relay import send_operator_message
from backend.handoff.service import claim, holder_name, release
from backend.tickets.drafts import TicketDraft
from console.forms import attempt
from console.i18n import translate
from console.security import OperatorPage, OperatorWrite, language
from console.templating import render
from storage.models import Channel

router = APIRouter(prefix="/console/conversations/{channel}/{chat_id}", include_in_schema=False)

Short = Annotated[str, Form(max_length=64)]
Long = Annotated[str, Form(max_length=4000)]


def _url(channel: Channel, chat_id: str) -> str:
    return f"/console/conversations/{channel.value}/{chat_id}"


def _context(session: SessionDep, user: OperatorPage, channel: Channel, chat_id: str) -> dict:
    found = transcript(session=session, channel=channel, chat_id=chat_id, actor=user.actor)
    return {
        "c": found.conversation,
        "messages": found.messages,
        "tickets": found.tickets,
        "mine": found.conversation.holder == holder_name(user.actor),
        "url": _url(channel, chat_id),
    }


@router.get("", response_class=HTMLResponse)
def conversation_page(
    request: Request, channel: Channel, chat_id: str, session: SessionDep, user: OperatorPage
) -> HTMLResponse:
    """The conversation page."""
    context = _context(session, user, channel, chat_id)
    context["canned"] = canned_replies(session=session)
    context["categories"] = list_categories(session=session)
    return render(request, "conversation.html", context)


@router.get("/transcript", response_class=HTMLResponse)
def transcript_fragment(
    request: Request, channel: Channel, chat_id: str, session: SessionDep, user: OperatorPage
) -> HTMLResponse:
    """The transcript and state (fetched again on every live nudge)."""
    return render(request, "transcript.html", _context(session, user, channel, chat_id))


@router.post("/claim")
def post_claim(
    request: Request,
    channel: Channel,
    chat_id: str,
    session: SessionDep,
    settings: SettingsDep,
    user: OperatorWrite,
) -> RedirectResponse:
    """Take over: the bot goes silent for this chat (refused, naming the holder, if held)."""

    def work() -> str:
        claim(
            session=session,
            channel=channel,
            chat_id=chat_id,
            actor=user.actor,
            timeout=settings.handoff_claim_timeout,
        )
        return translate(language(request), "done_claim")

    return attempt(request, session, work=work, back=_url(channel, chat_id))


@router.post("/messages")
def post_message(
    request: Request,
    channel: Channel,
    chat_id: str,
    session: SessionDep,
    user: OperatorWrite,
    text: Long,
) -> RedirectResponse:
    """Send the citizen a message on their channel (through the outbox)."""

    def work() -> str:
        send_operator_message(
            session=session, channel=channel, chat_id=chat_id, actor=user.actor, text=text
        )
        return translate(language(request), "done_sent")

    return attempt(request, session, work=work, back=_url(channel, chat_id))


@router.post("/release")
def post_release(
    request: Request,
    channel: Channel,
    chat_id: str,
    session: SessionDep,
    user: OperatorWrite,
    note: Long = "",
) -> RedirectResponse:
    """Hand back to the bot, with an optional note kept in the transcript."""

    def work() -> str:
        release(
            session=session, channel=channel, chat_id=chat_id, actor=user.actor, note=note or None
        )
        return translate(language(request), "done_release")

    return attempt(request, session, work=work, back=_url(channel, chat_id))


@router.post("/tickets")
def post_ticket(
    request: Request,
    channel: Channel,
    chat_id: str,
    session: SessionDep,
    user: OperatorWrite,
    service_code: Short,
    description: Long,
    district: Short = "",
    street: Short = "",
    address: Annotated[str, Form(max_length=255)] = "",
    message_id: Annotated[int | None, Form()] = None,
) -> RedirectResponse:
    """File a ticket for the citizen (who follows it and is told its number)."""

    def work() -> str:
        ticket = file_for_citizen(
            session=session,
            channel=channel,
            chat_id=chat_id,
            actor=user.actor,
            draft=TicketDraft(
                service_code=service_code,
                description=description,
                district=district.strip() or None,
                street=street.strip() or None,
                address=address.strip() or None,
            ),
            message_id=message_id,
        )
        return translate(language(request), "done_filed", ticket_no=ticket.ticket_no)

    return attempt(request, session, work=work, back=_url(channel, chat_id))


@router.post("/corrections/{ticket_no}")
def post_correction(
    request: Request,
    channel: Channel,
    chat_id: str,
    ticket_no: str,
    session: SessionDep,
    user: OperatorWrite,
    service_code: Short = "",
    district: Short = "",
    street: Short = "",
    address: Annotated[str, Form(max_length=255)] = "",
    description: Long = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    """Correct a ticket not yet accepted; empty fields stay as they are."""

    def work() -> str:
        correct_ticket(
            session=session,
            ticket_no=ticket_no,
            actor=user.actor,
            correction=TicketCorrection(
                service_code=service_code.strip() or None,
                district=district.strip() or None,
                street=street.strip() or None,
                address=address.strip() or None,
                description=description.strip() or None,
                reason=reason.strip() or None,
            ),
        )
        return translate(language(request), "done_corrected", ticket_no=ticket_no)

    return attempt(request, session, work=work, back=_url(channel, chat_id))
