"""`ReportIntentKeeper`: a report the classifier cannot place between two kinds of problem is
still a report.

Rasa's `FallbackClassifier` answers `nlu_fallback` when the top intent is unsure or when the
top two are close. For a citizen's report that is often a coin flip between two categories
("停水了，物业也不管": water_supply 0.51 / property 0.49; "路灯杆下面有人放音响跳舞":
streetlight / noise), and a fallback there makes the citizen repeat a perfectly clear report.
The category is shown at the read-back and can be changed in free words, so a close call
between two report intents is better filed under the likelier one. Placed right after
`FallbackClassifier`, this undoes its fallback when the two best intents are both report
intents (config `report_intents`: the categories and `inform`, the intents that start the
complaint form), together hold at least `min_pair` and the best alone at least `min_top`.
Anything else (a reply, a question, a greeting among the two) stays a fallback.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


def kept_report(
    ranking: list[dict[str, Any]], *, report_intents: set[str], min_top: float, min_pair: float
) -> dict[str, Any] | None:
    """The best intent of a fallback's ranking when it and the runner-up are both report
    intents sure enough together, else None (the fallback stands)."""
    ranked = [r for r in ranking if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
    if len(ranked) < 2:
        return None
    best, second = ranked[0], ranked[1]
    if not {best.get(INTENT_NAME_KEY), second.get(INTENT_NAME_KEY)} <= report_intents:
        return None
    top = float(best.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    pair = top + float(second.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    return best if top >= min_top and pair >= min_pair else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReportIntentKeeper(GraphComponent, IntentClassifier):
    """Undoes `FallbackClassifier`'s fallback on a close call between two report intents."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"report_intents": [], "min_top": 0.4, "min_pair": 0.5}

    def __init__(self, config: dict[str, Any]) -> None:
        self.report_intents = set(config["report_intents"])
        self.min_top = float(config["min_top"])
        self.min_pair = float(config["min_pair"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ReportIntentKeeper:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue
            ranking = list(message.get(INTENT_RANKING_KEY) or [])
            best = kept_report(
                ranking,
                report_intents=self.report_intents,
                min_top=self.min_top,
                min_pair=self.min_pair,
            )
            if best is None:
                continue
            message.set(INTENT, dict(best), add_to_output=True)
            without = [
                r for r in ranking if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
            ]
            message.set(INTENT_RANKING_KEY, without, add_to_output=True)
        return messages
