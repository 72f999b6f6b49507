"""Fixtures of the action tests (Rasa runtime): a fake platform and tracker builders.

Run with `.venv-rasa/bin/python -m pytest tests/actions -p no:cacheprovider
--confcutdir=tests/actions` (the main runtime skips this folder).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import backend_client, config, filing, urgency
from tests.actions.fake_platform import FakePlatform


@pytest.fixture(autouse=True)
def action_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Fresh settings per test with the pending store under tmp_path."""
    pending = tmp_path / "pending.sqlite"
    monkeypatch.setenv("SUBAN_PENDING_DB", str(pending))
    monkeypatch.setenv("SUBAN_BACKEND_URL", "http://platform")
    monkeypatch.setenv("SUBAN_RETRY_INTERVAL", "3600")
    caches = (
        config.get_settings,
        filing.get_pending_store,
        filing.get_retry_worker,
        backend_client.get_backend,
    )
    for cache in caches:
        cache.cache_clear()
    urgency.forget_cache()
    yield pending
    if filing.get_retry_worker.cache_info().currsize:
        filing.get_retry_worker().stop()
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> FakePlatform:
    """The fake platform every action talks to in this test."""
    fake = FakePlatform()
    client = fake.client()
    monkeypatch.setattr(backend_client, "get_backend", lambda: client)
    return fake


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def user_event(text: str, intent: str | None, confidence: float = 0.95) -> dict[str, Any]:
    """A tracker `user` event as Rasa sends it to the action server."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}, "text": text},
    }


def make_tracker(
    *,
    text: str = "",
    intent: str | None = None,
    confidence: float = 0.95,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    sender_id: str = "web:session123",
    active_loop: str | None = None,
    response_selector: dict[str, Any] | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is `text` with that intent and entities."""
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
    }
    if response_selector is not None:
        latest["response_selector"] = response_selector
    if intent_ranking is not None:
        latest["intent_ranking"] = intent_ranking
    if metadata is not None:
        latest["metadata"] = metadata
    return Tracker(
        sender_id=sender_id,
        slots=dict(slots or {}),
        latest_message=latest,
        events=events if events is not None else [user_event(text, intent, confidence)],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    """An entity as NLU reports it."""
    return {"entity": name, "value": value}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    """What the action said, in order."""
    return [message.get("text") or "" for message in dispatcher.messages]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The SlotSet events as {slot: value} (the last one wins)."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
