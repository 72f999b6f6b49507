"""`action_check_status`: how are my reports doing? (查询进度)

A ticket number in the message shows that ticket if this chat follows it (the platform
answers 404 for any other number, and so "not found" is all a stranger hears); otherwise the
citizen's open tickets are listed with their state and time limit.
"""

import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend_client, language
from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable, Ticket
from actions.conversation import Utterance, channel_and_chat
from actions.filing import catch_up_pending
from actions.messages import category_name, say, state_name, text
from actions.places import describe_place
from actions.submit_complaint import department_name
from actions.timefmt import format_due

log = logging.getLogger(__name__)

MAX_LISTED = 5


def category_of(ticket: Ticket) -> str:
    """The ticket's category name (the platform's Chinese one, else ours; ours in English)."""
    if language.current() != language.DEFAULT and ticket.get("service_code"):
        return category_name(ticket.get("service_code"))
    return ticket.get("service_name") or category_name(ticket.get("service_code"))


def status_line(ticket: Ticket) -> str:
    """One line of the open-ticket list."""
    return text(
        "status_line",
        ticket_no=ticket.get("ticket_no", ""),
        category=category_of(ticket),
        state=state_name(ticket.get("state")),
        due=format_due(ticket.get("resolve_due")) or text("due_unknown"),
    )


async def show_ticket(
    dispatcher: CollectingDispatcher,
    client: BackendClient,
    *,
    ticket_no: str,
    channel: str,
    chat_id: str,
) -> None:
    """Details of one ticket the chat follows; any other number is "not found" alike."""
    try:
        ticket = await client.get_ticket(ticket_no=ticket_no, channel=channel, chat_id=chat_id)
    except BackendRejected as exc:
        if exc.status == 404:
            say(dispatcher, "status_not_found", ticket_no=ticket_no)
            return
        raise
    say(
        dispatcher,
        "status_one",
        ticket_no=ticket.get("ticket_no", ticket_no),
        category=category_of(ticket),
        place=describe_place(dict(ticket)),
        state=state_name(ticket.get("state")),
        department=department_name(ticket) or text("department_pending"),
        due=format_due(ticket.get("resolve_due")) or text("due_unknown"),
    )


async def list_open_tickets(
    dispatcher: CollectingDispatcher, client: BackendClient, *, channel: str, chat_id: str
) -> None:
    """The citizen's open tickets, newest first as the platform orders them."""
    tickets = await client.open_tickets(channel=channel, chat_id=chat_id)
    if not tickets:
        say(dispatcher, "status_none")
        return
    lines = "\n".join(status_line(ticket) for ticket in tickets[:MAX_LISTED])
    say(dispatcher, "status_list", count=len(tickets), lines=lines)


class CheckStatus(Action):
    """Shows one ticket or lists the open ones."""

    def name(self) -> Text:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        await catch_up_pending()
        client = backend_client.get_backend()
        ticket_no = Utterance.from_tracker(tracker).ticket_no()
        channel, chat_id = channel_and_chat(tracker.sender_id)
        try:
            if ticket_no:
                await show_ticket(
                    dispatcher, client, ticket_no=ticket_no, channel=channel, chat_id=chat_id
                )
            else:
                await list_open_tickets(dispatcher, client, channel=channel, chat_id=chat_id)
        except (BackendUnavailable, BackendRejected) as exc:
            log.warning("status lookup failed for %s: %s", tracker.sender_id, exc)
            say(dispatcher, "status_unavailable")
        except Exception:
            log.exception("status lookup failed for %s", tracker.sender_id)
            say(dispatcher, "status_unavailable")
        return []
