"""The NLU evaluation report (评测报告): Markdown built from the evaluation's JSON files.

Last step of ``make eval-nlu``; runs with the Rasa runtime
(``.venv-rasa/bin/python scripts/nlu_report.py --out var/reports/nlu``) and can be re-run on
its own. Reads ``run.json`` and the baseline (``scripts/eval_nlu.py``), Rasa's reports under
``heldout/`` and ``cv/``, and ``understand_report.json`` (``scripts/eval_understand.py``);
writes ``report.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nlu_data import (
    BASELINE_CV_FILE,
    BASELINE_FILE,
    CONFIG,
    NEAR_COPY_RATIO,
    REPORT_DIR,
    RUN_FILE,
    TARGET_CATEGORY_MACRO_F1,
    TARGET_PLACE_ACCURACY,
    UNDERSTAND_FILE,
    EvaluationError,
    read_json,
)

SHOWN_PLACE_ERRORS = 15


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


def verdict(value: float | None, *, target: float) -> str:
    return "met" if value is not None and value >= target else "NOT met"


def comparison_table(*, model: dict[str, float], base: dict[str, float]) -> list[str]:
    """The model beside the baseline on the summary metrics."""
    lines = ["| metric | Rasa model | TF-IDF + LogReg baseline |", "|---|---:|---:|"]
    for key, label in [
        ("category_macro_f1", "category macro-F1"),
        ("macro_f1", "macro-F1 (all intents)"),
        ("accuracy", "accuracy (all intents)"),
    ]:
        lines.append(f"| {label} | {fmt(model[key])} | {fmt(base[key])} |")
    return lines


def headline(*, run: dict[str, Any], model: dict[str, float], base: dict[str, float]) -> list[str]:
    return [
        "# NLU evaluation (速办 Chinese NLU)",
        "",
        f"Generated {run['generated']} by `make eval-nlu`. "
        f"Training examples: {run['train_examples']}; held-out examples: "
        f"{run['heldout_examples']} ({len(run['categories'])} service categories, "
        f"{len(run['heldout_intents'])} intents).",
        "",
        "## Headline (held-out split `nlu/tests/nlu_test.yml`)",
        "",
        *comparison_table(model=model, base=base),
    ]


def intents_section(
    *, out: Path, run: dict[str, Any], heldout: dict[str, Any], baseline: dict[str, Any]
) -> list[str]:
    model_f1 = macro_f1(heldout, labels=run["categories"])
    threshold = run["fallback_threshold"]
    low, total = below_threshold(out=out / "heldout", threshold=threshold)
    return [
        "",
        f"Target category macro-F1 ≥ {TARGET_CATEGORY_MACRO_F1}: "
        f"**{verdict(model_f1, target=TARGET_CATEGORY_MACRO_F1)}**. "
        "Rasa scores the classifier's own top intent (it undoes `nlu_fallback`); "
        f"{low} of {total} held-out messages fall below the fallback threshold "
        f"{threshold} and would get the fallback reply in a conversation.",
        "",
        "## Per-intent scores (held-out; categories in bold)",
        "",
        *intent_table(
            model=heldout,
            baseline=baseline,
            intents=run["heldout_intents"],
            categories=set(run["categories"]),
        ),
        "",
        "Most frequent confusions (model):",
        "",
        *(confusions(heldout) or ["- none"]),
    ]


def entities_section(*, out: Path) -> list[str]:
    lines = ["", "## Entities (held-out)", "", *entity_table(entity_rows(out / "heldout"))]
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
    return lines


def place_row(level: str, figures: dict[str, Any], *, target: float) -> str:
    accuracy = figures["accuracy"]
    shown = "n/a" if accuracy is None else fmt(accuracy)
    return (
        f"| {level} | {shown} | {verdict(accuracy, target=target)} | {figures['n']} "
        f"| {figures['named_correct']}/{figures['named_n']} | {figures['invented']} "
        f"| {figures['missed']} | {figures['wrong']} |"
    )


def place_error(error: dict[str, Any]) -> str:
    gold, predicted = error["gold"], error["predicted"]
    parts = [
        f"{level}: gold {gold.get(level) or '—'}, predicted {predicted.get(level) or '—'}"
        for level in gold
        if gold.get(level) != predicted.get(level)
    ]
    return f"- `{error['text']}` — {'; '.join(parts)}"


def places_section(*, out: Path) -> list[str]:
    """District and street accuracy of /api/v1/understand, from understand_report.json."""
    lines = ["", "## Place resolution of /api/v1/understand (held-out)", ""]
    path = out / UNDERSTAND_FILE
    if not path.exists():
        return [
            *lines,
            f"Not evaluated: run `.venv/bin/python scripts/eval_understand.py --out {out}`, "
            "then this script again (`make eval-nlu` does both).",
        ]
    report = read_json(path)
    target = report.get("target", TARGET_PLACE_ACCURACY)
    errors = report["errors"]
    lines += [
        "The endpoint's own logic (`backend.understanding.understanding_of`: the parse, then "
        "the place resolver) on the trained model's parse of each held-out text. Gold place: "
        "from the annotations with the gazetteer; a text without any place annotation must "
        "get no place (a place there counts as invented).",
        "",
        f"| level | accuracy | target ≥ {target} | n | named places right | invented "
        "| missed | wrong |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
        place_row("district", report["district"], target=target),
        place_row("street", report["street"], target=target),
        "",
        f"Not scored for district (place annotations that name no district, e.g. only a "
        f"road or landmark): {report['undetermined']['n']}. "
        f"Errors: {len(errors)}"
        + (f" (first {SHOWN_PLACE_ERRORS})" if len(errors) > SHOWN_PLACE_ERRORS else "")
        + ("." if not errors else ":"),
    ]
    if errors:
        lines += ["", *[place_error(error) for error in errors[:SHOWN_PLACE_ERRORS]]]
    return lines


def cv_section(*, out: Path, run: dict[str, Any]) -> list[str]:
    folds = run["folds"]
    if not folds:
        return []
    categories = run["categories"]
    cv = summary_of(read_json(out / "cv" / "intent_report.json"), categories=categories)
    base = summary_of(read_json(out / BASELINE_CV_FILE), categories=categories)
    return [
        "",
        f"## {folds}-fold cross-validation (training data, test folds pooled)",
        "",
        *comparison_table(model=cv, base=base),
        "",
        "Both score lower here than on the held-out split: the training data was written to "
        "include hard cases (misspellings, place-first phrasings, several problems in one "
        "message), and each fold trains on four fifths of it.",
        "",
        *entity_table(entity_rows(out / "cv")),
    ]


def closing_sections(*, run: dict[str, Any]) -> list[str]:
    copies = run["near_copies"]
    return [
        "",
        "## Held-out hygiene",
        "",
        f"Held-out examples at least {NEAR_COPY_RATIO:.0%} similar (difflib ratio) to a "
        f"training example: {len(copies)}.",
        "",
        *[f"- {c['ratio']:.2f} `{c['heldout']}` ~ `{c['train']}`" for c in copies],
        "",
        "## Timings (seconds, this machine)",
        "",
        *[f"- {step}: {seconds:.0f}" for step, seconds in run["timings"].items()],
        "",
        "Files: `heldout/` and `cv/` hold Rasa's JSON reports, errors and plots; "
        "`intent_confusion_matrix.png` is the held-out confusion matrix; "
        "`heldout/parses.jsonl` the model's parses and `understand_report.json` the place "
        "resolution with all its errors.",
    ]


def write_report(*, out: Path) -> dict[str, float]:
    """Writes ``out``/report.md; returns the headline figures."""
    run = read_json(out / RUN_FILE)
    heldout = read_json(out / "heldout" / "intent_report.json")
    baseline = read_json(out / BASELINE_FILE)
    model = summary_of(heldout, categories=run["categories"])
    base = summary_of(baseline, categories=run["categories"])
    lines = [
        *headline(run=run, model=model, base=base),
        *intents_section(out=out, run=run, heldout=heldout, baseline=baseline),
        *entities_section(out=out),
        *places_section(out=out),
        *cv_section(out=out, run=run),
        *closing_sections(run=run),
    ]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = {f"model_{k}": v for k, v in model.items()}
    figures |= {f"baseline_{k}": v for k, v in base.items()}
    if (out / UNDERSTAND_FILE).exists():
        places = read_json(out / UNDERSTAND_FILE)
        figures |= {
            f"{level}_accuracy": places[level]["accuracy"] for level in ("district", "street")
        }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPORT_DIR)
    out: Path = parser.parse_args().out
    for name, value in write_report(out=out).items():
        print(f"{name}: {'n/a' if value is None else f'{value:.3f}'}")
    print(f"report: {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EvaluationError as error:
        print(f"nlu-report: {error}", file=sys.stderr)
        sys.exit(1)
