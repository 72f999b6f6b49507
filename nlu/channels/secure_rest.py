"""The REST channel the platform talks to, closed to callers without the token.

Rasa's own `rest` channel answers anyone who can reach it, whatever `--auth-token` says, and the
sender is whatever the body claims (`telegram:<id>`, `web:<id>`): anyone on the machine could
talk as any citizen. This one is Rasa's `RestInput` (`/webhooks/suban/webhook`) behind an
`Authorization: Bearer <token>` check (a header, so the token never lands in an access log).

`/webhooks/suban/turn` is the platform's one call per inbound message: the same turn as
`/webhook`, answering `{"messages": [...], "nlu": <parse>}`, so the platform needs no second
request for what the NLU understood. The message is parsed once, here, and handed to Rasa's
processor with its parse data (Rasa then skips its own parse).
"""

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries this bearer token (constant-time)."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    )


class SecureRestInput(RestInput):
    """Rasa's REST channel, answering only requests that carry the shared token."""

    @classmethod
    def name(cls) -> str:
        return "suban"

    def __init__(self, token: str) -> None:
        if not token or not token.strip():
            raise ValueError("the suban channel needs a token (credentials.yml: token)")
        self.token = token.strip()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "SecureRestInput":
        return cls(token=str((credentials or {}).get("token") or ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        # The decorator form: Sanic 21.12's Blueprint.middleware(handler, "request") silently
        # registers nothing when the handler is a bound method.
        @webhook.middleware("request")
        async def refuse_strangers(request: Request) -> HTTPResponse | None:
            if bearer_matches(request.headers.get("Authorization"), self.token):
                return None
            return response.json({"error": "unauthorized"}, status=401)

        @webhook.route("/turn", methods=["POST"])
        async def turn(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            metadata = body.get("metadata")
            if not isinstance(sender, str) or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            )
            processor = getattr(request.app.ctx.agent, "processor", None)
            if processor is None:
                return response.json({"error": "no model loaded"}, status=503)
            # Errors propagate (Sanic answers 500): unlike `/webhook`'s `200 []`, the platform
            # sees a failure as one.
            message.parse_data = await processor.parse_message(message)
            await on_new_message(message)
            return response.json({"messages": collector.messages, "nlu": message.parse_data})

        return webhook
