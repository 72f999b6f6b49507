"""The one HTTP client the platform and its channels use to talk to the Rasa server."""

import functools
import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import httpx

from backend.rasa.replies import BotReply
from backend.rasa.switch import ModelSwitch, SwitchTimeout

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer, or answered with an error."""


# Rasa's REST channel behind RASA_TOKEN (nlu/channels/secure_rest.py); Rasa's plain `rest`
# channel is not served: it would let anyone talk as any sender. Its `/turn` answers the replies
# and the NLU parse in one call (its `/webhook`, Rasa's REST shape, is what the benchmark uses).
TURN_PATH = "/webhooks/suban/turn"


@dataclass(frozen=True)
class Turn:
    """What Rasa answered to one message: the bot's replies and what the NLU understood."""

    replies: list[BotReply]
    nlu: dict[str, Any]


def rasa_base_urls(*, rasa_url: str, rasa_urls: str | None) -> list[str]:
    """The Rasa servers to use: RASA_URLS (comma-separated) when set, else RASA_URL."""
    urls = [url.strip().rstrip("/") for url in (rasa_urls or "").split(",") if url.strip()]
    return urls or [rasa_url.rstrip("/")]


def sticky_order(urls: Sequence[str], sender_id: str) -> list[str]:
    """The servers to try for a conversation: always the same first one (its turns stay on one
    process while it is up), then the others in turn. With a shared tracker and lock store any
    process can serve any turn; stickiness only spreads conversations evenly."""
    start = zlib.crc32(sender_id.encode("utf-8")) % len(urls)
    return [*urls[start:], *urls[:start]]


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
        more_urls: Sequence[str] = (),
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._urls = [self._base_url, *(u.rstrip("/") for u in more_urls if u.rstrip("/"))]
        self._action_server_url = action_server_url.rstrip("/") if action_server_url else None
        self._health_timeout = health_timeout_seconds
        self._params = {"token": token} if token else {}
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.switch = ModelSwitch(max_wait_seconds=SWITCH_MAX_WAIT_SECONDS)

    def _url_for(self, sender_id: str) -> str:
        """The conversation's own Rasa server (several: RASA_URLS)."""
        return sticky_order(self._urls, sender_id)[0]

    @_through_switch
    async def send_turn(
        self, *, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> Turn:
        """Deliver one inbound message; the bot's replies and the NLU's parse, in one call.

        With several Rasa servers, the conversation's own server first; a server that refuses
        the connection (down: the message never reached it) passes the turn to the next.
        """
        await self._require_action_server()
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        order = sticky_order(self._urls, sender_id)
        for index, base_url in enumerate(order):
            try:
                response = await self._http.post(
                    f"{base_url}{TURN_PATH}", json=body, headers=self._headers
                )
                response.raise_for_status()
                answer = response.json()
                break
            except httpx.ConnectError as exc:
                if index + 1 == len(order):
                    raise RasaUnavailable(f"no Rasa server answered: {exc}") from exc
                log.warning("Rasa at %s refused the connection; trying the next", base_url)
            except (httpx.HTTPError, ValueError) as exc:
                raise RasaUnavailable(f"Rasa turn failed: {exc}") from exc
        replies = [BotReply.from_rasa(message) for message in answer.get("messages") or []]
        if not replies:
            log.warning("Rasa answered no message to %r from %s", text, sender_id)
            raise RasaUnavailable("Rasa answered with no message")
        return Turn(replies=replies, nlu=answer.get("nlu") or {})

    @_through_switch
    async def trigger_intent(
        self, *, sender_id: str, intent: str, entities: dict[str, Any] | None = None
    ) -> list[BotReply]:
        """Inject an external event (e.g. ticket resolved) and return what the bot says."""
        await self._require_action_server()
        try:
            response = await self._http.post(
                f"{self._url_for(sender_id)}/conversations/{sender_id}/trigger_intent",
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
                f"{self._url_for(sender_id)}/conversations/{sender_id}/tracker/events",
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
        inside `switch.closed()` so citizens' messages wait instead of timing out.

        With several Rasa servers (RASA_URLS) every one loads it, one after the other (the
        switch stays closed for all the loads): a conversation may be served by any of them.
        `status` asks the first one only."""
        for base_url in self._urls:
            try:
                response = await self._http.put(
                    f"{base_url}/model",
                    json={"model_file": model_file},
                    params=self._params,
                    timeout=timeout_seconds,
                )
                response.raise_for_status()
            except httpx.HTTPError as exc:
                raise RasaUnavailable(
                    f"Rasa at {base_url} did not load {model_file}: {exc}"
                ) from exc
