"""Reading the citizen's messages into the report, one turn of the complaint form at a time.

`start_report` reads the first message (category from the intent, the whole text as the
description, the place, contact preference, urgency); `continue_report` reads the answer to
the question just asked. Both return slot changes and say what needs saying.
"""

import uuid
from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient
from actions.complaint_draft import cleared
from actions.conversation import Utterance
from actions.corrections import contact_in, find_corrections, modify_field_in, slots_of_field
from actions.messages import (
    district_names,
    district_title,
    intent_payload,
    load_data,
    say,
    text,
)
from actions.places import address_in, place_changes, place_in
from actions.urgency import urgent_kinds

# Intents that interrupt the form: it pauses, a rule answers, and the form resumes.
INTERRUPTIONS = frozenset(
    {
        "check_status",
        "request_human",
        "cancel",
        "greet",
        "bot_challenge",
        "rate",
        "EXTERNAL_ticket_event",
    }
)
INTERRUPTION_CONFIDENCE = 0.6


def is_interruption(utterance: Utterance) -> bool:
    """Does this message ask for something else than answering the form?"""
    if utterance.intent not in INTERRUPTIONS:
        return False
    return utterance.is_payload or utterance.confidence >= INTERRUPTION_CONFIDENCE


def is_description(report: str) -> bool:
    """Is the text more than a bare "我要投诉"? (lexicon.yml: generic_openings)"""
    lexicon = load_data("lexicon")
    rest = report.lower()
    for opening in sorted(lexicon["generic_openings"], key=len, reverse=True):
        rest = rest.replace(str(opening).lower(), "")
    rest = "".join(ch for ch in rest if ch.isalnum())
    return len(rest) >= int(lexicon["min_description_chars"])


def request_type_of(report: str) -> str:
    """complaint, or the kind the text names (举报 → report, 求助 → help, …)."""
    for request_type, words in load_data("lexicon")["request_type_words"].items():
        if any(word in report for word in words):
            return str(request_type)
    return "complaint"


def district_buttons() -> List[Dict[str, str]]:
    """One button per district."""
    return [
        {"title": district_title(name), "payload": intent_payload("inform", {"district": name})}
        for name in district_names()
    ]


def warn_if_urgent(
    dispatcher: CollectingDispatcher, report: str, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Tell the citizen at once whom to call when the text names a danger; flag the report."""
    if values.get("urgent") or not report:
        return {}
    kinds = urgent_kinds(report)
    for kind in kinds:
        say(dispatcher, f"urgent_{kind}")
    return {"urgent": True} if kinds else {}


def add_photo(utterance: Utterance, values: Dict[str, Any]) -> Optional[List[str]]:
    """The photo list with the photo this message carries, or None when it carries none."""
    photo = utterance.entity("photo_file_id") or utterance.entity("photo_url")
    if not photo:
        return None
    photos = list(values.get("photo") or [])
    if photo not in photos:
        photos.append(photo)
    return photos


def fresh_report() -> Dict[str, Any]:
    """An empty report with a new form instance id; photos sent just before it are kept."""
    changes = cleared(keep=("photo",))
    changes["form_instance_id"] = uuid.uuid4().hex
    changes["contact_preference"] = "chat"
    changes["request_type"] = "complaint"
    return changes


async def start_report(
    *,
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    """A fresh report from the message that started the form: fill all it already answers."""
    changes = fresh_report()
    if utterance.intent == "affirm" and values.get("pending_inquiry"):
        # The citizen accepted to turn an unanswered question into an inquiry ticket.
        changes.update(
            request_type="inquiry",
            service_code="other",
            description=values["pending_inquiry"],
            pending_inquiry=None,
            inquiry_offered=False,
        )
        return changes
    changes["inquiry_offered"] = False
    report = utterance.free_text
    changes["request_type"] = request_type_of(report)
    changes["service_code"] = utterance.category
    if utterance.category and is_description(report):
        changes["description"] = report
    changes.update(place_changes({}, await place_in(client, utterance)))
    contact = contact_in(utterance)
    if contact:
        changes["contact_preference"], changes["phone"] = contact
    changes.update(warn_if_urgent(dispatcher, report, {}))
    return changes


async def continue_report(
    *,
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
    requested: str,
) -> Dict[str, Any]:
    """Slot changes from the answer to `requested`; a slot set to None is asked again."""
    photos = add_photo(utterance, values)
    if photos is not None:
        say(dispatcher, "photo_received")
        return {"photo": photos}
    handler = _HANDLERS.get(requested)
    if handler is None:
        return {requested: None}
    return await handler(client, dispatcher, utterance, values)


async def _description(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    report = utterance.free_text
    if not report:
        # A channel payload (e.g. a location pin) while we wait for the description.
        return place_changes(values, await place_in(client, utterance)) or {"description": None}
    if len("".join(ch for ch in report if ch.isalnum())) < 2:
        say(dispatcher, "description_too_short")
        return {"description": None}
    changes: Dict[str, Any] = {"description": report}
    if values.get("service_code") in (None, "other") and utterance.category:
        changes["service_code"] = utterance.category
    if not values.get("district") and values.get("request_type") != "inquiry":
        changes.update(place_changes(values, await place_in(client, utterance)))
    changes.update(warn_if_urgent(dispatcher, report, values))
    return changes


async def _service_code(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    if utterance.category:
        return {"service_code": utterance.category}
    say(dispatcher, "category_unknown")
    return {"service_code": "other"}


async def _district(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    place = await address_in(client, utterance)
    if not place.district:
        say(dispatcher, "district_not_found", buttons=district_buttons())
        return {"district": None}
    return place_changes(values, place)


async def _address(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    answer = utterance.free_text
    unknown = load_data("lexicon")["unknown_words"]
    if utterance.intent == "deny" or (answer and any(word in answer for word in unknown)):
        return {"address": text("address_unknown")}
    place = await address_in(client, utterance)
    return place_changes(values, place) or {"address": values.get("address")}


async def _contact_preference(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    contact = contact_in(utterance)
    if not contact:
        say(dispatcher, "contact_not_understood")
        return {"contact_preference": None}
    preference, phone = contact
    return {"contact_preference": preference, "phone": phone}


async def _phone(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    phone = utterance.phone()
    if phone:
        return {"phone": phone}
    contact = contact_in(utterance)
    if contact and contact[0] != "phone":
        return {"contact_preference": contact[0], "phone": None}
    if utterance.intent == "deny":
        return {"contact_preference": "chat", "phone": None}
    say(dispatcher, "phone_invalid")
    return {"phone": None}


async def _modify_field(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    done = {"modifying": False, "modify_field": None, "confirmed": None}
    field = modify_field_in(utterance)
    if field:
        return {**{slot: None for slot in slots_of_field(field)}, **done}
    corrections = await find_corrections(client=client, utterance=utterance, values=values)
    if corrections:
        say(dispatcher, "correction_applied")
        return {**corrections, **done}
    if utterance.intent == "affirm":
        return done  # nothing to change after all: back to the read-back
    return {"modify_field": None}


async def _confirmed(
    client: BackendClient,
    dispatcher: CollectingDispatcher,
    utterance: Utterance,
    values: Dict[str, Any],
) -> Dict[str, Any]:
    corrections = await find_corrections(client=client, utterance=utterance, values=values)
    if corrections:
        say(dispatcher, "correction_applied")
        return {**corrections, "confirmed": None}
    if utterance.intent == "affirm":
        return {"confirmed": True}
    if utterance.intent == "deny":
        return {"modifying": True, "modify_field": None, "confirmed": None}
    field = modify_field_in(utterance)
    if field:
        return {**{slot: None for slot in slots_of_field(field)}, "confirmed": None}
    say(dispatcher, "readback_unclear")
    return {"confirmed": None}


_HANDLERS = {
    "description": _description,
    "service_code": _service_code,
    "district": _district,
    "address": _address,
    "contact_preference": _contact_preference,
    "phone": _phone,
    "modify_field": _modify_field,
    "confirmed": _confirmed,
}
