"""ReportIntentKeeper: a close call between two report intents is a report, not a fallback.

Runs in the Rasa runtime (`make test` calls `.venv-rasa/bin/python -m pytest tests/nlu/components`).
"""

from pathlib import Path
from typing import Any

import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.report_fallback import ReportIntentKeeper, kept_report

ROOT = Path(__file__).resolve().parents[3]
REPORTS = {"water_supply", "property", "noise", "streetlight", "inform", "animals"}
FALLBACK = {"name": "nlu_fallback", "confidence": 0.5}


def ranked(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [FALLBACK, *({"name": name, "confidence": value} for name, value in pairs)]


def keep(ranking: list[dict[str, Any]]) -> str | None:
    best = kept_report(ranking, report_intents=REPORTS, min_top=0.4, min_pair=0.5)
    return best["name"] if best else None


def test_a_coin_flip_between_two_categories_files_the_likelier() -> None:
    assert keep(ranked(("water_supply", 0.514), ("property", 0.486))) == "water_supply"
    assert keep(ranked(("animals", 0.498), ("inform", 0.448))) == "animals"


def test_a_reply_question_or_weak_guess_stays_a_fallback() -> None:
    assert keep(ranked(("affirm", 0.32), ("noise", 0.3))) is None
    assert keep(ranked(("noise", 0.5), ("faq", 0.45))) is None
    assert keep(ranked(("noise", 0.35), ("animals", 0.3))) is None  # the best is too unsure
    assert keep(ranked(("noise", 0.42), ("animals", 0.05))) is None  # the two together too
    assert keep([FALLBACK, {"name": "noise", "confidence": 0.9}]) is None


def test_the_component_rewrites_only_fallbacks() -> None:
    config = {"report_intents": sorted(REPORTS), "min_top": 0.4, "min_pair": 0.5}
    keeper = ReportIntentKeeper(config)
    close = Message(data={TEXT: "停水了，物业也不管"})
    close.set(INTENT, dict(FALLBACK))
    close.set(INTENT_RANKING_KEY, ranked(("water_supply", 0.51), ("property", 0.49)))
    sure = Message(data={TEXT: "好的"})
    sure.set(INTENT, {"name": "affirm", "confidence": 0.9})

    keeper.process([close, sure])

    assert close.get(INTENT)["name"] == "water_supply"
    assert [r["name"] for r in close.get(INTENT_RANKING_KEY)] == ["water_supply", "property"]
    assert sure.get(INTENT)["name"] == "affirm"


def test_the_report_intents_are_those_that_start_the_complaint_form() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    keeper = next(c for c in config["pipeline"] if c["name"].endswith("ReportIntentKeeper"))
    rules = yaml.safe_load((ROOT / "nlu/data/rules/complaint.yml").read_text(encoding="utf-8"))
    starting = rules["rules"][0]["steps"][0]["or"]
    assert set(keeper["report_intents"]) == {step["intent"] for step in starting}
