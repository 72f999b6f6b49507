"""ASGI middlewares every request passes: bodies above a size are refused (413), URLs with
control characters are refused (400), and every answer carries the security headers (a CSP
with a per-request nonce on HTML pages).

Pages use the nonce as `request.state.csp_nonce` on their inline `<script>` and `<style>`.
"""

import json
import re
import secrets
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.open311_errors import OPEN311_PREFIX

_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
BAD_URL = "the URL contains control characters"

# Swagger UI and ReDoc (FastAPI's /docs and /redoc) load their code from a CDN and start it
# with an inline script; they show no citizen data, so they get a looser policy of their own.
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; "
    f"style-src 'self' 'unsafe-inline' {DOCS_CDN} https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https:; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def page_policy(nonce: str) -> str:
    """The CSP of our own HTML pages: our scripts and styles only, never framed."""
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob: https:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


class LimitRequestBody:
    """413 for a body larger than `max_bytes`: at once when Content-Length says so, else when
    the streamed body passes the limit (raised while the route reads it, so the app's error
    handlers answer it, in Open311's format under /open311/)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = HTTPException(413, f"the request body is larger than {self.max_bytes} bytes")
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.app(scope, _raising(too_large), send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_large
            return message

        await self.app(scope, counting_receive, send)


def _raising(error: Exception) -> Receive:
    async def receive() -> Message:
        raise error

    return receive


class RefuseControlCharacters:
    """400 for a path or query string with control characters (NUL, CR, LF …), percent-encoded
    or not: no identifier has them, and PostgreSQL refuses NUL in text."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_control(scope):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        body: object = (
            [{"code": 400, "description": BAD_URL}]
            if path.startswith(OPEN311_PREFIX)
            else {"detail": BAD_URL}
        )
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _has_control(scope: Scope) -> bool:
    raw_path: bytes = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
    query: bytes = scope.get("query_string", b"")
    return any(
        _CONTROL.search(unquote_to_bytes(part.replace(b"+", b" "))) for part in (raw_path, query)
    )


class SecurityHeaders:
    """nosniff, no framing and no referrer on every answer; a CSP on HTML (kept when the route
    set its own, as the upload route does)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if headers.get("content-type", "").startswith("text/html"):
                    policy = DOCS_POLICY if path in DOCS_PATHS else page_policy(nonce)
                    headers.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)
