"""Evaluate the Chinese NLU model (自然语言理解评测): train, test, parse, cross-validate, baseline.

Runs with the Rasa runtime (``.venv-rasa/bin/python scripts/eval_nlu.py``, i.e.
``make eval-nlu``):

1. checks that no held-out example is a copy or near-copy of a training example;
2. trains an NLU model on ``nlu/data`` (``rasa train nlu``);
3. evaluates it on the held-out split ``nlu/tests/nlu_test.yml`` (``rasa test nlu``);
4. runs 5-fold cross-validation on the training data;
5. parses every held-out text with the trained model in-process and writes
   ``heldout/parses.jsonl`` (text, gold intent and entities, the model's parse);
6. fits a TF-IDF (char 1-3 grams) + logistic regression baseline on the same split;
7. writes ``run.json`` (counts, categories, near-copies, timings) for the report.

``make eval-nlu`` then scores the place resolution of ``/api/v1/understand`` on the parses
(``scripts/eval_understand.py``, platform runtime) and writes ``report.md``
(``scripts/nlu_report.py``), all with the same ``--out``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nlu_data import (
    BASELINE_CV_FILE,
    BASELINE_FILE,
    CATEGORY_DATA,
    CONFIG,
    DOMAIN,
    MODEL_DIR,
    MODEL_NAME,
    NEAR_COPY_RATIO,
    PARSES_FILE,
    REPORT_DIR,
    ROOT,
    RUN_FILE,
    TEST_DATA,
    TRAIN_DATA,
    TRAIN_NLU,
    EvaluationError,
    Example,
    category_intents,
    load_examples,
    near_copies,
    write_json,
)
from nlu_parses import write_parses
from nlu_report import fallback_threshold


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


def baseline_classifier() -> Any:
    """TF-IDF (char 1-3 grams) + logistic regression: the plain baseline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=5000),
    )


def baseline_report(*, train: list[Example], test: list[Example]) -> dict[str, Any]:
    """The baseline trained on ``train``, scored on ``test`` like Rasa's intent report."""
    from sklearn.metrics import classification_report

    classifier = baseline_classifier()
    classifier.fit([e.text for e in train], [e.intent for e in train])
    predicted = classifier.predict([e.text for e in test])
    return classification_report(
        [e.intent for e in test], predicted, output_dict=True, zero_division=0
    )


def baseline_cv_report(*, train: list[Example], folds: int) -> dict[str, Any]:
    """The baseline's ``folds``-fold cross-validation on the training data, folds pooled."""
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    texts, intents = [e.text for e in train], [e.intent for e in train]
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    predicted = cross_val_predict(baseline_classifier(), texts, intents, cv=splits)
    return classification_report(intents, predicted, output_dict=True, zero_division=0)


def run_summary(
    *,
    model: Path,
    categories: list[str],
    train: list[Example],
    test: list[Example],
    copies: list[tuple[float, Example, Example]],
    timings: dict[str, float],
    folds: int,
) -> dict[str, Any]:
    """What the report needs besides Rasa's own files (written to run.json)."""
    return {
        "generated": time.strftime("%Y-%m-%d %H:%M"),
        "model": str(model),
        "folds": folds,
        "train_examples": len(train),
        "heldout_examples": len(test),
        "categories": categories,
        "heldout_intents": sorted({e.intent for e in test}),
        "near_copies": [
            {"ratio": ratio, "heldout": a.text, "train": b.text} for ratio, a, b in copies
        ],
        "fallback_threshold": fallback_threshold(),
        "timings": timings,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPORT_DIR)
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
    started = time.monotonic()
    parsed = write_parses(model=model, data=TEST_DATA, path=out / PARSES_FILE)
    timings["parse held-out"] = time.monotonic() - started
    if options.folds:
        timings["cross-validation"] = cross_validate(folds=options.folds, out=out / "cv", logs=logs)
    started = time.monotonic()
    baseline = baseline_report(train=train, test=test)
    timings["baseline"] = time.monotonic() - started
    write_json(out / BASELINE_FILE, baseline)
    if options.folds:
        write_json(out / BASELINE_CV_FILE, baseline_cv_report(train=train, folds=options.folds))
    matrix = out / "heldout" / "intent_confusion_matrix.png"
    if matrix.exists():
        shutil.copy(matrix, out / "intent_confusion_matrix.png")

    summary = run_summary(
        model=model, categories=categories, train=train, test=test, copies=copies,
        timings=timings, folds=options.folds,
    )  # fmt: skip
    write_json(out / RUN_FILE, summary)
    print(f"parsed {parsed} held-out examples: {out / PARSES_FILE}")
    print(f"run summary: {out / RUN_FILE}; next: scripts/eval_understand.py, scripts/nlu_report.py")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EvaluationError as error:
        print(f"eval-nlu: {error}", file=sys.stderr)
        sys.exit(1)
