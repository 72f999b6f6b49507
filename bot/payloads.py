"""Rasa intent payloads the channels send for things that are not typed text (see contracts.md)."""

import json

SEND_PHOTO_INTENT = "/send_photo"
INFORM_INTENT = "/inform"


def intent_payload(intent: str, entities: dict[str, str] | None = None) -> str:
    """A Rasa intent payload: `/intent` or `/intent{"entity":"value"}` (compact JSON, UTF-8)."""
    if not intent.startswith("/"):
        raise ValueError(f"an intent payload starts with '/': {intent!r}")
    if not entities:
        return intent
    return intent + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def photo_payload(*, file_id: str | None = None, url: str | None = None) -> str:
    """`/send_photo{"photo_file_id": …}` for a Telegram photo, `{"photo_url": …}` for an upload."""
    if (file_id is None) == (url is None):
        raise ValueError("a photo is either a Telegram file_id or a URL")
    if file_id is not None:
        return intent_payload(SEND_PHOTO_INTENT, {"photo_file_id": file_id})
    return intent_payload(SEND_PHOTO_INTENT, {"photo_url": str(url)})


def place_payload(*, district: str, street: str | None) -> str:
    """`/inform{"district": …, "street": …}` for a place the channel resolved (a location pin)."""
    entities = {"district": district}
    if street:
        entities["street"] = street
    return intent_payload(INFORM_INTENT, entities)
