"""The one HTTP client the platform and its channels use to talk to the Rasa server."""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import httpx

from backend.rasa.replies import BotReply
from backend.rasa.switch import ModelSwitch, SwitchTimeout

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer, or answered with an error."""


# Rasa's REST channel behind RASA_TOKEN (nlu/channels/secure_rest.py); Rasa's plain `rest`
# channel is not served: it would let anyone talk as any sender.
CHANNEL_PATH = "/webhooks/suban/webhook"


P = ParamSpec("P")
R = TypeVar("R")
# a model switch may keep a message waiting this long (Rasa's load, measured ~35 s, and margin)
SWITCH_MAX_WAIT_SECONDS = 180.0


def _through_switch(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    """The call waits while a model switch is under way (backend/rasa/switch.py)."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        client = args[0]
        assert isinstance(client, RasaClient)
        try:
            async with client.switch.passage():
                return await method(*args, **kwargs)
        except SwitchTimeout as error:
            raise RasaUnavailable(str(error)) from error

    return wrapper


class RasaClient:
    """Sends citizens' messages to Rasa's channel and triggers external events.

    The token goes as a bearer header to the channel, and as `?token=` to Rasa's HTTP API
    (the only form `rasa run --auth-token` accepts; Rasa keeps its access log off).
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        base_url: str,
        token: str | None = None,
        action_server_url: str | None = None,
        health_timeout_seconds: float = 2.0,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._action_server_url = action_server_url.rstrip("/") if action_server_url else None
        self._health_timeout = health_timeout_seconds
        self._params = {"token": token} if token else {}
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.switch = ModelSwitch(max_wait_seconds=SWITCH_MAX_WAIT_SECONDS)

    @_through_switch
    async def send_message(
        self, *, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[BotReply]:
        """Deliver one inbound message and return the bot's replies in order."""
        await self._require_action_server()
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            response = await self._http.post(
                f"{self._base_url}{CHANNEL_PATH}", json=body, headers=self._headers
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa REST webhook failed: {exc}") from exc
        replies = [BotReply.from_rasa(message) for message in response.json()]
        if not replies:
            # The REST channel swallows errors and answers `200 []`: treat silence as a failure.
            log.warning("Rasa answered no message to %r from %s", text, sender_id)
            raise RasaUnavailable("Rasa answered with no message")
        return replies

    @_through_switch
    async def trigger_intent(
        self, *, sender_id: str, intent: str, entities: dict[str, Any] | None = None
    ) -> list[BotReply]:
        """Inject an external event (e.g. ticket resolved) and return what the bot says."""
        await self._require_action_server()
        try:
            response = await self._http.post(
                f"{self._base_url}/conversations/{sender_id}/trigger_intent",
                json={"name": intent, "entities": entities or {}},
                params=self._params,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa trigger_intent failed: {exc}") from exc
        return [BotReply.from_rasa(message) for message in response.json().get("messages", [])]

    async def _require_action_server(self) -> None:
        """Rasa runs a turn on without its action server (the actions' events are lost, the
        REST channel answers what it has, often `200 []`), which would spoil the conversation:
        with the action server down the turn is not sent at all."""
        if self._action_server_url is None:
            return
        try:
            response = await self._http.get(
                f"{self._action_server_url}/health", timeout=self._health_timeout
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"the action server is down: {exc!r}") from exc

    @_through_switch
    async def latest_message(self, *, sender_id: str) -> dict[str, Any]:
        """What the NLU understood of the conversation's latest user message (intent, entities)."""
        try:
            response = await self._http.get(
                f"{self._base_url}/conversations/{sender_id}/tracker",
                params={**self._params, "include_events": "NONE"},
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa tracker failed: {exc}") from exc
        return response.json().get("latest_message") or {}

    @_through_switch
    async def parse(self, *, text: str) -> dict[str, Any]:
        """Run NLU only on a text (`/model/parse`)."""
        try:
            response = await self._http.post(
                f"{self._base_url}/model/parse", json={"text": text}, params=self._params
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa parse failed: {exc}") from exc
        return response.json()

    @_through_switch
    async def domain(self) -> dict[str, Any]:
        """The loaded model's domain (`GET /domain`, JSON): its slots, forms, responses."""
        try:
            response = await self._http.get(
                f"{self._base_url}/domain",
                params=self._params,
                headers={"Accept": "application/json"},
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa domain failed: {exc}") from exc
        return response.json()

    @_through_switch
    async def append_events(self, *, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to a conversation's tracker (`POST …/tracker/events`), e.g. to reset
        a form; nothing is said to the citizen."""
        try:
            response = await self._http.post(
                f"{self._base_url}/conversations/{sender_id}/tracker/events",
                json=events,
                params={**self._params, "include_events": "NONE"},
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa tracker events failed: {exc}") from exc

    async def status(self) -> dict[str, Any]:
        """Rasa's `/status`: the loaded model's file among others."""
        try:
            response = await self._http.get(f"{self._base_url}/status", params=self._params)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa status failed: {exc}") from exc
        return response.json()

    async def load_model(self, *, model_file: str, timeout_seconds: float) -> None:
        """Make Rasa load another model (`PUT /model`; Rasa answers once it is loaded). Call it
        inside `switch.closed()` so citizens' messages wait instead of timing out."""
        try:
            response = await self._http.put(
                f"{self._base_url}/model",
                json={"model_file": model_file},
                params=self._params,
                timeout=timeout_seconds,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa did not load {model_file}: {exc}") from exc
