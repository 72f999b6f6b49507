"""Health of the platform and the services it depends on (database, Rasa, action server)."""

import asyncio
import logging
from dataclasses import dataclass

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartHealth:
    """Whether one part answers, and why not when it does not."""

    ok: bool
    detail: str


def check_database(*, session: Session) -> PartHealth:
    """The database answers a trivial query."""
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the database is down for us
        # The answer is public: the driver's message (hosts, ports) goes to the log only.
        log.warning("health: database error: %s", exc)
        return PartHealth(ok=False, detail=f"database error: {exc.__class__.__name__}")
    return PartHealth(ok=True, detail="ok")


async def check_rasa(
    *, http: httpx.AsyncClient, rasa_url: str, rasa_token: str | None, timeout_seconds: float
) -> PartHealth:
    """The Rasa server answers `/status` (behind its --auth-token) with a loaded model."""
    params = {"token": rasa_token} if rasa_token else {}
    try:
        response = await http.get(f"{rasa_url}/status", params=params, timeout=timeout_seconds)
    except httpx.HTTPError as exc:
        log.warning("health: Rasa unreachable at %s: %r", rasa_url, exc)
        return PartHealth(ok=False, detail=f"unreachable: {exc.__class__.__name__}")
    if response.status_code != 200:
        return PartHealth(ok=False, detail=f"/status answered {response.status_code}")
    if not response.json().get("model_file"):
        return PartHealth(ok=False, detail="no model loaded")
    return PartHealth(ok=True, detail=str(response.json()["model_file"]))


async def check_action_server(
    *, http: httpx.AsyncClient, action_server_url: str, timeout_seconds: float
) -> PartHealth:
    """The Rasa action server answers `/health`."""
    try:
        response = await http.get(f"{action_server_url}/health", timeout=timeout_seconds)
    except httpx.HTTPError as exc:
        log.warning("health: action server unreachable at %s: %r", action_server_url, exc)
        return PartHealth(ok=False, detail=f"unreachable: {exc.__class__.__name__}")
    if response.status_code != 200:
        return PartHealth(ok=False, detail=f"/health answered {response.status_code}")
    return PartHealth(ok=True, detail="ok")


async def check_all(
    *,
    session: Session,
    http: httpx.AsyncClient,
    rasa_url: str,
    rasa_token: str | None,
    action_server_url: str,
    timeout_seconds: float,
) -> dict[str, PartHealth]:
    """Every part's health; the remote checks run concurrently."""
    rasa, actions = await asyncio.gather(
        check_rasa(
            http=http, rasa_url=rasa_url, rasa_token=rasa_token, timeout_seconds=timeout_seconds
        ),
        check_action_server(
            http=http, action_server_url=action_server_url, timeout_seconds=timeout_seconds
        ),
    )
    return {
        "platform": PartHealth(ok=True, detail="ok"),
        "database": check_database(session=session),
        "rasa": rasa,
        "action_server": actions,
    }
