"""Simulated citizens of the load benchmark (scripts/bench_load.py): web chat, Telegram through
the fake Bot API, and the same turns sent straight to Rasa's channel."""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx

from scripts.bench_stack import TimedBotApi
from scripts.load_model import CONFIRM, FILE_NEW, Tally, report_for, think_seconds

TICKET_NO = re.compile(r"SZ\d{8}-\d{6}")
TIMEOUT = 60.0
CHANNEL = "/webhooks/suban/webhook"


def _button(replies: list[dict[str, Any]], title: str) -> dict[str, Any] | None:
    for reply in replies:
        for button in reply.get("buttons") or []:
            if button.get("title") == title or button.get("text") == title:
                return button
    return None


def _titled(sent: Any, title: str) -> bool:
    """Does this message to Telegram carry a button with this title?"""
    return any(button["text"] == title for button in sent.buttons)


def _tickets(texts: list[str]) -> set[str]:
    return {m.group(0) for text in texts for m in TICKET_NO.finditer(text or "")}


# --- the citizens ---------------------------------------------------------------------------


async def intake(
    say: Callable[[str], Awaitable[list[dict[str, Any]]]], report: str, tally: Tally, label: str
) -> None:
    """One intake conversation over a request/reply channel: the report, then 确认提交."""
    try:
        replies = await say(report)
        button = _button(replies, CONFIRM)
        if button is None and (file_new := _button(replies, FILE_NEW)) is not None:
            replies = await say(file_new["payload"])
            button = _button(replies, CONFIRM)
        if button is None:
            said = " / ".join(reply.get("text") or "" for reply in replies)
            tally.errors.append(f"{label}: no read-back with 确认提交: {said[:120]}")
            return
        texts = [reply.get("text") or "" for reply in await say(button["payload"])]
        numbers = _tickets(texts)
        if not numbers:
            tally.errors.append(
                f"{label}: no ticket number after 确认提交: {' / '.join(texts)[:80]}"
            )
        tally.tickets |= numbers
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        tally.errors.append(f"{label}: {type(exc).__name__}")


async def web_citizen(url: str, n: int, *, until: float, think: tuple[float, float]) -> Tally:
    """A web-chat citizen filing reports (report, then 确认提交) until `until`."""
    tally, rng = Tally(), random.Random(n)
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as chat:

        async def say(text: str) -> list[dict[str, Any]]:
            await asyncio.sleep(think_seconds(rng, low=think[0], high=think[1]))
            tally.sent += 1
            start = time.monotonic()
            response = await chat.post("/chat/api/messages", json={"text": text})
            response.raise_for_status()
            tally.latencies_ms.append((time.monotonic() - start) * 1000)
            return response.json()["replies"]

        conversation = 0
        while time.monotonic() < until:
            await intake(say, report_for(n, conversation), tally, "web")
            conversation += 1
    return tally


async def rasa_citizen(
    rasa_urls: list[str], token: str, n: int, *, until: float, alternate: bool = False
) -> Tally:
    """The same turns straight to Rasa's channel (as the platform's web chat would send them);
    with `alternate`, each turn goes to the next Rasa process."""
    tally, chat_id = Tally(), f"rasabench{n}-{uuid.uuid4().hex[:6]}"
    sender, turns = f"web:{chat_id}", 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=TIMEOUT, headers=headers) as http:

        async def say(text: str) -> list[dict[str, Any]]:
            nonlocal turns
            base = rasa_urls[(turns if alternate else n) % len(rasa_urls)]
            turns += 1
            tally.sent += 1
            start = time.monotonic()
            body = {
                "sender": sender,
                "message": text,
                "metadata": {"channel": "web", "chat_id": chat_id},
            }
            response = await http.post(f"{base}{CHANNEL}", json=body)
            response.raise_for_status()
            tally.latencies_ms.append((time.monotonic() - start) * 1000)
            return response.json()

        conversation = 0
        while time.monotonic() < until:
            await intake(say, report_for(n, conversation), tally, "rasa")
            conversation += 1
            if alternate:
                break  # one conversation each: the consistency check
    return tally


async def telegram_citizen(
    api: TimedBotApi, chat_id: int, n: int, *, until: float, think: tuple[float, float]
) -> Tally:
    """A Telegram citizen: latency from the update being available to the bot's first message."""
    tally, rng, inbox = Tally(), random.Random(n), api.inbox(chat_id)

    async def turn(send: Any) -> list[Any]:
        await asyncio.sleep(think_seconds(rng, low=think[0], high=think[1]))
        while not inbox.empty():
            inbox.get_nowait()
        tally.sent += 1
        start = time.monotonic()
        send()
        got = [await asyncio.wait_for(inbox.get(), TIMEOUT)]
        tally.latencies_ms.append((got[0].at - start) * 1000)
        return got

    async def more_until(got: list[Any], wanted: Any) -> Any:
        while not any(wanted(s) for s in got):
            got.append(await asyncio.wait_for(inbox.get(), TIMEOUT))
        return next(s for s in got if wanted(s))

    conversation = 0
    while time.monotonic() < until:
        try:
            got = await turn(partial(api.user_says, chat_id, report_for(n, conversation)))
            offer = await more_until(got, lambda s: _titled(s, CONFIRM) or _titled(s, FILE_NEW))
            if _titled(offer, FILE_NEW):
                [button] = [b for b in offer.buttons if b["text"] == FILE_NEW]
                got = await turn(
                    partial(api.user_taps, chat_id, offer.message_id, button["callback_data"])
                )
            readback = await more_until(got, lambda s: _titled(s, CONFIRM))
            [button] = [b for b in readback.buttons if b["text"] == CONFIRM]
            got = await turn(
                partial(api.user_taps, chat_id, readback.message_id, button["callback_data"])
            )
            filed = await more_until(got, lambda s: TICKET_NO.search(s.text))
            tally.tickets |= _tickets([filed.text])
        except (TimeoutError, ValueError) as exc:
            tally.errors.append(f"telegram: {type(exc).__name__}")
        conversation += 1
    return tally


async def crowd(coroutines: list[Any]) -> Tally:
    total = Tally()
    for tally in await asyncio.gather(*coroutines):
        total.merge(tally)
    return total
