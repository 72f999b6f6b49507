"""Duplicates during intake (重复诉求): offer a similar open ticket before the read-back.

When the report is complete up to the read-back, `check_for_duplicate` asks the platform
for an open ticket of the same kind at the same place (`POST /api/v1/tickets/similar`; what
counts as similar is the platform's data). The best one is offered once per report by
`action_ask_follow_duplicate`; `answer_offer` reads the answer: follow it (a co-reporter, no
second ticket, the form ends) or file a new one anyway (on to the read-back). When the
platform does not answer, nothing is offered and the report goes on as before.
"""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendRejected, BackendUnavailable
from actions.complaint_draft import form_values, next_slot
from actions.conversation import Utterance, channel_and_chat
from actions.messages import category_name, say, text
from actions.places import describe_place
from actions.replies import offer_reply

log = logging.getLogger(__name__)

OFFER_SLOT = "follow_duplicate"
OFFERED_SLOT = "duplicate_offer"
# The values of OFFER_SLOT: nothing was offered, a new ticket is wanted, or the citizen follows.
NOTHING_OFFERED = "none"
FILE_NEW = "new"
FOLLOWED = "followed"
# What the dialogue keeps of the offered ticket (the platform sends no one else's words).
OFFER_FIELDS = ("ticket_no", "service_code", "district", "street", "department")


def report_body(values: Dict[str, Any]) -> Dict[str, Any]:
    """The body of /similar and /follow: the report's category, place and words."""
    return {
        "service_code": values.get("service_code") or "other",
        "description": str(values.get("description") or "")[:5000],
        "district": values.get("district"),
        "street": values.get("street"),
    }


def check_due(values: Dict[str, Any]) -> bool:
    """Is the offer the next question and the platform not yet asked for this report?"""
    return next_slot(values) == OFFER_SLOT and not values.get(OFFERED_SLOT)


async def check_for_duplicate(*, client: BackendClient, values: Dict[str, Any]) -> Dict[str, Any]:
    """Slot changes: the best similar ticket to offer, or "nothing offered" (also when the
    platform is down or refuses: the citizen is never held up by this check)."""
    if not check_due(values):
        return {}
    try:
        similar = await client.similar_tickets(report=report_body(values))
        best = similar[0] if similar else {}
        offered = {name: best.get(name) for name in OFFER_FIELDS} if best else {}
    except (BackendUnavailable, BackendRejected) as exc:
        log.warning("looking for similar tickets failed, offering none: %s", exc)
        return {OFFER_SLOT: NOTHING_OFFERED}
    except Exception:  # an answer of the wrong shape must not stop the report either
        log.exception("the platform's similar tickets could not be read, offering none")
        return {OFFER_SLOT: NOTHING_OFFERED}
    if not offered.get("ticket_no"):
        return {OFFER_SLOT: NOTHING_OFFERED}
    return {OFFERED_SLOT: offered}


async def answer_offer(
    *,
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
    sender_id: str,
) -> Dict[str, Any]:
    """Slot changes for the answer to the offer: followed, file new, or asked again."""
    choice = offer_reply(utterance)
    offered = values.get(OFFERED_SLOT) or {}
    if choice is None or (choice == "follow" and not offered.get("ticket_no")):
        say(dispatcher, "duplicate_offer_unclear")
        return {OFFER_SLOT: None}
    if choice == "new":
        return {OFFER_SLOT: FILE_NEW}
    channel, chat_id = channel_and_chat(sender_id)
    try:
        ticket = await client.follow_ticket(
            ticket_no=offered["ticket_no"],
            channel=channel,
            chat_id=chat_id,
            report=report_body(values),
        )
    except (BackendUnavailable, BackendRejected) as exc:
        log.warning("following %s failed, filing the report instead: %s", offered, exc)
        say(dispatcher, "duplicate_follow_failed")
        return {OFFER_SLOT: FILE_NEW}
    say(dispatcher, "duplicate_followed", ticket_no=ticket.get("ticket_no") or offered["ticket_no"])
    return {OFFER_SLOT: FOLLOWED}


def offer_progress(offered: Dict[str, Any]) -> str:
    """The progress shown: 已派发至 the department, or that one is being assigned."""
    department: Optional[str] = offered.get("department")
    if department:
        return text("duplicate_dispatched", department=department)
    return text("duplicate_not_dispatched")


class AskFollowDuplicate(Action):
    """The offer: "附近已有相同问题正在办理：… 要关注这个工单吗？" with 关注 / 仍然新建."""

    def name(self) -> Text:
        return f"action_ask_{OFFER_SLOT}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        offered = form_values(tracker).get(OFFERED_SLOT) or {}
        say(
            dispatcher,
            "duplicate_offer",
            ticket_no=offered.get("ticket_no", ""),
            category=category_name(offered.get("service_code")),
            place=describe_place(
                {"district": offered.get("district"), "street": offered.get("street")}
            ),
            progress=offer_progress(offered),
        )
        return []
