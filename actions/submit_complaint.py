"""`action_submit_complaint`: file the confirmed report as a ticket and tell the citizen."""

import logging
from typing import Any, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import backend_client
from actions.acknowledge import LAST_TICKET_SLOT
from actions.backend_client import BackendRejected, Ticket
from actions.complaint_draft import cleared, form_values, idempotency_key, ticket_body
from actions.conversation import channel_and_chat
from actions.filing import catch_up_pending, file_report, get_pending_store, get_retry_worker
from actions.messages import say, text
from actions.timefmt import format_due

log = logging.getLogger(__name__)


def department_name(ticket: Ticket) -> Optional[str]:
    """The department in a ticket JSON (a name, or an object with a name)."""
    department: Any = ticket.get("department")
    if isinstance(department, dict):
        return department.get("name_zh") or department.get("name")
    return department or None


def say_filed(dispatcher: CollectingDispatcher, ticket: Ticket, *, anonymous: bool) -> None:
    """The ticket number, the department and the time limit (办理时限)."""
    say(
        dispatcher,
        "ticket_filed_anonymous" if anonymous else "ticket_filed",
        ticket_no=ticket.get("ticket_no", ""),
        department=department_name(ticket) or text("department_pending"),
        due=format_due(ticket.get("resolve_due")) or text("due_unknown"),
    )


class SubmitComplaint(Action):
    """Files the report once (Idempotency-Key from the conversation and the form instance)."""

    def name(self) -> Text:
        return "action_submit_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        values = form_values(tracker)
        if values.get("confirmed") is not True:
            # The form ended without a confirmed report (cancelled in words, or a second tap
            # after filing): nothing to file.
            return []
        channel, chat_id = channel_and_chat(tracker.sender_id)
        key = idempotency_key(
            sender_id=tracker.sender_id, form_instance_id=values.get("form_instance_id") or ""
        )
        store = get_pending_store()
        await catch_up_pending()
        try:
            result = await file_report(
                client=backend_client.get_backend(),
                store=store,
                draft=ticket_body(values, channel=channel, chat_id=chat_id),
                idempotency_key=key,
                sender_id=tracker.sender_id,
            )
        except BackendRejected as exc:
            log.error("platform rejected report %s: %s", key, exc)
            say(dispatcher, "ticket_rejected", reason=exc.detail)
            return reset_events()
        except Exception:
            log.exception("filing report %s failed unexpectedly; keeping it for later", key)
            store.save(
                idempotency_key=key,
                sender_id=tracker.sender_id,
                draft=ticket_body(values, channel=channel, chat_id=chat_id),
            )
            result = None
        if result is not None and result.ticket is not None:
            say_filed(
                dispatcher, result.ticket, anonymous=values.get("contact_preference") == "anonymous"
            )
            filed = result.ticket.get("ticket_no") or None
            return [*reset_events(), SlotSet(LAST_TICKET_SLOT, filed)]
        say(dispatcher, "ticket_saved_offline")
        get_retry_worker().ensure_running()
        return reset_events()


def reset_events() -> List[EventType]:
    """Empty the form for the next report (and forget the ticket filed last: a "好的" after a
    cancel acknowledges no ticket)."""
    return [SlotSet(name, value) for name, value in cleared().items()] + [
        SlotSet("description_before", None),
        SlotSet(LAST_TICKET_SLOT, None),
        SlotSet(REQUESTED_SLOT, None),
    ]
