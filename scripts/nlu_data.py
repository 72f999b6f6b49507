"""NLU evaluation inputs (评测数据): paths, labelled examples, held-out hygiene."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.yml"
DOMAIN = ROOT / "nlu" / "domain"
TRAIN_DATA = ROOT / "nlu" / "data"
TRAIN_NLU = TRAIN_DATA / "nlu"
CATEGORY_DATA = TRAIN_NLU / "categories"
TEST_DATA = ROOT / "nlu" / "tests" / "nlu_test.yml"
MODEL_DIR = ROOT / "var" / "models" / "eval"
MODEL_NAME = "nlu-eval"
REPORT_DIR = ROOT / "var" / "reports" / "nlu"  # default --out of every step
TARGET_CATEGORY_MACRO_F1 = 0.93
TARGET_PLACE_ACCURACY = 0.97  # district accuracy of /api/v1/understand, held-out
NEAR_COPY_RATIO = 0.8
# Files under the report folder (--out) that the steps of `make eval-nlu` hand on.
RUN_FILE = "run.json"
PARSES_FILE = "heldout/parses.jsonl"
BASELINE_FILE = "baseline_intent_report.json"
BASELINE_CV_FILE = "baseline_cv_intent_report.json"
UNDERSTAND_FILE = "understand_report.json"


@dataclass(frozen=True)
class Example:
    """One labelled utterance; ``intent`` is the top-level intent (faq/x -> faq)."""

    text: str
    intent: str


class EvaluationError(RuntimeError):
    """A step of the evaluation failed; the message says which and why."""


def read_json(path: Path) -> Any:
    """A JSON file an earlier step (or Rasa) wrote; `EvaluationError` when it is missing."""
    if not path.exists():
        raise EvaluationError(f"expected report {path} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")


def load_examples(path: Path) -> list[Example]:
    """Reads Rasa NLU YAML (a file or a folder) into (text, intent) pairs."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        Example(text=message.get("text"), intent=message.get("intent"))
        for message in data.intent_examples
    ]


def category_intents(*, category_dir: Path) -> list[str]:
    """Service-category intents: those whose training data lives in categories/."""
    intents = {example.intent for example in load_examples(category_dir)}
    if not intents:
        raise EvaluationError(f"no category intents found under {category_dir}")
    return sorted(intents)


def near_copies(
    *, train: list[Example], test: list[Example], threshold: float
) -> list[tuple[float, Example, Example]]:
    """Held-out examples whose closest training example is at least ``threshold`` similar."""
    found: list[tuple[float, Example, Example]] = []
    for held_out in test:
        best_ratio, best = 0.0, train[0]
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(held_out.text)
        for candidate in train:
            matcher.set_seq1(candidate.text)
            if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_ratio, best = ratio, candidate
        if best_ratio >= threshold:
            found.append((best_ratio, held_out, best))
    return sorted(found, key=lambda item: -item[0])
