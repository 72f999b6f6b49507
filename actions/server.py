"""`python -m actions.server`: Rasa SDK's action server, closed to callers without the token.

`rasa run actions` answers anyone: a POST /webhook with a forged tracker (sender
`telegram:<someone>`) would run check_status or file a report as that citizen. This serves the
same Rasa SDK app behind `Authorization: Bearer <ACTION_SERVER_TOKEN>`, which Rasa sends (see
nlu/endpoints.yml). Only /health stays open, for the platform's health check.
"""

import argparse
import hmac
import logging
import os
import sys

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import language
from actions.config import get_settings

OPEN_PATHS = frozenset({"/health"})


def authorized(*, path: str, authorization: str | None, token: str) -> bool:
    """Whether a request may reach the actions: an open path, or the bearer token."""
    if path in OPEN_PATHS:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    )


def create_guarded_app(*, token: str, actions_package: str = "actions") -> Sanic:
    """The Rasa SDK app with every route but /health behind the token; no CORS (no browser
    has any business calling it)."""
    if not token:
        raise ValueError("the action server needs a token")
    app = create_app(actions_package, cors_origins="")

    @app.middleware("request")
    async def refuse_strangers(request: Request) -> HTTPResponse | None:
        if authorized(path=request.path, authorization=request.headers.get("Authorization"),
                      token=token):  # fmt: skip
            return None
        return response.json({"error": "unauthorized"}, status=401)

    @app.middleware("request")
    async def speak_the_citizens_language(request: Request) -> None:
        # Middleware and handler run in one task, so the action call sees this language.
        body = request.json if request.path == "/webhook" else None
        tracker = body.get("tracker") if isinstance(body, dict) else None
        state = tracker if isinstance(tracker, dict) else {}
        language.set_current(language.from_tracker_state(state))

    return app


def main(argv: list[str] | None = None) -> None:
    """Serve the actions on SANIC_HOST (127.0.0.1 by default) and the given port."""
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__)
    parser.add_argument("-p", "--port", type=int, default=5055)
    args = parser.parse_args(argv)
    token = get_settings().action_server_token
    if not token:
        sys.exit("ACTION_SERVER_TOKEN is not set: `make run` generates it into var/secrets.env")
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    app = create_guarded_app(token=token)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    logging.getLogger(__name__).info("Action server on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
