"""kill -9 of the action server and of Rasa, with the real processes under Suban's supervisor:
the citizen hears "busy" once, the message is kept, the process comes back by itself, /healthz
returns to 200 without a restart of anything else, and the kept message is then answered.

The Rasa case waits for Rasa to load its model again (~35 s on an idle two-core machine)."""

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.texts import bot_text
from tests.e2e.live import Platform, say
from tests.e2e.stack import wait_until
from tests.e2e.test_webchat_progress import poll_until

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

COMPLAINT = "粤海街道科技园这边有个工地每天晚上十一点还在打桩"
TICKET_NO = re.compile(r"SZ\d{8}-\d{6}")


def healthy(platform: Platform) -> bool:
    return httpx.get(f"{platform.url}/healthz", timeout=10).status_code == 200


def offers_confirmation(message: dict) -> bool:
    """The bot's read-back of a complaint (its 确认提交 button): Rasa and the actions ran."""
    return any(button["title"] == "确认提交" for button in message["buttons"])


def kill_and_complain(platform: Platform, citizen: httpx.Client, name: str) -> None:
    program = platform.rasa.programs[name]
    killed = platform.rasa.pid(name)
    starts = program.starts
    os.kill(killed, signal.SIGKILL)
    # The supervisor waits 2 s before a restart: the message arrives while it is down.
    replies = say(platform, citizen, COMPLAINT)
    assert [reply["text"] for reply in replies] == [bot_text("busy")]

    wait_until(
        lambda: program.starts > starts and healthy(platform),
        what=f"{name} restarted and /healthz 200",
        programs=[program],
    )
    assert platform.rasa.pid(name) != killed
    poll_until(platform, citizen, offers_confirmation, after=0)


def test_action_server_killed_the_message_is_kept_and_answered_after_its_restart(
    platform: Platform, web_session: httpx.Client
) -> None:
    wait_until(lambda: healthy(platform), what="a healthy stack", programs=[])
    kill_and_complain(platform, web_session, "actions")


def test_rasa_killed_the_message_is_kept_and_answered_after_its_restart(
    platform: Platform, web_session: httpx.Client
) -> None:
    wait_until(lambda: healthy(platform), what="a healthy stack", programs=[])
    started = time.monotonic()
    kill_and_complain(platform, web_session, "rasa")
    print(f"Rasa back and the kept message answered in {time.monotonic() - started:.0f} s")


def ticket_count(platform: Platform) -> int:
    response = httpx.get(
        f"{platform.url}/api/v1/tickets",
        params={"limit": 500},
        headers=platform.staff_headers,
        timeout=30,
    )
    response.raise_for_status()
    return len(response.json())


def test_two_taps_on_confirm_at_once_file_one_ticket(
    platform: Platform, web_session: httpx.Client
) -> None:
    wait_until(lambda: healthy(platform), what="a healthy stack", programs=[])
    replies = say(platform, web_session, COMPLAINT)
    [confirm] = [b for r in replies for b in r["buttons"] if b["title"] == "确认提交"]
    before = ticket_count(platform)

    def tap(_: int) -> list[dict]:
        return say(platform, web_session, confirm["payload"])

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(tap, range(2)))
    numbers = {m.group(0) for a in answers for r in a for m in TICKET_NO.finditer(r["text"] or "")}
    assert len(numbers) == 1
    assert ticket_count(platform) == before + 1
