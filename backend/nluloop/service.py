"""The NLU loop's operations as the API, the console and the CLI use them: paths and plans
from the settings, an example from an inbox message, discarding, and loading a model in Rasa
without dropping a citizen's message."""

from pathlib import Path

from sqlalchemy.orm import Session

from backend.nluloop.errors import ActivationFailed, LoopNotFound
from backend.nluloop.examples import AddedExample, add_example
from backend.nluloop.inbox import decide
from backend.nluloop.models import LoadModel
from backend.nluloop.runner import TrainingPlan
from backend.nluloop.training_data import Entity, NluPaths
from backend.rasa.client import RasaClient, RasaUnavailable
from backend.settings import REPO_ROOT, Settings
from storage.models import Message, MessageRole


def nlu_paths(settings: Settings) -> NluPaths:
    """The nlu/ tree the settings name."""
    return NluPaths(settings.nlu_dir)


def training_plan(settings: Settings) -> TrainingPlan:
    """How a training runs with these settings."""
    return TrainingPlan(
        repo_root=settings.nlu_dir.resolve().parent,
        rasa_python=settings.rasa_python,
        config=settings.nlu_train_config,
        nlu=nlu_paths(settings),
        models_dir=settings.models_dir,
        scripts_dir=REPO_ROOT / "scripts",
        time_limit_seconds=settings.nlu_training_timeout_seconds,
    )


def inbox_message(*, session: Session, message_id: int) -> Message:
    """A citizen's message; LoopNotFound otherwise."""
    message = session.get(Message, message_id)
    if message is None or message.role != MessageRole.citizen:
        raise LoopNotFound(f"no citizen message {message_id}")
    return message


def add_reviewed_example(
    *,
    session: Session,
    settings: Settings,
    text: str,
    intent: str,
    entities: list[Entity],
    message_id: int | None,
    staff_id: str,
) -> AddedExample:
    """Write the example; the inbox message it came from (if any) leaves the inbox."""
    if message_id is not None:
        inbox_message(session=session, message_id=message_id)
    added = add_example(paths=nlu_paths(settings), text=text, intent=intent, entities=entities)
    decide(session=session, text=added.text, decision="added", staff_id=staff_id)
    if message_id is not None:
        original = inbox_message(session=session, message_id=message_id).text
        decide(session=session, text=original, decision="added", staff_id=staff_id)
    return added


def discard_message(*, session: Session, message_id: int, staff_id: str) -> None:
    """Leave the message and its near-identical twins out of the inbox."""
    message = inbox_message(session=session, message_id=message_id)
    decide(session=session, text=message.text, decision="discarded", staff_id=staff_id)


def rasa_loader(*, rasa: RasaClient, settings: Settings) -> LoadModel:
    """Load a model in Rasa with citizens' messages held meanwhile (backend/rasa/switch.py)."""

    async def load(path: Path) -> None:
        try:
            async with rasa.switch.closed():
                await rasa.load_model(
                    model_file=str(path), timeout_seconds=settings.rasa_model_load_timeout_seconds
                )
        except RasaUnavailable as error:
            raise ActivationFailed(f"Rasa did not load the model: {error}") from error

    return load
