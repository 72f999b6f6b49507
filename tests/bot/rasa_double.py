"""A Rasa server double on an httpx mock transport: scripted replies, recorded requests."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from backend.rasa.client import TURN_PATH, RasaClient

Replies = list[dict[str, Any]]


def echo(text: str) -> Replies:
    """The default script: answer every message with `收到：<text>`."""
    return [{"text": f"收到：{text}"}]


@dataclass
class RasaDouble:
    """What the platform sent to Rasa, and what Rasa answers (settable per test)."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    triggers: list[dict[str, Any]] = field(default_factory=list)
    reply_to: Callable[[str], Replies] = echo
    trigger_replies: Callable[[dict[str, Any]], Replies] = lambda body: [
        {"text": body["entities"]["event_message"]}
    ]
    appended: list[dict[str, Any]] = field(default_factory=list)  # tracker events, by sender
    parsed: list[str] = field(default_factory=list)  # texts sent to /model/parse
    paths: list[str] = field(default_factory=list)  # every request's path, in order
    domain: dict[str, Any] = field(
        default_factory=lambda: {
            "slots": {
                "description": {"type": "text"},
                "handed_off": {"type": "bool", "initial_value": False},
            },
            "forms": {"complaint_form": {"required_slots": ["description"]}},
        }
    )
    down: bool = False
    token: str = "rasa-double-token"
    nlu_of: Callable[[str], dict[str, Any]] = lambda text: {
        "intent": {"name": "inform", "confidence": 0.9},
        "entities": [],
    }

    @property
    def texts(self) -> list[str]:
        """The texts of the messages sent to Rasa, in order."""
        return [message["message"] for message in self.messages]

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request the way Rasa's HTTP API does."""
        self.paths.append(request.url.path)
        if self.down:
            return httpx.Response(503, text="down")
        if not self._authorized(request):
            return httpx.Response(401, json={"error": "unauthorized"})
        if request.method == "GET" and request.url.path == "/domain":
            return httpx.Response(200, json=self.domain)
        body = json.loads(request.content)
        if request.url.path == "/model/parse":
            self.parsed.append(body["text"])
            return httpx.Response(200, json={"text": body["text"], **self.nlu_of(body["text"])})
        if request.url.path.endswith("/tracker/events"):
            sender = request.url.path.split("/")[2]
            self.appended.append({"sender": sender, "events": body})
            return httpx.Response(200, json={"sender_id": sender})
        if request.url.path == TURN_PATH:
            self.messages.append(body)
            replies = [
                {"recipient_id": body["sender"], **r} for r in self.reply_to(body["message"])
            ]
            nlu = {"text": body["message"], **self.nlu_of(body["message"])}
            return httpx.Response(200, json={"messages": replies, "nlu": nlu})
        if request.url.path.endswith("/trigger_intent"):
            sender = request.url.path.split("/")[2]
            self.triggers.append({"sender": sender, **body})
            return httpx.Response(200, json={"messages": self.trigger_replies(body)})
        return httpx.Response(404)

    def _authorized(self, request: httpx.Request) -> bool:
        """Rasa's channel wants the bearer header, its HTTP API `?token=` (--auth-token)."""
        if request.url.path == TURN_PATH:
            return request.headers.get("Authorization") == f"Bearer {self.token}"
        return request.url.params.get("token") == self.token

    def client(self) -> RasaClient:
        """A RasaClient talking to this double."""
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        return RasaClient(http=http, base_url="http://rasa.test", token=self.token)
