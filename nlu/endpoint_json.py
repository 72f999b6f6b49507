"""Encode the JSON Rasa sends to its endpoints with ujson instead of the standard library.

Rasa posts the whole conversation (every event of the session) to the action server for each
custom action and form validation; encoding it with `json.dumps` was ~11 % of Rasa's CPU under
load (py-spy on `make bench`, issue 14). ujson, which Sanic already uses for Rasa's own
responses, writes the same JSON several times faster: the action server reads the same values.
"""

import aiohttp
import ujson
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig


def dumps(value: object) -> str:
    """JSON text of `value`: non-ASCII escaped and "/" kept as is, as `json.dumps` writes them."""
    return ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False)


def _session(self: EndpointConfig) -> aiohttp.ClientSession:
    """`EndpointConfig.session` (Rasa 3.6's, same headers, auth and time-out) with ujson."""
    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        json_serialize=dumps,
    )


def install() -> None:
    """Make Rasa's endpoint requests encode JSON with ujson."""
    EndpointConfig.session = _session  # type: ignore[method-assign]
