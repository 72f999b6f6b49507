"""Rasa's buttons as Telegram inline keyboards, and their payloads back from a tap."""

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from backend.rasa.replies import Button

MAX_CALLBACK_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64
SHORT_ID_PREFIX = "~"


class CallbackPayloads:
    """Button payloads as callback_data: verbatim when they fit in 64 bytes, else a short id.

    The id → payload map is a bounded LRU in memory: a button of a long-gone message (or from
    before a restart) whose payload was too long answers None, and the citizen is asked to type.
    """

    def __init__(self, *, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self._max_entries = max_entries
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        """The callback_data for a button that sends `payload`."""
        fits = len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES
        if fits and payload and not payload.startswith(SHORT_ID_PREFIX):
            return payload
        short_id = SHORT_ID_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._payloads[short_id] = payload
        self._payloads.move_to_end(short_id)
        while len(self._payloads) > self._max_entries:
            self._payloads.popitem(last=False)
        return short_id

    def decode(self, callback_data: str) -> str | None:
        """The payload of a tapped button, or None when its short id is no longer known."""
        if not callback_data.startswith(SHORT_ID_PREFIX):
            return callback_data
        return self._payloads.get(callback_data)


def buttons_per_row(buttons: Sequence[Button]) -> int:
    """Short titles (满意 / 基本满意 / 不满意) share a row; long ones get a row each."""
    longest = max((len(button.title) for button in buttons), default=0)
    if longest <= 5:
        return 3
    return 2 if longest <= 10 else 1


def inline_keyboard(
    buttons: Sequence[Button], *, payloads: CallbackPayloads
) -> InlineKeyboardMarkup:
    """An inline keyboard with one button per Rasa button, in order."""
    width = buttons_per_row(buttons)
    keys = [
        InlineKeyboardButton(
            text=button.title or button.payload, callback_data=payloads.encode(button.payload)
        )
        for button in buttons
    ]
    return InlineKeyboardMarkup([keys[i : i + width] for i in range(0, len(keys), width)])
