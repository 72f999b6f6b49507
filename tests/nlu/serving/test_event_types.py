"""nlu.event_types: every event name finds the class Rasa's own walk finds."""

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from nlu import event_types

RASAS_OWN = Event.resolve_by_type


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    event_types.install()


def test_every_event_name_finds_rasas_class(installed: None) -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "slot", "action", "active_loop", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is RASAS_OWN(name)


def test_stored_events_come_back_as_the_same_events(installed: None) -> None:
    events = [
        UserUttered("路灯坏了"),
        SlotSet("district", "南山区"),
        ActionExecuted("action_listen"),
    ]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events


def test_unknown_names_answer_as_rasa_does(installed: None) -> None:
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_a_class_defined_later_is_found(installed: None) -> None:
    Event.resolve_by_type("user")  # the table is made

    class LateEvent(SlotSet):
        type_name = "late_event_for_test"

    assert Event.resolve_by_type("late_event_for_test") is LateEvent
