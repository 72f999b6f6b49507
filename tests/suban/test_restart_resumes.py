"""The platform stops with work pending — a time limit about to pass, an undelivered notice, a
held message — and a fresh app on the same database picks all of it up by itself."""

import time
from datetime import timedelta

import httpx
import respx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.actor import Actor
from backend.settings import Settings
from backend.tickets.drafts import TicketDraft
from backend.tickets.service import create_ticket
from bot.held import hold_message
from storage.models import (
    Channel,
    DeadlineAlert,
    HeldMessage,
    OutboundMessage,
    OutboxEvent,
    utcnow,
)

RASA = "http://127.0.0.1:9"  # app_settings' Rasa and action server: answered by respx here


def leave_work_behind(session_factory: sessionmaker[Session]) -> None:
    """What a platform that stopped (or crashed) left in the database."""
    long_ago = utcnow() - timedelta(days=3)  # its time to contact the citizen is over
    draft = TicketDraft(
        service_code="noise",
        description="工地每天晚上十一点还在打桩",
        district="南山区",
        street="粤海街道",
        channel=Channel.web,
        chat_id="w-ticket",
    )
    with session_factory.begin() as session:
        create_ticket(session=session, draft=draft, actor=Actor.citizen(), now=long_ago)
        hold_message(
            session=session,
            channel="web",
            chat_id="w-held",
            text="路灯坏了",
            meta={},
            address=None,
            now=long_ago,
            due_at=long_ago,
        )


def fake_rasa(router: respx.MockRouter) -> None:
    router.get(f"{RASA}/health").respond(200, json={"status": "ok"})
    router.post(f"{RASA}/webhooks/suban/turn").respond(
        200, json={"messages": [{"text": "收到：路灯坏了"}], "nlu": {}}
    )
    router.post(url__regex=rf"{RASA}/conversations/.*/trigger_intent").mock(
        side_effect=lambda request: httpx.Response(
            200, json={"messages": [{"text": "您的工单已派发"}]}
        )
    )


def state(session_factory: sessionmaker[Session]) -> tuple[set[str], int, bool, list[str]]:
    with session_factory() as session:
        outbox = set(session.scalars(select(OutboxEvent.status)))
        held = session.scalar(select(func.count()).select_from(HeldMessage)) or 0
        alerts = session.scalar(select(func.count()).select_from(DeadlineAlert)) or 0
        chats = sorted(set(session.scalars(select(OutboundMessage.chat_id))))
    return outbox, held, alerts > 0, chats  # the time limit passed: alerts fired


def test_a_fresh_app_resumes_deadlines_notices_and_held_messages(
    app_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    leave_work_behind(session_factory)
    assert state(session_factory) == ({"pending"}, 1, False, [])
    settings = app_settings.model_copy(
        update={
            "scheduler_enabled": True,
            "sweep_interval_seconds": 1,
            "outbox_interval_seconds": 0.2,
            "held_release_interval_seconds": 0.2,
        }
    )
    from suban.app import create_app

    with respx.mock(assert_all_called=False) as router, TestClient(create_app(settings)):
        router.route(host="testserver").pass_through()
        fake_rasa(router)
        for _ in range(300):  # the jobs run on their own; ~1 s on an idle machine
            if state(session_factory) == ({"delivered"}, 0, True, ["w-held", "w-ticket"]):
                break
            time.sleep(0.1)
    assert state(session_factory) == ({"delivered"}, 0, True, ["w-held", "w-ticket"])
