"""The one HTTP client the actions use to reach the platform (contracts.md, internal API).

Built lazily by `get_backend()` on first use, never at import time. Every call carries
SERVICE_API_TOKEN as a bearer (the platform refuses the citizen side without it), and calls
about one ticket name the chat they speak for (`chat_headers`). Connection errors and
5xx answers are retried a few times with a short backoff (tenacity); what still fails is
raised as `BackendUnavailable`, and a 4xx answer as `BackendRejected`.
"""

import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, TypedDict

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)
from tenacity.wait import wait_base

from actions.config import ActionSettings, get_settings

log = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The platform did not answer, or answered 5xx, after the retries."""


class BackendRejected(Exception):
    """The platform refused the request (4xx); `status` and `detail` say why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class Place(TypedDict, total=False):
    """A place the platform resolved from text or a point (canonical names, or None)."""

    district: Optional[str]
    street: Optional[str]
    community: Optional[str]
    address: Optional[str]


class Ticket(TypedDict, total=False):
    """The fields of the platform's ticket JSON the dialogue uses (工单)."""

    ticket_no: str
    state: str
    service_code: str
    service_name: Optional[str]
    district: Optional[str]
    street: Optional[str]
    address: Optional[str]
    department: Optional[str]
    resolve_due: Optional[str]
    urgent: bool


CHANNEL_HEADER = "X-Suban-Channel"
CHAT_HEADER = "X-Suban-Chat"


def chat_headers(channel: str, chat_id: str) -> Dict[str, str]:
    """The headers naming the chat the actions speak for, on calls about one ticket.

    The platform shows or changes a ticket only for a chat that follows it; any other
    number answers 404 as if it did not exist.
    """
    return {CHANNEL_HEADER: channel, CHAT_HEADER: chat_id}


class _RetryableStatus(Exception):
    """A 5xx answer worth retrying (internal to the retry loop)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _is_retryable(error: BaseException) -> bool:
    return isinstance(error, (httpx.TransportError, _RetryableStatus))


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])
    return str(body)[:200]


class BackendClient:
    """Typed calls to the platform's internal API."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        attempts: int = 3,
        wait: Optional[wait_base] = None,
    ) -> None:
        self._http = http
        self._attempts = attempts
        self._wait = wait if wait is not None else wait_exponential(multiplier=0.2, max=2)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Optional[Dict[str, Any]] = None,
        params: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(_is_retryable),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._http.request(
                        method, path, json=json, params=params, headers=headers
                    )
                    if response.status_code >= 500:
                        raise _RetryableStatus(response)
        except _RetryableStatus as exc:
            raise BackendUnavailable(
                f"{method} {path} answered {exc.response.status_code}: {_detail(exc.response)}"
            ) from exc
        except httpx.TransportError as exc:
            raise BackendUnavailable(f"{method} {path} failed: {exc!r}") from exc
        if response.status_code >= 400:
            raise BackendRejected(response.status_code, _detail(response))
        if not response.content:
            return None
        return response.json()

    async def locate(
        self,
        *,
        text: Optional[str] = None,
        lat: Optional[float] = None,
        lon: Optional[float] = None,
    ) -> Place:
        """Resolve a place from free text or from a point (`POST /api/v1/locate`)."""
        body: Dict[str, Any] = {"text": text} if text is not None else {"lat": lat, "lon": lon}
        return await self._request("POST", "/api/v1/locate", json=body)

    async def create_ticket(self, *, draft: Dict[str, Any], idempotency_key: str) -> Ticket:
        """File a ticket; the same key returns the same ticket (`POST /api/v1/tickets`)."""
        return await self._request(
            "POST", "/api/v1/tickets", json=draft, headers={"Idempotency-Key": idempotency_key}
        )

    async def get_ticket(self, *, ticket_no: str, channel: str, chat_id: str) -> Ticket:
        """One ticket by its number, asked from this chat: 404 unless the chat follows it."""
        return await self._request(
            "GET", f"/api/v1/tickets/{ticket_no}", headers=chat_headers(channel, chat_id)
        )

    async def open_tickets(self, *, channel: str, chat_id: str) -> List[Ticket]:
        """The citizen's open tickets on this channel identity."""
        return await self._request(
            "GET", f"/api/v1/citizens/{channel}/{chat_id}/tickets", params={"open": "true"}
        )

    async def rate_ticket(
        self, *, ticket_no: str, channel: str, chat_id: str, rating: Dict[str, Any]
    ) -> Dict[str, Any]:
        """Rate a resolved ticket (评价) from this chat: score 1–3, optional aspects, comment.

        404 unless the chat follows the ticket.
        """
        return await self._request(
            "POST",
            f"/api/v1/tickets/{ticket_no}/rating",
            json=rating,
            headers=chat_headers(channel, chat_id),
        )

    async def similar_tickets(self, *, report: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Open tickets of the same kind at the same place as the report, best first
        (`POST /api/v1/tickets/similar`; body: service_code, description, district, street)."""
        return list(await self._request("POST", "/api/v1/tickets/similar", json=report) or [])

    async def follow_ticket(
        self, *, ticket_no: str, channel: str, chat_id: str, report: Dict[str, Any]
    ) -> Ticket:
        """This chat follows the ticket as a co-reporter instead of filing the report
        (`POST /api/v1/tickets/{no}/follow`); 404 unless /similar offers it for the report."""
        return await self._request(
            "POST",
            f"/api/v1/tickets/{ticket_no}/follow",
            json=report,
            headers=chat_headers(channel, chat_id),
        )

    async def mark_needs_human(
        self, *, channel: str, chat_id: str, reason: str, kind: str = "asked"
    ) -> Optional[int]:
        """Flag the conversation for a human operator (转人工); `kind` is why: "asked" (the
        citizen asked for a person) or "misunderstood" (not understood twice in a row).

        Returns the citizen's place in the queue when this call started the wait (the caller
        tells it; the platform then sends no queue notice of its own), else None."""
        body = await self._request(
            "POST",
            f"/api/v1/conversations/{channel}/{chat_id}/needs-human",
            json={"reason": reason, "kind": kind},
        )
        position = body.get("queue_position") if isinstance(body, dict) else None
        return position if isinstance(position, int) else None

    async def catalogue(self) -> List[Dict[str, Any]]:
        """The service categories (诉求类别)."""
        body = await self._request("GET", "/api/v1/catalogue")
        if isinstance(body, dict):
            return list(body.get("categories") or body.get("items") or [])
        return list(body or [])

    async def urgent_kinds(self) -> Dict[str, Any]:
        """The urgent words by kind (`{"kinds": [{"kind": "gas", "keywords": [...]}]}`)."""
        return await self._request("GET", "/api/v1/catalogue/urgent")

    async def aclose(self) -> None:
        """Close the underlying connections."""
        await self._http.aclose()


def build_backend_client(settings: ActionSettings) -> BackendClient:
    """A client for the platform at `settings.backend_url`."""
    token = settings.service_token
    if not token:
        log.warning("SERVICE_API_TOKEN is not set: the platform will refuse every call")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx.AsyncClient(
        base_url=settings.backend_url, headers=headers, timeout=settings.timeout_seconds
    )
    return BackendClient(http=http)


@lru_cache
def get_backend() -> BackendClient:
    """The action server's client to the platform, built on first use."""
    return build_backend_client(get_settings())
