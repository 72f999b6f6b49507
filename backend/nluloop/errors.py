"""Errors of the NLU loop; each maps to HTTP through its base class (backend.api.errors)."""

from backend.errors import Conflict, InvalidRequest, NotFound, Unavailable


class InvalidExample(InvalidRequest):
    """The example cannot be written: unknown intent or entity, bad spans, bad text."""


class ExampleConflict(Conflict):
    """The example is already there, or is in the held-out split."""


class TrainingBusy(Conflict):
    """Another training is queued or running."""


class LoopNotFound(NotFound):
    """No such training or model."""


class ActivationBlocked(Conflict):
    """The gate blocks the activation: a critical intent got worse and no reason was given."""

    def __init__(self, worse: dict[str, float]) -> None:
        names = ", ".join(sorted(worse))
        super().__init__(
            f"critical intents got worse ({names}); give a reason to override", worse=worse
        )


class ActivationFailed(Unavailable):
    """Rasa did not load the model; the active model stays the same."""
