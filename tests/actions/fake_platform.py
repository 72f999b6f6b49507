"""A fake of the platform's internal API (contracts.md), served through httpx.MockTransport."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from tenacity import wait_none

from actions.backend_client import BackendClient

# What the fake place resolver knows: a phrase in the text -> the place it names.
PLACES: dict[str, dict[str, str | None]] = {
    "粤海街道": {"district": "南山区", "street": "粤海街道"},
    "科技园": {"district": "南山区", "street": "粤海街道", "address": "科技园"},
    "建安一路": {"district": "宝安区", "street": "新安街道", "address": "建安一路"},
    "福田区": {"district": "福田区"},
    "南山区": {"district": "南山区"},
    "东门老街": {"district": "罗湖区", "street": "东门街道", "address": "东门老街"},
    "华富街道": {"district": "福田区", "street": "华富街道"},
    "彩田路": {"district": "福田区", "address": "彩田路"},
    "宝安区": {"district": "宝安区"},
    "新安街道": {"district": "宝安区", "street": "新安街道"},
    "Futian": {"district": "福田区"},
}


def locate(text: str) -> dict[str, Any]:
    """The fake resolver: merge what every known phrase in the text names."""
    place: dict[str, Any] = {"district": None, "street": None, "community": None, "address": None}
    spans = []
    for phrase, named in PLACES.items():
        start = text.find(phrase)
        if start >= 0:
            place.update({key: value for key, value in named.items() if value})
            kind = "street" if named.get("street") else "district"
            kind = "landmark" if named.get("address") else kind
            spans.append({"text": phrase, "start": start, "end": start + len(phrase), "kind": kind})
    return {**place, "spans": spans}


# The platform's one list of urgent words (read as data: the actions never import the backend).
CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "backend/catalogue/data/catalogue.yml"


def urgent_kinds_body() -> dict[str, Any]:
    """What `GET /api/v1/catalogue/urgent` answers, from the shipped catalogue."""
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))["urgent_kinds"]
    return {"kinds": [{"kind": k, "keywords": v["keywords"]} for k, v in raw.items()]}


SERVICE_TOKEN = "test-service-token"
CHANNEL_HEADER = "X-Suban-Channel"
CHAT_HEADER = "X-Suban-Chat"
ONE_TICKET = re.compile(r"^/api/v1/tickets/(?P<no>[^/]+)(?P<rest>/rating|/transitions|/follow)?$")


def not_found(ticket_no: str) -> httpx.Response:
    """The platform's one answer for a missing ticket and for one the chat does not follow."""
    return httpx.Response(404, json={"detail": f"ticket {ticket_no} not found"})


@dataclass
class FakePlatform:
    """Records requests; files tickets idempotently; can be switched off (`down`).

    Like the platform it wants SERVICE_API_TOKEN on every call, and shows or rates a ticket
    only for the chat named in X-Suban-Channel / X-Suban-Chat when that chat follows it.
    """

    down: bool = False
    requests: list[httpx.Request] = field(default_factory=list)
    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)
    followers: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    open_tickets: list[dict[str, Any]] = field(default_factory=list)
    rating_status: int = 201
    # What /tickets/similar answers (best first); /follow accepts only these numbers.
    similar: list[dict[str, Any]] = field(default_factory=list)
    queue_position: int | None = 1  # what needs-human answers: None = told already / held
    extra: dict[str, Callable[[httpx.Request], httpx.Response]] = field(default_factory=dict)

    def add_ticket(self, ticket: dict[str, Any], *, channel: str, chat_id: str) -> None:
        """A ticket on the platform, filed (followed) by this chat."""
        self.tickets[ticket["ticket_no"]] = ticket
        self.follow(ticket["ticket_no"], channel=channel, chat_id=chat_id)

    def follow(self, ticket_no: str, *, channel: str, chat_id: str) -> None:
        """The chat follows the ticket (it filed it, or one merged into it)."""
        self.followers.setdefault(ticket_no, set()).add((channel, chat_id))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.headers.get("Authorization") != f"Bearer {SERVICE_TOKEN}":
            return httpx.Response(401, json={"detail": "invalid or revoked token"})
        path = request.url.path
        if path in self.extra:
            return self.extra[path](request)
        body = json.loads(request.content) if request.content else {}
        if path == "/api/v1/catalogue/urgent":
            return httpx.Response(200, json=urgent_kinds_body())
        if path == "/api/v1/locate":
            return httpx.Response(200, json=locate(body.get("text") or ""))
        if path == "/api/v1/tickets" and request.method == "POST":
            return self._file(request, body)
        if path == "/api/v1/tickets/similar":
            kind = body.get("service_code")
            return httpx.Response(200, json=[t for t in self.similar if t["service_code"] == kind])
        one = ONE_TICKET.match(path)
        if one:
            return self._one_ticket(request, ticket_no=one["no"], rest=one["rest"])
        if path.startswith("/api/v1/citizens/"):
            return httpx.Response(200, json=self.open_tickets)
        if path.endswith("/needs-human"):
            return httpx.Response(
                200, json={"needs_human": True, "queue_position": self.queue_position}
            )
        return httpx.Response(404, json={"detail": f"no route {path}"})

    def _one_ticket(
        self, request: httpx.Request, *, ticket_no: str, rest: str | None
    ) -> httpx.Response:
        chat = (request.headers.get(CHANNEL_HEADER), request.headers.get(CHAT_HEADER))
        ticket = next((t for t in self.tickets.values() if t["ticket_no"] == ticket_no), None)
        if rest == "/follow":
            return self._follow(ticket, ticket_no=ticket_no, chat=chat)
        if ticket is None or chat not in self.followers.get(ticket_no, set()):
            return not_found(ticket_no)
        if rest == "/rating":
            return httpx.Response(self.rating_status, json={"detail": "rated"})
        if rest == "/transitions":
            return httpx.Response(200, json={**ticket, "state": "cancelled"})
        return httpx.Response(200, json=ticket)

    def _follow(
        self, ticket: dict[str, Any] | None, *, ticket_no: str, chat: tuple[Any, Any]
    ) -> httpx.Response:
        """A co-reporter: 201 the first time, 200 after; 404 unless /similar offers it."""
        offered = any(item["ticket_no"] == ticket_no for item in self.similar)
        if ticket is None or not offered or None in chat:
            return not_found(ticket_no)
        already = chat in self.followers.get(ticket_no, set())
        self.follow(ticket_no, channel=chat[0], chat_id=chat[1])
        return httpx.Response(200 if already else 201, json=ticket)

    def _file(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        if key in self.tickets:
            return httpx.Response(200, json=self.tickets[key])
        ticket = {
            **body,
            "ticket_no": f"SZ20261129-{len(self.tickets) + 1:06d}",
            "state": "dispatched",
            "department": "南山区粤海街道办事处",
            "resolve_due": "2026-12-01T10:00:00+00:00",
        }
        self.tickets[key] = ticket
        if body.get("channel") and body.get("chat_id"):
            self.follow(ticket["ticket_no"], channel=body["channel"], chat_id=body["chat_id"])
        return httpx.Response(201, json=ticket)

    def calls(self, path_part: str) -> list[httpx.Request]:
        """The requests whose path contains `path_part`."""
        return [request for request in self.requests if path_part in request.url.path]

    def client(self) -> BackendClient:
        """A BackendClient talking to this fake with the service token (no backoff)."""
        http = httpx.AsyncClient(
            transport=httpx.MockTransport(self.handle),
            base_url="http://platform",
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        )
        return BackendClient(http=http, wait=wait_none())
