"""nlu.fast_load: the trained model loaded the fast way answers exactly as Rasa's own load.

Runs in the Rasa runtime on the model `make test` trains (var/models/suban.tar.gz); it loads
the model twice, about three minutes on two cores (the slow half is Rasa's own load).
"""

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
MODEL = REPO / "var" / "models" / "suban.tar.gz"
HELD_OUT = REPO / "nlu" / "tests" / "nlu_test.yml"
TEXTS = 40


def held_out_texts() -> list[str]:
    """The first examples of each intent in the held-out split, plain text (no annotations)."""
    texts: list[str] = []
    for block in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["nlu"]:
        for line in block.get("examples", "").splitlines()[:2]:
            text = re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", r"\1\2", line[2:])
            if text.strip():
                texts.append(text.strip())
    return texts[:TEXTS]


def parses(texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [asyncio.run(agent.parse_message(text)) for text in texts]


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model: make test trains one first")
def test_the_fast_load_answers_like_rasas_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.utils.tensorflow.models import RasaModel

    from nlu import fast_load

    texts = held_out_texts()
    assert len(texts) == TEXTS
    rasas = parses(texts)
    monkeypatch.setattr(RasaModel, "load", RasaModel.load)  # undone after the test
    fast_load.install()
    assert RasaModel.load.__func__ is fast_load._load
    fast = parses(texts)
    for ours, theirs in zip(fast, rasas, strict=True):
        assert ours["intent"]["name"] == theirs["intent"]["name"], ours["text"]
        assert ours["intent"]["confidence"] == pytest.approx(theirs["intent"]["confidence"])
        assert [(e["entity"], e["value"], e["start"]) for e in ours["entities"]] == [
            (e["entity"], e["value"], e["start"]) for e in theirs["entities"]
        ], ours["text"]
        if "response_selector" in theirs:  # the FAQ answers (ResponseSelector, a DIET model)
            assert ours["response_selector"]["faq"]["response"]["confidence"] == pytest.approx(
                theirs["response_selector"]["faq"]["response"]["confidence"], abs=1e-5
            )
