"""A small local Telegram Bot API double: the real bot polls it, tests inject updates and read
what the bot sent. Serve it over HTTP (`serving_fake_bot_api`) or plug it into PTB's HTTPXRequest
as an httpx transport (`FakeBotApi.transport()`, getUpdates then answers at once).
"""

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.e2e.stack import free_port

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "速办", "username": "suban_test_bot"}
MAX_LONG_POLL_SECONDS = 5.0


@dataclass(frozen=True)
class ApiCall:
    """One Bot API method call the bot made, with its decoded parameters."""

    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def message_id(self) -> int | None:
        """The id of the message the call made, when it made one."""
        return self.result.get("message_id") if isinstance(self.result, dict) else None

    @property
    def chat_id(self) -> str | None:
        """The chat the call is about, as a string."""
        value = self.params.get("chat_id")
        return None if value is None else str(value)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row after row."""
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


@dataclass
class _Failure:
    code: int
    description: str
    remaining: int | None  # None: every time


@dataclass
class FakeBotApi:
    """The state of the fake Bot API: queued updates, the bot's calls, messages it sent."""

    token: str = TOKEN
    calls: list[ApiCall] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    webhook_url: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _markups: dict[tuple[str, int], Any] = field(default_factory=dict)
    _failures: dict[tuple[str, str | None], _Failure] = field(default_factory=dict)
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: threading.Condition = field(default_factory=threading.Condition)

    # --- the test side -------------------------------------------------------------------------

    def inject(self, update: dict[str, Any], *, update_id: int | None = None) -> int:
        """Queue an update for getUpdates; returns its update_id (re-use one to re-deliver)."""
        with self._changed:
            number = update_id if update_id is not None else next(self._update_ids)
            self._updates.append({"update_id": number, **update})
            self._changed.notify_all()
        return number

    def user_says(self, chat_id: int, text: str, **extra: Any) -> int:
        """A citizen types `text` in a private chat (a command when it starts with '/')."""
        message = self._message(chat_id, text=text, **extra)
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.inject({"message": message})

    def user_sends_photo(
        self, chat_id: int, file_ids: list[str], caption: str | None = None
    ) -> int:
        """A citizen sends a photo; `file_ids` from the smallest size to the largest."""
        sizes = [
            {"file_id": fid, "file_unique_id": f"u{fid}", "width": 90 * n, "height": 60 * n}
            for n, fid in enumerate(file_ids, start=1)
        ]
        extra = {"caption": caption} if caption else {}
        return self.inject({"message": self._message(chat_id, photo=sizes, **extra)})

    def user_sends_location(self, chat_id: int, lat: float, lon: float) -> int:
        """A citizen shares a location pin."""
        location = {"latitude": lat, "longitude": lon}
        return self.inject({"message": self._message(chat_id, location=location)})

    def user_taps(self, chat_id: int, message_id: int, data: str) -> int:
        """A citizen taps an inline button of the bot's message `message_id`."""
        query = {
            "id": f"cbq{next(self._update_ids)}",
            "from": self._user(chat_id),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat(chat_id),
                "from": BOT_USER,
                "text": "…",
            },
        }
        return self.inject({"callback_query": query})

    def fail(
        self, method: str, *, chat_id: int | None, code: int, description: str, times: int | None
    ) -> None:
        """Make `method` (for one chat, or any) answer an error, `times` times or always."""
        key = (method, None if chat_id is None else str(chat_id))
        self._failures[key] = _Failure(code, description, times)

    def sent(self, *, chat_id: int | None = None, method: str | None = None) -> list[ApiCall]:
        """The message-producing calls the bot made, oldest first."""
        kinds = {method} if method else {"sendMessage", "sendPhoto"}
        with self._changed:
            return [
                call
                for call in self.calls
                if call.method in kinds and (chat_id is None or call.chat_id == str(chat_id))
            ]

    def wait_for(
        self, predicate: Callable[[ApiCall], bool], *, timeout: float = 60.0, after: int = 0
    ) -> ApiCall:
        """The first call (from index `after`) matching `predicate`, waiting for it to come."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self.calls[after:]:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    made = [f"{c.method} {c.params.get('text', '')!r}" for c in self.calls[after:]]
                    raise TimeoutError(f"no matching Bot API call; the bot made: {made}")
                self._changed.wait(remaining)

    # --- the bot side ---------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Handle one Bot API call: the HTTP status and the JSON body Telegram would send."""
        with self._changed:
            call = ApiCall(method, params)
            failure = self._failure_for(call)
            handler = getattr(self, f"_api_{method}", None)
            if failure is not None:
                status, body = failure
            elif handler is None:
                status, body = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            else:
                status, body = handler(params)
            self.calls.append(replace(call, result=body.get("result")))
            self._changed.notify_all()
            return status, body

    def take_updates(self, offset: int | str | None, limit: int = 100) -> list[dict[str, Any]]:
        """Updates with id ≥ offset; those below it are confirmed and dropped, like Telegram."""
        with self._changed:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= int(offset)]
            return list(self._updates[:limit])

    def drain(self) -> list[dict[str, Any]]:
        """Take every queued update (tests that feed the Application themselves use this)."""
        with self._changed:
            updates, self._updates = self._updates, []
            return updates

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering the bot in-process (for unit tests)."""

        def handle(request: httpx.Request) -> httpx.Response:
            method = request.url.path.rsplit("/", 1)[-1]
            params = decode_params(request.headers.get("content-type", ""), request.read())
            if method == "getUpdates":
                updates = self.take_updates(params.get("offset"))
                return httpx.Response(200, json={"ok": True, "result": updates})
            status, body = self.answer(method, params)
            return httpx.Response(status, json=body)

        return httpx.MockTransport(handle)

    def _failure_for(self, call: ApiCall) -> tuple[int, dict[str, Any]] | None:
        for key in ((call.method, call.chat_id), (call.method, None)):
            failure = self._failures.get(key)
            if failure is None:
                continue
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    del self._failures[key]
            body = {"ok": False, "error_code": failure.code, "description": failure.description}
            return failure.code, body
        return None

    def _ok(self, result: Any) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "result": result}

    def _bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = str(params["chat_id"])
        message_id = next(self._message_ids)
        self._markups[(chat_id, message_id)] = params.get("reply_markup")
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(int(chat_id)),
            "from": BOT_USER,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages.append(message)
        return message

    def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._ok(BOT_USER)

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not str(params.get("text") or "").strip():
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: text is empty",
            }
        return self._ok(self._bot_message(params, text=params["text"]))

    def _api_sendPhoto(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        photo = [{"file_id": "sent-photo", "file_unique_id": "sp", "width": 640, "height": 480}]
        return self._ok(self._bot_message(params, photo=photo))

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = (str(params.get("chat_id")), int(params.get("message_id", 0)))
        new = params.get("reply_markup")
        if self._markups.get(key) == new or (not self._markups.get(key) and not new):
            description = "Bad Request: message is not modified"
            return 400, {"ok": False, "error_code": 400, "description": description}
        self._markups[key] = new
        return self._ok(True)

    def _api_editMessageText(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = (str(params.get("chat_id")), int(params.get("message_id", 0)))
        self._markups[key] = params.get("reply_markup")
        return self._ok(True)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._ok(True)

    def _api_getFile(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = str(params.get("file_id"))
        size = len(self.files.get(file_id, b""))
        result = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": f"photos/{file_id}.jpg",
        }
        return self._ok(result)

    def _api_setMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.commands = list(params.get("commands") or [])
        return self._ok(True)

    def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook_url = None
        return self._ok(True)

    def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook_url = str(params.get("url"))
        return self._ok(True)

    def _api_close(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._ok(True)

    @staticmethod
    def _user(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "市民", "language_code": "zh-hans"}

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private", "first_name": "市民"}

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._user(chat_id),
            **content,
        }


def decode_params(content_type: str, body: bytes) -> dict[str, Any]:
    """The parameters PTB sent: form fields whose non-string values are JSON-encoded."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    if content_type.startswith("multipart/form-data"):
        return _decode_multipart(content_type, body)
    fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return {name: _maybe_json(value) for name, value in fields.items()}


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _decode_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            params[str(name)] = payload
        else:
            params[str(name)] = _maybe_json(payload.decode("utf-8"))
    return params


def fake_bot_api_app(api: FakeBotApi) -> Starlette:
    """The fake as an ASGI app: `/bot<token>/<method>`, `/file/bot<token>/<path>`, `/_test/…`."""

    async def bot_method(request: Request) -> Response:
        if request.path_params["token"] != api.token:
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return JSONResponse(body, status_code=401)
        method = request.path_params["method"]
        params = decode_params(request.headers.get("content-type", ""), await request.body())
        if method == "getUpdates":
            return JSONResponse({"ok": True, "result": await _long_poll(api, params)})
        status, body = api.answer(method, params)
        return JSONResponse(body, status_code=status)

    async def file_download(request: Request) -> Response:
        file_id = request.path_params["path"].rsplit("/", 1)[-1].removesuffix(".jpg")
        if file_id not in api.files:
            return Response(status_code=404)
        return Response(api.files[file_id], media_type="image/jpeg")

    async def test_inject(request: Request) -> Response:
        return JSONResponse({"update_id": api.inject(await request.json())})

    async def test_calls(request: Request) -> Response:
        return JSONResponse([{"method": c.method, "params": c.params} for c in api.calls])

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", bot_method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", file_download),
            Route("/_test/updates", test_inject, methods=["POST"]),
            Route("/_test/calls", test_calls),
        ]
    )


async def _long_poll(api: FakeBotApi, params: dict[str, Any]) -> list[dict[str, Any]]:
    offset = int(params.get("offset") or 0) or None
    wait = min(float(params.get("timeout") or 0), MAX_LONG_POLL_SECONDS)
    deadline = time.monotonic() + wait
    while True:
        updates = api.take_updates(offset, int(params.get("limit") or 100))
        if updates or time.monotonic() >= deadline:
            return updates
        await asyncio.sleep(0.05)


@dataclass(frozen=True)
class ServedBotApi:
    """A fake Bot API served on a local port."""

    api: FakeBotApi
    url: str

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """The value for TELEGRAM_API_FILE_URL."""
        return f"{self.url}/file/bot"


@contextmanager
def serving_fake_bot_api(api: FakeBotApi | None = None) -> Iterator[ServedBotApi]:
    """Serve a fake Bot API with uvicorn in a thread until the block ends."""
    api = api or FakeBotApi()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(fake_bot_api_app(api), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake Bot API did not start")
        time.sleep(0.05)
    try:
        yield ServedBotApi(api=api, url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
