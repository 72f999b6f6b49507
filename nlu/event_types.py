"""Find an event's class by its name from a table instead of a walk over every class.

Rasa 3.6 reads a conversation from its tracker store on every turn and, for each stored event,
finds the event's class by walking all subclasses of `Event` (`Event.resolve_by_type`): about a
tenth of Rasa's CPU under load (py-spy on `make bench`, issue 14). The same answer from a table
made once; a name it does not know makes the table anew (a class imported since), then answers
as Rasa does.
"""

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_by_name: dict[str, type[Event]] = {}


def _table() -> dict[str, type[Event]]:
    """Each type name's class; the first of Rasa's walk wins, as in Rasa's own loop."""
    table: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """`Event.resolve_by_type` from the table."""
    cls = _by_name.get(type_name)
    if cls is None:
        _by_name.clear()
        _by_name.update(_table())
        cls = _by_name.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # Rasa's backwards compatibility for old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install() -> None:
    """Make Rasa find event classes from the table."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]
