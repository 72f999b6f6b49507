"""One simulated intake conversation: the report, the tap on 确认提交, the ticket counted."""

from typing import Any

import httpx

from scripts.load_citizens import intake
from scripts.load_model import Tally


def scripted(*answers: list[dict[str, Any]]) -> tuple[list[str], Any]:
    said: list[str] = []
    queue = list(answers)

    async def say(text: str) -> list[dict[str, Any]]:
        said.append(text)
        return queue.pop(0)

    return said, say


async def test_the_citizen_taps_confirm_and_counts_the_ticket() -> None:
    readback = [{"text": "请核对", "buttons": [{"title": "确认提交", "payload": "/affirm"}]}]
    filed = [{"text": "已提交，工单号 SZ20261201-000123"}]
    said, say = scripted(readback, filed)
    tally = Tally()
    await intake(say, "工地打桩", tally, "web")
    assert said == ["工地打桩", "/affirm"]
    assert (tally.tickets, tally.errors) == ({"SZ20261201-000123"}, [])


async def test_offered_an_earlier_ticket_the_citizen_files_a_new_one() -> None:
    offer = [
        {
            "text": "附近已有相同问题",
            "buttons": [
                {"title": "关注这个工单", "payload": "/follow"},
                {"title": "仍然新建", "payload": "/file_new"},
            ],
        }
    ]
    readback = [{"text": "请核对", "buttons": [{"title": "确认提交", "payload": "/affirm"}]}]
    filed = [{"text": "已提交，工单号 SZ20261201-000124"}]
    said, say = scripted(offer, readback, filed)
    tally = Tally()
    await intake(say, "工地打桩", tally, "web")
    assert said == ["工地打桩", "/file_new", "/affirm"]
    assert (tally.tickets, tally.errors) == ({"SZ20261201-000124"}, [])


async def test_no_read_back_or_a_failed_call_is_an_error_not_a_ticket() -> None:
    said, say = scripted([{"text": "您好"}])
    tally = Tally()
    await intake(say, "工地打桩", tally, "rasa")
    assert said == ["工地打桩"]
    assert tally.errors == ["rasa: no read-back with 确认提交: 您好"]

    async def broken(text: str) -> list[dict[str, Any]]:
        raise httpx.ConnectError("refused")

    readback = [{"text": "请核对", "buttons": [{"title": "确认提交", "payload": "/affirm"}]}]
    said, say = scripted(readback, [{"text": "请问还有什么补充？"}])
    await intake(say, "工地打桩", tally, "rasa")
    assert tally.errors[-1] == "rasa: no ticket number after 确认提交: 请问还有什么补充？"

    await intake(broken, "工地打桩", tally, "web")
    assert tally.errors[-1] == "web: ConnectError" and not tally.tickets
