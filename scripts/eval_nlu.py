"""Evaluate the Chinese NLU model (自然语言理解评测) and write var/reports/nlu/report.md.

Runs with the Rasa runtime (``.venv-rasa/bin/python scripts/eval_nlu.py``, i.e.
``make eval-nlu``):

1. checks that no held-out example is a copy or near-copy of a training example;
2. trains an NLU model on ``nlu/data`` (``rasa train nlu``);
3. evaluates it on the held-out split ``nlu/tests/nlu_test.yml`` (``rasa test nlu``);
4. runs 5-fold cross-validation on the training data;
5. fits a TF-IDF (char 1-3 grams) + logistic regression baseline on the same split;
6. writes the Markdown report next to Rasa's JSON reports and confusion matrices.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
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
TARGET_CATEGORY_MACRO_F1 = 0.93
NEAR_COPY_RATIO = 0.8


@dataclass(frozen=True)
class Example:
    """One labelled utterance; ``intent`` is the top-level intent (faq/x -> faq)."""

    text: str
    intent: str


class EvaluationError(RuntimeError):
    """A step of the evaluation failed; the message says which and why."""


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


def run_rasa(*, args: list[str], log_path: Path) -> float:
    """Runs a rasa CLI command, logging to ``log_path``; returns seconds taken."""
    rasa = Path(sys.executable).with_name("rasa")
    if not rasa.exists():
        raise EvaluationError(f"rasa not found next to {sys.executable}; use .venv-rasa/bin/python")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        result = subprocess.run(
            [str(rasa), *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    if result.returncode != 0:
        raise EvaluationError(f"`rasa {' '.join(args)}` failed; see {log_path}")
    return time.monotonic() - started


def train_model(*, logs: Path) -> tuple[Path, float]:
    """Trains the NLU model on the training data only; returns (model path, seconds)."""
    seconds = run_rasa(
        args=[
            "train", "nlu", "--config", str(CONFIG), "--nlu", str(TRAIN_DATA),
            "--domain", str(DOMAIN), "--out", str(MODEL_DIR), "--fixed-model-name", MODEL_NAME,
        ],
        log_path=logs / "train.log",
    )  # fmt: skip
    return MODEL_DIR / f"{MODEL_NAME}.tar.gz", seconds


def test_heldout(*, model: Path, out: Path, logs: Path) -> float:
    """Evaluates the trained model on the held-out split; Rasa writes its reports to ``out``."""
    return run_rasa(
        args=[
            "test", "nlu", "--model", str(model), "--nlu", str(TEST_DATA),
            "--config", str(CONFIG), "--domain", str(DOMAIN), "--out", str(out), "--successes",
        ],
        log_path=logs / "test_heldout.log",
    )  # fmt: skip


def cross_validate(*, folds: int, out: Path, logs: Path) -> float:
    """Runs ``folds``-fold cross-validation on the training data."""
    return run_rasa(
        args=[
            "test", "nlu", "--nlu", str(TRAIN_DATA), "--config", str(CONFIG),
            "--domain", str(DOMAIN), "--cross-validation", "--folds", str(folds),
            "--out", str(out),
        ],
        log_path=logs / "cross_validation.log",
    )  # fmt: skip


def baseline_report(*, train: list[Example], test: list[Example]) -> dict[str, Any]:
    """TF-IDF (char 1-3 grams) + logistic regression, scored like Rasa's intent report."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report
    from sklearn.pipeline import make_pipeline

    classifier = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=5000),
    )
    classifier.fit([e.text for e in train], [e.intent for e in train])
    predicted = classifier.predict([e.text for e in test])
    return classification_report(
        [e.intent for e in test], predicted, output_dict=True, zero_division=0
    )


def read_json(path: Path) -> Any:
    if not path.exists():
        raise EvaluationError(f"expected Rasa report {path} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def macro_f1(report: dict[str, Any], *, labels: list[str]) -> float:
    """Unweighted mean F1 over ``labels`` (a label never predicted nor present counts 0)."""
    return sum(report.get(label, {}).get("f1-score", 0.0) for label in labels) / len(labels)


def entity_rows(out: Path) -> list[tuple[str, dict[str, Any]]]:
    """Per-extractor entity reports (DIETClassifier, RegexEntityExtractor, ...)."""
    rows = []
    for path in sorted(out.glob("*_report.json")):
        name = path.stem.removesuffix("_report")
        if name in {"intent", "response_selection"}:
            continue
        rows.append((name, read_json(path)))
    return rows


def fallback_threshold() -> float:
    """The FallbackClassifier threshold configured in config.yml."""
    from rasa.shared.utils.io import read_yaml_file

    for component in read_yaml_file(CONFIG)["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    raise EvaluationError("config.yml has no FallbackClassifier")


def below_threshold(*, out: Path, threshold: float) -> tuple[int, int]:
    """(held-out messages whose top intent confidence is below ``threshold``, all messages)."""
    predictions = [
        *read_json(out / "intent_successes.json"),
        *read_json(out / "intent_errors.json"),
    ]
    low = [p for p in predictions if p["intent_prediction"]["confidence"] < threshold]
    return len(low), len(predictions)


def fmt(value: float) -> str:
    return f"{value:.3f}"


def intent_table(
    *, model: dict[str, Any], baseline: dict[str, Any], intents: list[str], categories: set[str]
) -> list[str]:
    lines = [
        "| intent | support | model P | model R | model F1 "
        "| baseline P | baseline R | baseline F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for intent in intents:
        m, b = model.get(intent, {}), baseline.get(intent, {})
        name = f"**{intent}**" if intent in categories else intent
        lines.append(
            f"| {name} | {m.get('support', b.get('support', 0))} "
            f"| {fmt(m.get('precision', 0))} | {fmt(m.get('recall', 0))} "
            f"| {fmt(m.get('f1-score', 0))} | {fmt(b.get('precision', 0))} "
            f"| {fmt(b.get('recall', 0))} | {fmt(b.get('f1-score', 0))} |"
        )
    return lines


def entity_table(rows: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = ["| extractor | entity | support | P | R | F1 |", "|---|---|---:|---:|---:|---:|"]
    for extractor, report in rows:
        for label, scores in report.items():
            if not isinstance(scores, dict) or "f1-score" not in scores:
                continue
            lines.append(
                f"| {extractor} | {label} | {scores.get('support', '')} "
                f"| {fmt(scores['precision'])} | {fmt(scores['recall'])} "
                f"| {fmt(scores['f1-score'])} |"
            )
    return lines


def confusions(report: dict[str, Any], *, limit: int = 10) -> list[str]:
    pairs = []
    for intent, scores in report.items():
        if isinstance(scores, dict):
            for other, count in scores.get("confused_with", {}).items():
                pairs.append((count, intent, other))
    pairs.sort(reverse=True)
    return [f"- {intent} → {other}: {count}" for count, intent, other in pairs[:limit]]


def summary_of(report: dict[str, Any], *, categories: list[str]) -> dict[str, float]:
    return {
        "accuracy": report.get("accuracy", 0.0),
        "macro_f1": report.get("macro avg", {}).get("f1-score", 0.0),
        "category_macro_f1": macro_f1(report, labels=categories),
    }


def write_report(
    *,
    out: Path,
    categories: list[str],
    train: list[Example],
    test: list[Example],
    copies: list[tuple[float, Example, Example]],
    baseline: dict[str, Any],
    timings: dict[str, float],
    folds: int | None,
) -> dict[str, float]:
    """Writes report.md; returns the headline figures."""
    heldout = read_json(out / "heldout" / "intent_report.json")
    model_summary = summary_of(heldout, categories=categories)
    base_summary = summary_of(baseline, categories=categories)
    gold = sorted({e.intent for e in test})
    verdict = "met" if model_summary["category_macro_f1"] >= TARGET_CATEGORY_MACRO_F1 else "NOT met"
    threshold = fallback_threshold()
    low, total = below_threshold(out=out / "heldout", threshold=threshold)
    lines = [
        "# NLU evaluation (速办 Chinese NLU)",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M')} by `scripts/eval_nlu.py`. "
        f"Training examples: {len(train)}; held-out examples: {len(test)} "
        f"({len(categories)} service categories, {len(gold)} intents).",
        "",
        "## Headline (held-out split `nlu/tests/nlu_test.yml`)",
        "",
        "| metric | Rasa model | TF-IDF + LogReg baseline |",
        "|---|---:|---:|",
    ]
    for key, label in [
        ("category_macro_f1", "category macro-F1"),
        ("macro_f1", "macro-F1 (all intents)"),
        ("accuracy", "accuracy (all intents)"),
    ]:
        lines.append(f"| {label} | {fmt(model_summary[key])} | {fmt(base_summary[key])} |")
    lines += [
        "",
        f"Target category macro-F1 ≥ {TARGET_CATEGORY_MACRO_F1}: **{verdict}**. "
        "Rasa scores the classifier's own top intent (it undoes `nlu_fallback`); "
        f"{low} of {total} held-out messages fall below the fallback threshold "
        f"{threshold} and would get the fallback reply in a conversation.",
        "",
        "## Per-intent scores (held-out; categories in bold)",
        "",
        *intent_table(model=heldout, baseline=baseline, intents=gold, categories=set(categories)),
        "",
        "Most frequent confusions (model):",
        "",
        *(confusions(heldout) or ["- none"]),
        "",
        "## Entities (held-out)",
        "",
        *entity_table(entity_rows(out / "heldout")),
    ]
    selection = out / "heldout" / "response_selection_report.json"
    if selection.exists():
        faq = read_json(selection)
        lines += [
            "",
            "## FAQ response selection (held-out)",
            "",
            f"accuracy {fmt(faq.get('accuracy', 0.0))}, "
            f"weighted F1 {fmt(faq.get('weighted avg', {}).get('f1-score', 0.0))}.",
        ]
    if folds:
        cv = read_json(out / "cv" / "intent_report.json")
        cv_summary = summary_of(cv, categories=categories)
        lines += [
            "",
            f"## {folds}-fold cross-validation (training data, test folds pooled)",
            "",
            f"category macro-F1 {fmt(cv_summary['category_macro_f1'])}, "
            f"macro-F1 {fmt(cv_summary['macro_f1'])}, accuracy {fmt(cv_summary['accuracy'])}.",
            "",
            *entity_table(entity_rows(out / "cv")),
        ]
    lines += [
        "",
        "## Held-out hygiene",
        "",
        f"Held-out examples at least {NEAR_COPY_RATIO:.0%} similar (difflib ratio) to a "
        f"training example: {len(copies)}.",
        "",
        *[f"- {ratio:.2f} `{a.text}` ~ `{b.text}`" for ratio, a, b in copies],
        "",
        "## Timings (seconds, this machine)",
        "",
        *[f"- {step}: {seconds:.0f}" for step, seconds in timings.items()],
        "",
        "Files: `heldout/` and `cv/` hold Rasa's JSON reports, errors and plots; "
        "`intent_confusion_matrix.png` is the held-out confusion matrix.",
    ]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {f"model_{k}": v for k, v in model_summary.items()} | {
        f"baseline_{k}": v for k, v in base_summary.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "reports" / "nlu")
    parser.add_argument("--folds", type=int, default=5, help="0 skips cross-validation")
    options = parser.parse_args()
    out: Path = options.out
    if out.exists():
        shutil.rmtree(out)
    logs = out / "logs"

    train, test = load_examples(TRAIN_NLU), load_examples(TEST_DATA)
    categories = category_intents(category_dir=CATEGORY_DATA)
    copies = near_copies(train=train, test=test, threshold=NEAR_COPY_RATIO)
    exact = [a.text for ratio, a, _ in copies if ratio == 1.0]
    if exact:
        raise EvaluationError(f"held-out examples copied from training data: {exact}")

    timings: dict[str, float] = {}
    model, timings["train"] = train_model(logs=logs)
    timings["test held-out"] = test_heldout(model=model, out=out / "heldout", logs=logs)
    if options.folds:
        timings["cross-validation"] = cross_validate(folds=options.folds, out=out / "cv", logs=logs)
    started = time.monotonic()
    baseline = baseline_report(train=train, test=test)
    timings["baseline"] = time.monotonic() - started
    (out / "baseline_intent_report.json").write_text(
        json.dumps(baseline, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    matrix = out / "heldout" / "intent_confusion_matrix.png"
    if matrix.exists():
        shutil.copy(matrix, out / "intent_confusion_matrix.png")

    figures = write_report(
        out=out, categories=categories, train=train, test=test, copies=copies,
        baseline=baseline, timings=timings, folds=options.folds,
    )  # fmt: skip
    for name, value in figures.items():
        print(f"{name}: {value:.3f}")
    print(f"report: {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EvaluationError as error:
        print(f"eval-nlu: {error}", file=sys.stderr)
        sys.exit(1)
