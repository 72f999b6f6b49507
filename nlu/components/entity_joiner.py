"""`EntityJoiner`: one entity where DIET returned the pieces of a phrase.

DIET tags tokens; a rating phrase of several tokens ("not satisfied": not, space, satisfied;
"基本满意": 基本, 满意) sometimes comes back as two entities, and the synonym mapper then reads
"satisfied" alone, so "not satisfied" rated 3. Placed after the extractors and before
EntitySynonymMapper, this joins adjacent entities of the configured types (only whitespace
between them) into one spanning the citizen's own text, which the synonyms then map whole.
A negation DIET left out just before such an entity ("I am not satisfied": only "satisfied"
tagged) is taken into it too (config `negations`, matched case-insensitively).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def with_negation(entity: dict[str, Any], text: str, negations: list[str]) -> dict[str, Any]:
    """The entity grown leftwards over a negation right before it (spaces between allowed)."""
    start = entity[ENTITY_ATTRIBUTE_START]
    before = text[:start].rstrip()
    for negation in sorted(negations, key=len, reverse=True):
        if not before.lower().endswith(negation.lower()):
            continue
        begin = len(before) - len(negation)
        if begin > 0 and negation[0].isascii() and text[begin - 1].isalnum():
            continue  # "cannot" is no "not"
        span = " ".join(text[begin : entity[ENTITY_ATTRIBUTE_END]].split())
        return {**entity, ENTITY_ATTRIBUTE_START: begin, ENTITY_ATTRIBUTE_VALUE: span}
    return entity


def joined(entities: list[dict[str, Any]], text: str, types: set[str]) -> list[dict[str, Any]]:
    """The entities with adjacent pieces of the same type and extractor joined."""
    result: list[dict[str, Any]] = []
    for entity in entities:
        previous = result[-1] if result else None
        if (
            previous is not None
            and entity.get(ENTITY_ATTRIBUTE_TYPE) in types
            and previous.get(ENTITY_ATTRIBUTE_TYPE) == entity.get(ENTITY_ATTRIBUTE_TYPE)
            and previous.get(EXTRACTOR) == entity.get(EXTRACTOR)
            and entity[ENTITY_ATTRIBUTE_START] - previous[ENTITY_ATTRIBUTE_END] >= 0
            and not text[previous[ENTITY_ATTRIBUTE_END] : entity[ENTITY_ATTRIBUTE_START]].strip()
        ):
            merged = {**previous, ENTITY_ATTRIBUTE_END: entity[ENTITY_ATTRIBUTE_END]}
            span = text[merged[ENTITY_ATTRIBUTE_START] : merged[ENTITY_ATTRIBUTE_END]]
            merged[ENTITY_ATTRIBUTE_VALUE] = " ".join(span.split())  # as the synonyms spell it
            result[-1] = merged
            continue
        result.append(entity)
    return result


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityJoiner(GraphComponent):
    """Joins split pieces of the configured entity types (config `entities`)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"entities": ["rating"], "negations": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self.types = set(config["entities"])
        self.negations = list(config["negations"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityJoiner:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES)
            text = message.get(TEXT)
            if not entities or not text:
                continue
            pieces = joined(entities, text, self.types)
            grown = [
                with_negation(e, text, self.negations) if e.get(ENTITY_ATTRIBUTE_TYPE) in self.types
                else e
                for e in pieces
            ]  # fmt: skip
            message.set(ENTITIES, grown, add_to_output=True)
        return messages
