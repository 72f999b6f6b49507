"""The report being taken (诉求草稿): its slots, what is missing, and the ticket it becomes."""

import hashlib
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from actions.messages import category_name, contact_name, labels, text
from actions.places import describe_place

FORM_NAME = "complaint_form"

# Every slot of the complaint form; reset when a report starts, is filed or is cancelled.
FORM_SLOTS = (
    "service_code",
    "request_type",
    "description",
    "district",
    "street",
    "community",
    "address",
    "contact_preference",
    "phone",
    "photo",
    "urgent",
    "confirmed",
    "modify_field",
    "modifying",
    "form_instance_id",
    "duplicate_offer",
    "follow_duplicate",
)


def form_values(tracker: Tracker) -> Dict[str, Any]:
    """The current values of the form's slots (plus the pending inquiry text)."""
    names = (*FORM_SLOTS, "pending_inquiry")
    return {name: tracker.get_slot(name) for name in names}


def cleared(*, keep: tuple = ()) -> Dict[str, Any]:
    """Every form slot back to empty, except those in `keep`."""
    values: Dict[str, Any] = {name: None for name in FORM_SLOTS if name not in keep}
    if "urgent" not in keep:
        values["urgent"] = False
    if "modifying" not in keep:
        values["modifying"] = False
    return values


def required_slots(values: Dict[str, Any]) -> List[str]:
    """The slots the form asks for, in order, given what is known so far."""
    slots = ["description", "service_code"]
    if values.get("request_type") != "inquiry":
        slots += ["district", "address"]
    slots.append("contact_preference")
    if values.get("contact_preference") == "phone":
        slots.append("phone")
    if values.get("modifying"):
        slots.append("modify_field")
    if values.get("request_type") != "inquiry" and not values.get("confirmed"):
        slots.append("follow_duplicate")  # the offer of a similar open ticket (duplicates.py)
    slots.append("confirmed")
    return slots


def next_slot(values: Dict[str, Any]) -> Optional[str]:
    """The first required slot still empty, or None when the report is complete."""
    return next((slot for slot in required_slots(values) if values.get(slot) is None), None)


def idempotency_key(*, sender_id: str, form_instance_id: str) -> str:
    """The ticket's Idempotency-Key: one per conversation and report, stable across retries."""
    digest = hashlib.sha256(f"{sender_id}\n{form_instance_id}".encode()).hexdigest()
    return f"chat-{digest[:40]}"


def _clipped(value: Any, limit: int) -> Optional[str]:
    return str(value)[:limit] if value else None


def ticket_body(values: Dict[str, Any], *, channel: str, chat_id: str) -> Dict[str, Any]:
    """The `POST /api/v1/tickets` body for the report (contracts.md), within the API's limits."""
    contact = values.get("contact_preference") or "chat"
    photos = values.get("photo") or []
    return {
        "service_code": values.get("service_code") or "other",
        "request_type": values.get("request_type") or "complaint",
        "description": _clipped(values.get("description"), 5000) or "",
        "district": _clipped(values.get("district"), 32),
        "street": _clipped(values.get("street"), 32),
        "community": _clipped(values.get("community"), 64),
        "address": _clipped(values.get("address"), 255),
        "urgent": bool(values.get("urgent")),
        "contact_preference": contact,
        "phone": _clipped(values.get("phone"), 32) if contact == "phone" else None,
        "channel": channel,
        "chat_id": chat_id,
        "media": [media_item(photo) for photo in photos[:20]],
    }


def media_item(photo: str) -> Dict[str, str]:
    """A media entry: Telegram file ids stay ids, web uploads are URLs."""
    if photo.startswith(("http://", "https://", "/")):
        return {"url": photo, "kind": "photo"}
    return {"file_id": photo, "kind": "photo"}


def readback_lines(values: Dict[str, Any]) -> str:
    """The report as read back before it is filed (核对)."""
    lines = [text("readback_category", value=category_name(values.get("service_code")))]
    request_type = values.get("request_type") or "complaint"
    if request_type != "complaint":
        name = labels()["request_types"].get(request_type, request_type)
        lines.append(text("readback_request_type", value=name))
    if request_type != "inquiry":
        lines.append(text("readback_place", value=describe_place(values)))
    lines.append(text("readback_description", value=values.get("description") or ""))
    lines.append(text("readback_contact", value=contact_line(values)))
    if values.get("photo"):
        lines.append(text("readback_photos", value=len(values["photo"])))
    if values.get("urgent"):
        lines.append(text("readback_urgent"))
    return "\n".join(lines)


def contact_line(values: Dict[str, Any]) -> str:
    """How the citizen will hear back, with the phone number when there is one."""
    preference = values.get("contact_preference")
    name = contact_name(preference)
    if preference == "phone" and values.get("phone"):
        return f"{name} {values['phone']}"
    return name
