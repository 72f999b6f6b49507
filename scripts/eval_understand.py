"""Place resolution of `/api/v1/understand` on the held-out split (区/街道准确率).

Step 2 of ``make eval-nlu``; runs with the platform runtime
(``.venv/bin/python scripts/eval_understand.py --out var/reports/nlu``):

1. reads ``<out>/heldout/parses.jsonl`` (written by ``scripts/eval_nlu.py``): each held-out
   text, its annotations and the trained model's parse of it;
2. runs the endpoint's own logic on each parse (``backend.understanding.understanding_of``);
3. derives the gold district and street from the annotations with the gazetteer;
4. writes ``<out>/understand_report.json``: district and street accuracy, invented and missed
   places, the examples that could not be scored, and every error.

Gold place of an example: a place-free example (no district, street, community, road,
landmark or address annotation) has district and street None, so the endpoint must not invent
one; otherwise the district is the canonical district of an annotated district, or the
district of an annotated street whose name belongs to a single district, and the street is the
annotated street's canonical name. Examples whose place annotations determine no district
(only a road, landmark, address, community) are listed apart and not scored for district.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu_data import (
    PARSES_FILE,
    REPORT_DIR,
    TARGET_PLACE_ACCURACY,
    UNDERSTAND_FILE,
    EvaluationError,
    write_json,
)

from backend.places import UnknownDistrictError, canonical_district, district_names, streets_of
from backend.understanding import understanding_of

PLACE_ENTITIES = frozenset({"district", "street", "community", "road", "landmark", "address"})
LEVELS = ("district", "street")
STREET_SUFFIX = "街道"


@dataclass(frozen=True)
class Gold:
    """The place the annotations determine; levels not in ``scored`` are not scored."""

    district: str | None
    street: str | None
    scored: frozenset[str]


def read_parses(path: Path) -> list[dict[str, Any]]:
    """The JSON lines written by eval_nlu.py."""
    if not path.exists():
        raise EvaluationError(f"{path} is missing; run scripts/eval_nlu.py first")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def street_districts() -> dict[str, set[str]]:
    """Every form of a street name (粤海街道, 粤海) → the districts having such a street."""
    index: dict[str, set[str]] = {}
    for district in district_names():
        for street in streets_of(district=district):
            for form in {street, street.removesuffix(STREET_SUFFIX)}:
                index.setdefault(form, set()).add(district)
    return index


def annotated(entities: Iterable[dict[str, Any]], *, name: str) -> list[str]:
    """Values of the annotations of entity ``name``, in text order."""
    return [str(e["value"]).strip() for e in entities if e.get("entity") == name]


def known_district(*, values: list[str]) -> str | None:
    """The canonical district of the first annotated value the gazetteer knows."""
    for value in values:
        try:
            return canonical_district(name=value)
        except UnknownDistrictError:
            continue
    return None


def unique_street(*, values: list[str], index: dict[str, set[str]]) -> tuple[str, str] | None:
    """(canonical street, its district) for the first annotated street of a single district."""
    for value in values:
        districts = index.get(value, set()) | index.get(value.removesuffix(STREET_SUFFIX), set())
        if len(districts) == 1:
            district = next(iter(districts))
            short = value.removesuffix(STREET_SUFFIX)
            return f"{short}{STREET_SUFFIX}", district
    return None


def gold_of(*, entities: list[dict[str, Any]], index: dict[str, set[str]]) -> Gold:
    """The gold place of one example (see the module docstring)."""
    if not any(e.get("entity") in PLACE_ENTITIES for e in entities):
        return Gold(district=None, street=None, scored=frozenset(LEVELS))
    street = unique_street(values=annotated(entities, name="street"), index=index)
    district = known_district(values=annotated(entities, name="district"))
    if district is None and street is not None:
        district = street[1]
    scored = {level for level, value in (("district", district), ("street", street)) if value}
    return Gold(district=district, street=street[0] if street else None, scored=frozenset(scored))


def outcome(*, gold: str | None, predicted: str | None) -> str:
    """correct, invented (a place where there is none), missed, or wrong."""
    if gold == predicted:
        return "correct"
    if gold is None:
        return "invented"
    return "missed" if predicted is None else "wrong"


def summary(outcomes: list[tuple[bool, str]]) -> dict[str, Any]:
    """Accuracy and error counts of one level, from (gold names a place, outcome) pairs."""
    results = [result for _, result in outcomes]
    named = [result for names, result in outcomes if names]
    n = len(results)
    counts = {kind: results.count(kind) for kind in ("correct", "invented", "missed", "wrong")}
    return {
        "n": n,
        "accuracy": counts["correct"] / n if n else None,
        **counts,
        "named_n": len(named),
        "named_correct": named.count("correct"),
    }


def predicted_place(*, example: dict[str, Any]) -> tuple[str, dict[str, str | None]]:
    """(text as the endpoint sees it, the district and street it answers) for one parse."""
    text = example["text"].strip() or example["text"]
    location = understanding_of(text=text, parse=example["parse"]).location
    return text, {level: location[level] for level in LEVELS}


def judged(*, gold: Gold, predicted: dict[str, str | None]) -> dict[str, str]:
    """The outcome of each scored level."""
    return {
        level: outcome(gold=getattr(gold, level), predicted=predicted[level])
        for level in LEVELS
        if level in gold.scored
    }


def evaluate(*, parses: list[dict[str, Any]]) -> dict[str, Any]:
    """The report: per-level summaries, unscored examples and errors."""
    index = street_districts()
    outcomes: dict[str, list[tuple[bool, str]]] = {level: [] for level in LEVELS}
    errors, undetermined = [], []
    for example in parses:
        text, predicted = predicted_place(example=example)
        gold = gold_of(entities=example.get("entities") or [], index=index)
        results = judged(gold=gold, predicted=predicted)
        for level, result in results.items():
            outcomes[level].append((getattr(gold, level) is not None, result))
        if "district" not in gold.scored:
            undetermined.append({"text": text, "predicted": predicted})
        wrong = [f"{level} {result}" for level, result in results.items() if result != "correct"]
        if wrong:
            gold_place = {level: getattr(gold, level) for level in results}
            errors.append(
                {"text": text, "error": wrong, "gold": gold_place, "predicted": predicted}
            )
    return {
        "examples": len(parses),
        "target": TARGET_PLACE_ACCURACY,
        **{level: summary(outcomes[level]) for level in LEVELS},
        "undetermined": {"n": len(undetermined), "examples": undetermined},
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPORT_DIR)
    out: Path = parser.parse_args().out
    report = evaluate(parses=read_parses(out / PARSES_FILE))
    write_json(out / UNDERSTAND_FILE, report)
    for level in LEVELS:
        figures = report[level]
        accuracy = "n/a" if figures["accuracy"] is None else f"{figures['accuracy']:.3f}"
        print(f"{level} accuracy: {accuracy} (n={figures['n']})")
    print(f"place report: {out / UNDERSTAND_FILE}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EvaluationError as error:
        print(f"eval-understand: {error}", file=sys.stderr)
        sys.exit(1)
