"""nlu.action_validation: the action server's answers are checked as Rasa checks them, with
the schema checked once instead of on every answer."""

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from nlu import action_validation

VALID = {
    "events": [
        {"event": "slot", "name": "district", "value": "南山区"},
        {"event": "active_loop", "name": None},
    ],
    "responses": [{"text": "好的"}],
}
INVALID = [
    {"events": [{"event": "slot", "value": "南山区"}], "responses": []},  # a slot needs a name
    {"events": "not a list"},
    {"events": [], "responses": ["not an object"]},
]


def action() -> RemoteAction:
    """A remote action as far as the check needs one (it reads only the class's schema)."""
    return RemoteAction.__new__(RemoteAction)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    action_validation.install()


def rasas_own_error(result: dict) -> str:
    """The message of the error Rasa's own check raises (before install)."""
    with pytest.raises(ValidationError) as raised:
        action()._validate_action_result(result)
    return raised.value.message


def test_a_valid_answer_passes(installed: None) -> None:
    assert action()._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_fails_with_rasas_own_error(
    result: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = rasas_own_error(result)
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    action_validation.install()
    with pytest.raises(ValidationError) as raised:
        action()._validate_action_result(result)
    assert raised.value.message == expected
    assert "custom-actions" in raised.value.message


def test_the_schema_is_checked_once(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    action_validation.response_validator.cache_clear()
    checks = []
    cls = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    check_schema = cls.check_schema
    monkeypatch.setattr(
        cls, "check_schema", classmethod(lambda c, s: checks.append(s) or check_schema(s))
    )
    for _ in range(3):
        action()._validate_action_result(VALID)
    assert len(checks) == 1
