"""`validate_complaint_form`: reads each message into the report and picks the next question.

Rasa calls it when the form starts (fill everything the first message answers), after every
answer (read it, or reject an interruption so a rule can answer it), and when the form
resumes after an interruption (just ask again). Any failure is logged and answered politely;
the conversation goes on.
"""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions import backend_client
from actions.complaint_draft import FORM_NAME, form_values, next_slot
from actions.complaint_turns import (
    continue_report,
    fresh_report,
    is_interruption,
    start_report,
)
from actions.conversation import Utterance
from actions.duplicates import FOLLOWED, OFFER_SLOT, answer_offer, check_for_duplicate
from actions.form_replies import answer_question
from actions.messages import say
from actions.replies import asks_where_a_place_is_due, is_question, offer_reply, reply_kind
from actions.submit_complaint import reset_events

log = logging.getLogger(__name__)

# Actions that run between a user message and the form without being an interruption.
_FORM_MACHINERY = {"action_listen", "action_extract_slots", FORM_NAME, f"validate_{FORM_NAME}"}


def _since_last_message(tracker: Tracker) -> List[Dict[str, Any]]:
    """The events after the citizen's latest message, newest first."""
    recent = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        recent.append(event)
    return recent


def is_activation(tracker: Tracker) -> bool:
    """Is the form starting now? (Rasa logs the loop's activation after the message.)

    A `requested_slot` left over from an earlier session does not make it a continuation.
    """
    if tracker.get_slot(REQUESTED_SLOT) is None:
        return True
    return any(
        event.get("event") == "active_loop" and event.get("name") == FORM_NAME
        for event in _since_last_message(tracker)
    )


def resumed_after_interruption(tracker: Tracker) -> bool:
    """Did another action (a rule's answer to an interruption) run since the last message?"""
    return any(
        event.get("event") == "action" and event.get("name") not in _FORM_MACHINERY
        for event in _since_last_message(tracker)
    )


class ValidateComplaintForm(FormValidationAction):
    """Fills the complaint form (投诉登记表) from what the citizen says."""

    def name(self) -> Text:
        return f"validate_{FORM_NAME}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        values = {
            **form_values(tracker),
            "description_before": tracker.get_slot("description_before"),
        }
        requested = tracker.get_slot(REQUESTED_SLOT)
        utterance = Utterance.from_tracker(tracker)
        client = backend_client.get_backend()
        try:
            if is_activation(tracker):
                changes = await start_report(
                    client=client, dispatcher=dispatcher, utterance=utterance, values=values
                )
            elif resumed_after_interruption(tracker):
                changes = {}
            elif is_interruption(utterance):
                return []  # rejected: a rule answers, then the form resumes
            elif reply_kind(utterance) == "cancel":
                say(dispatcher, "complaint_cancelled")
                return cancel_events()
            elif reply_kind(utterance) == "greet":
                dispatcher.utter_message(response="utter_greet_in_form")
                changes = {requested: None}  # a slot event, or Rasa rejects the form
            elif is_question(utterance) or (
                requested == "address" and asks_where_a_place_is_due(utterance)
            ):
                answer_question(dispatcher, tracker.latest_message or {})
                changes = {requested: None}
            elif requested == OFFER_SLOT and offer_reply(utterance) is not None:
                changes = await answer_offer(
                    client=client,
                    dispatcher=dispatcher,
                    utterance=utterance,
                    values=values,
                    sender_id=tracker.sender_id,
                )
            else:
                changes = await continue_report(
                    client=client,
                    dispatcher=dispatcher,
                    utterance=utterance,
                    values=values,
                    requested=requested,
                )
        except Exception:
            log.exception("reading %r (asked: %s) failed", utterance.text, requested)
            changes = fresh_report() if is_activation(tracker) else {requested: None}
        if changes.get(OFFER_SLOT) == FOLLOWED:
            return cancel_events()  # a co-reporter now: nothing to file
        # Before the read-back: is the same problem already being handled nearby?
        changes.update(await check_for_duplicate(client=client, values={**values, **changes}))
        return events_for(values, changes)


def cancel_events() -> List[EventType]:
    """The form ends with nothing to file (action_submit_complaint files only a confirmed
    report), its slots emptied: cancelled, or the citizen followed a similar ticket."""
    return [*reset_events(), ActiveLoop(None)]


def events_for(values: Dict[str, Any], changes: Dict[str, Any]) -> List[EventType]:
    """SlotSet events for the changes, then the next slot to ask (None ends the form)."""
    merged = {**values, **changes}
    events: List[EventType] = [SlotSet(name, value) for name, value in changes.items()]
    events.append(SlotSet(REQUESTED_SLOT, next_slot(merged)))
    return events
