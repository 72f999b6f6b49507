"""Every text the actions say exists in messages.yml, with the placeholders they fill."""

import re
import string
from pathlib import Path

import pytest

from actions.ask_slots import AskSlot
from actions.messages import message
from tests.actions.fake_platform import urgent_kinds_body

ACTIONS = Path(__file__).resolve().parents[2] / "actions"
# say(dispatcher, "key", ...) and text("key", ...) with a literal key
CALL = re.compile(r"""\b(?:say\(\s*dispatcher,|text\()\s*f?["']([a-z_{}.]+)["']""")
# say(dispatcher, "key_a" if condition else "key_b", ...)
CHOICE = re.compile(r'say\(\s*dispatcher,\s*"([a-z_]+)" if .+? else "([a-z_]+)"', re.S)


def urgent_kind_names() -> list[str]:
    return [item["kind"] for item in urgent_kinds_body()["kinds"]]


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in ACTIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for key in CALL.findall(source):
            if key.startswith("urgent_{"):  # every urgent kind of the platform's catalogue
                keys.update(f"urgent_{kind}" for kind in urgent_kind_names())
            elif key.startswith("ask_{"):  # every question of the form
                keys.update(f"ask_{ask().slot}" for ask in AskSlot.__subclasses__())
            else:
                keys.add(key)
        for pair in CHOICE.findall(source):
            keys.update(pair)
    return keys


def test_the_scan_finds_the_messages() -> None:
    wanted = {"readback", "ticket_filed", "ticket_filed_anonymous", "urgent_gas", "ask_district"}
    assert wanted <= used_keys()


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_every_message_used_exists(key: str) -> None:
    entry = message(key)
    template = entry["text"] if isinstance(entry, dict) else entry
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    assert fields <= {"lines", "reason", "ticket_no", "department", "due", "count", "category",
                      "state", "place", "value", "month_name", "day", "time", "old",
                      "progress"}  # fmt: skip


def test_every_urgent_kind_has_advice_naming_a_number() -> None:
    for kind in urgent_kind_names():
        assert re.search(r"1[12]0|119", message(f"urgent_{kind}")["text"]), kind
