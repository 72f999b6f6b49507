"""Check the action server's answers against Rasa's schema with one validator built once.

Rasa 3.6 checks every answer of the action server (each custom action, each form validation)
with `jsonschema.validate`, which first checks the schema itself against the JSON Schema
metaschema and builds a new validator: under load that was half of Rasa's CPU (py-spy on
`make bench`, issue 14). The schema never changes, so it is checked once; the answers are
checked against it exactly as before and fail with the same error.
"""

from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def response_validator() -> Validator:
    """The validator of Rasa's action response schema, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the validator built once."""
    error = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Make Rasa's remote actions check answers with the validator built once."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
