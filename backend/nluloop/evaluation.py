"""Scores of a model on the held-out split, from its parses (scripts/nlu_predict.py), and the
comparison of two models: per-intent F1 deltas, changed predictions, confusion matrix."""

import json
from collections import Counter
from pathlib import Path
from typing import Any


def read_parses(path: Path) -> list[dict[str, Any]]:
    """The JSON lines the Rasa-side script wrote: text, gold intent and entities, parse."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def predicted_intent(parse: dict[str, Any]) -> str:
    return str(((parse.get("parse") or {}).get("intent") or {}).get("name") or "")


def _spans(entities: list[dict[str, Any]] | None) -> set[tuple[Any, Any, Any]]:
    return {(e.get("start"), e.get("end"), e.get("entity")) for e in entities or []}


def score(parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-intent F1, intent macro F1, entity micro F1 (exact span and label) and the
    predictions (kept to compare models)."""
    counts: dict[str, Counter[str]] = {}
    entity_tp = entity_fp = entity_fn = 0
    predictions = []
    for parse in parses:
        gold, guess = str(parse["intent"]), predicted_intent(parse)
        counts.setdefault(gold, Counter())
        counts.setdefault(guess, Counter())
        if gold == guess:
            counts[gold]["tp"] += 1
        else:
            counts[gold]["fn"] += 1
            counts[guess]["fp"] += 1
        gold_spans = _spans(parse.get("entities"))
        guessed = _spans((parse.get("parse") or {}).get("entities"))
        entity_tp += len(gold_spans & guessed)
        entity_fp += len(guessed - gold_spans)
        entity_fn += len(gold_spans - guessed)
        predictions.append({"text": parse["text"], "gold": gold, "predicted": guess})
    gold_intents = {str(p["intent"]) for p in parses}
    per_intent = {
        intent: round(_f1(c["tp"], c["fp"], c["fn"]), 4)
        for intent, c in sorted(counts.items())
        if intent in gold_intents
    }
    macro = sum(per_intent.values()) / len(per_intent) if per_intent else 0.0
    return {
        "intent_macro_f1": round(macro, 4),
        "entity_f1": round(_f1(entity_tp, entity_fp, entity_fn), 4),
        "per_intent": per_intent,
        "examples": len(parses),
        "predictions": predictions,
    }


def compare(*, new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Deltas of `new` against `old` (both `score` results), the held-out texts whose
    prediction changed (better: now right; worse: now wrong) and new's confusion matrix."""
    new_f1, old_f1 = new.get("per_intent", {}), old.get("per_intent", {})
    deltas = {
        intent: round(new_f1.get(intent, 0.0) - old_f1.get(intent, 0.0), 4)
        for intent in sorted(set(new_f1) | set(old_f1))
    }
    before = {p["text"]: p["predicted"] for p in old.get("predictions", [])}
    better, worse = [], []
    for prediction in new.get("predictions", []):
        previous = before.get(prediction["text"])
        if previous is None or previous == prediction["predicted"]:
            continue
        changed = {**prediction, "before": previous}
        if prediction["predicted"] == prediction["gold"]:
            better.append(changed)
        elif previous == prediction["gold"]:
            worse.append(changed)
    return {
        "intent_macro_f1": _delta(new, old, "intent_macro_f1"),
        "entity_f1": _delta(new, old, "entity_f1"),
        "per_intent": deltas,
        "better": better,
        "worse": worse,
        "confusion": confusion(new.get("predictions", [])),
    }


def _delta(new: dict[str, Any], old: dict[str, Any], key: str) -> dict[str, float | None]:
    now, then = new.get(key), old.get(key)
    delta = round(now - then, 4) if now is not None and then is not None else None
    return {"new": now, "old": then, "delta": delta}


def confusion(predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """Labels (gold and predicted) and counts[gold][predicted], for a heat-map."""
    labels = sorted({p["gold"] for p in predictions} | {p["predicted"] for p in predictions})
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for p in predictions:
        counts[index[p["gold"]]][index[p["predicted"]]] += 1
    return {"labels": labels, "counts": counts}


def critical_worse(
    *, deltas: dict[str, float], critical: tuple[str, ...], tolerance: float
) -> dict[str, float]:
    """The critical intents whose F1 dropped by more than the tolerance."""
    return {i: deltas[i] for i in critical if deltas.get(i, 0.0) < -tolerance}
