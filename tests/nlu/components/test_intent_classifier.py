"""LinearIntentClassifier: configurable regularisation, Rasa's ranking and persistence.

Runs in the Rasa runtime (`make test` calls `.venv-rasa/bin/python -m pytest tests/nlu/components`).
"""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.intent_classifier import LinearIntentClassifier

VOCABULARY = ["噪音", "施工", "垃圾", "清运", "路灯", "不亮"]
TRAINING = [
    ("noise", ["噪音", "施工"]),
    ("noise", ["噪音"]),
    ("noise", ["施工"]),
    ("sanitation", ["垃圾", "清运"]),
    ("sanitation", ["垃圾"]),
    ("sanitation", ["清运"]),
    ("streetlight", ["路灯", "不亮"]),
    ("streetlight", ["路灯"]),
    ("streetlight", ["不亮"]),
]


def message(words: list[str], intent: str | None = None) -> Message:
    """A message carrying bag-of-words sentence features, as CountVectorsFeaturizer makes them."""
    row = np.array([[words.count(word) for word in VOCABULARY]], dtype=float)
    data = {TEXT: "".join(words)} | ({"intent": intent} if intent else {})
    found = Message(data=data)
    found.add_features(
        Features(scipy.sparse.coo_matrix(row), "sentence", TEXT, "CountVectorsFeaturizer")
    )
    return found


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def create(storage: LocalModelStorage, **config: object) -> LinearIntentClassifier:
    return LinearIntentClassifier.create(
        {**LinearIntentClassifier.get_default_config(), **config},
        storage,
        Resource("intent_classifier"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_config_reaches_the_estimator(storage: LocalModelStorage) -> None:
    classifier = create(storage, C=3.5, max_iter=50)

    assert classifier.clf.C == 3.5
    assert classifier.clf.max_iter == 50
    assert classifier.clf.class_weight is None


def test_trains_ranks_and_reloads(storage: LocalModelStorage) -> None:
    classifier = create(storage)
    resource = classifier.train(TrainingData([message(w, i) for i, w in TRAINING]))
    unseen = [message(["路灯", "施工"]), message(["垃圾"])]

    classifier.process(unseen)
    reloaded = LinearIntentClassifier.load(
        LinearIntentClassifier.get_default_config(),
        storage,
        resource,
        ExecutionContext(GraphSchema({}), "test"),
    )
    again = [message(["垃圾"])]
    reloaded.process(again)

    assert unseen[1].get("intent")["name"] == "sanitation"
    ranking = unseen[0].get("intent_ranking")
    assert [r["name"] for r in ranking][:2] in (
        ["streetlight", "noise"],
        ["noise", "streetlight"],
    )
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert again[0].get("intent")["name"] == "sanitation"
    assert again[0].get("intent")["confidence"] == pytest.approx(
        unseen[1].get("intent")["confidence"]
    )


def test_stronger_regularisation_is_less_confident(storage: LocalModelStorage) -> None:
    data = TrainingData([message(w, i) for i, w in TRAINING])
    confident, cautious = create(storage, C=100.0), create(storage, C=0.01)
    confident.train(data)
    cautious.train(data)
    high, low = [message(["路灯", "不亮"])], [message(["路灯", "不亮"])]

    confident.process(high)
    cautious.process(low)

    assert high[0].get("intent")["name"] == low[0].get("intent")["name"] == "streetlight"
    assert high[0].get("intent")["confidence"] > low[0].get("intent")["confidence"] + 0.3
