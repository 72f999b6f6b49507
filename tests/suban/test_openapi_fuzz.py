"""Schemathesis against the assembled app's /openapi.json: every operation, a bounded number of
generated requests (valid and invalid), each sent without a token, with the service token and
with an admin token. Any 5xx, or an answer that breaks its documented schema, fails.

In-process (ASGI, no network), on SQLite and PostgreSQL; Rasa is a double, so nothing leaves
the test. Hypothesis drives schemathesis's strategies directly (schemathesis's own pytest
fixture loader does not run on pytest 9). `-m "not fuzz"` skips these tests; FUZZ_EXAMPLES sets
the number of cases per operation and generation mode.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import response_schema_conformance

from backend.settings import Settings
from suban.app import create_app
from tests.bot.rasa_double import RasaDouble
from tests.conftest import ADMIN_HEADERS

SERVICE_TOKEN = "test-service-token"
OPEN311_KEY = "test-open311-key"
CALLERS = {
    "anonymous": {},
    "service": {"Authorization": f"Bearer {SERVICE_TOKEN}"},
    "admin": ADMIN_HEADERS,
}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance]
# The operations, read from an app that is built but not started (nothing connects).
OPERATIONS = sorted(
    result.ok().label
    for result in schemathesis.openapi.from_dict(
        create_app(Settings(_env_file=None)).openapi()
    ).get_all_operations()
)


@pytest.fixture
def api_schema(app_settings: Settings, tmp_path: Path) -> Iterator[schemathesis.BaseSchema]:
    """The app's schema, loaded from the running app (schemathesis starts its lifespan)."""
    settings_ = app_settings.model_copy(
        update={
            "service_api_token": SERVICE_TOKEN,
            "open311_api_keys": OPEN311_KEY,
            "uploads_dir": tmp_path / "uploads",
        }
    )
    app = create_app(settings_)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Started by now: Rasa and the health checks' HTTP client are replaced by doubles.
    app.state.rasa = RasaDouble().client()
    app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(_healthy))
    yield schema
    shutdown_lifespans()


def _healthy(request: httpx.Request) -> httpx.Response:
    """Rasa's /status and the action server's /health, both up."""
    return httpx.Response(200, json={"model_file": "suban.tar.gz", "status": "ok"})


def _cases(operation: schemathesis.APIOperation) -> st.SearchStrategy[schemathesis.Case]:
    return st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


@pytest.mark.fuzz
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_generated_request_gets_a_5xx_or_an_undocumented_shape(
    api_schema: schemathesis.BaseSchema, label: str
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None

    @given(case=_cases(operation))
    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        derandomize=True,  # the same cases on every run: make test is not a lottery
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def each_case(case: schemathesis.Case) -> None:
        for headers in CALLERS.values():
            case.call_and_validate(headers=headers, checks=CHECKS)

    each_case()
