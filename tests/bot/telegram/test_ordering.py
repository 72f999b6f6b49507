"""Updates of one chat run one by one in arrival order; different chats run side by side."""

import asyncio

import pytest
from telegram import Update

from bot.telegram.ordering import ChatLocks, ChatOrderedUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    chat = {"id": chat_id, "type": "private"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "text": "x"}
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_chats_updates_wait_for_each_other_while_other_chats_go_ahead() -> None:
    processor = ChatOrderedUpdateProcessor(8)
    started: list[int] = []
    gates = {n: asyncio.Event() for n in (1, 2, 3, 4)}

    async def handle(n: int) -> None:
        started.append(n)
        await gates[n].wait()

    updates = {1: _update(1, 100), 2: _update(2, 100), 3: _update(3, 200), 4: _update(4, 100)}
    tasks = [asyncio.create_task(processor.process_update(updates[n], handle(n))) for n in updates]
    await _settle()
    assert started == [1, 3]  # chat 100's second and third update wait; chat 200 runs

    gates[1].set()
    await _settle()
    assert started == [1, 3, 2]
    gates[2].set()
    gates[3].set()
    await _settle()
    assert started == [1, 3, 2, 4]
    gates[4].set()
    await asyncio.gather(*tasks)
    assert len(processor.locks) == 0  # locks go away with their last user


async def test_a_failing_update_releases_its_chat() -> None:
    locks = ChatLocks()

    async def fail() -> None:
        async with locks.hold(7):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail()
    async with locks.hold(7):
        assert len(locks) == 1
    assert len(locks) == 0


async def test_updates_without_a_chat_are_not_serialised() -> None:
    processor = ChatOrderedUpdateProcessor(4)
    inline = Update.de_json(
        {
            "update_id": 9,
            "inline_query": {
                "id": "q",
                "from": {"id": 1, "is_bot": False, "first_name": "a"},
                "query": "",
                "offset": "",
            },
        },
        None,
    )
    done = asyncio.Event()

    async def handle() -> None:
        done.set()

    await processor.process_update(inline, handle())
    assert done.is_set()
    assert len(processor.locks) == 0
