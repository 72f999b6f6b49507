"""Add an admin's example to the training data: masked, validated, written into
`nlu/data/nlu/reviewed/<intent>.yml`, with a warning when a near-identical text is under
another intent."""

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from rapidfuzz import fuzz

from backend.nluloop.config import loop_config
from backend.nluloop.errors import ExampleConflict, InvalidExample
from backend.nluloop.training_data import (
    Entity,
    Example,
    NluPaths,
    annotate,
    domain_names,
    fold,
    held_out_examples,
    training_examples,
)
from backend.privacy.masking import mask_personal_data

HEADER = (
    "# Examples added from the admins' NLU review (console / API), written by the platform\n"
    "# (backend/nluloop/examples.py): one intent per file.\n"
    'version: "3.1"\n'
)
BRACKETS = str.maketrans("[]", "【】")
# intents Rasa names itself, never trained from examples
NOT_TRAINABLE = {"EXTERNAL_ticket_event", "send_photo"}


@dataclass(frozen=True)
class NearDuplicate:
    """A training example close to the new text, under another intent."""

    text: str
    intent: str
    ratio: float


@dataclass(frozen=True)
class AddedExample:
    """What was written where, and the warnings."""

    text: str
    intent: str
    entities: tuple[Entity, ...]
    path: Path
    near_duplicates: tuple[NearDuplicate, ...]


def mask_with_spans(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """The text with personal data masked and the spans moved along; InvalidExample when a
    span boundary falls inside masked data (the span would be personal data)."""
    masked = mask_personal_data(text)
    if masked == text:
        return text, entities
    moved: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in SequenceMatcher(None, text, masked, autojunk=False).get_opcodes():
        if tag == "equal":
            moved.update({i1 + k: j1 + k for k in range(i2 - i1 + 1)})
    spans = []
    for entity in entities:
        if entity.start not in moved or entity.end not in moved:
            raise InvalidExample(f"entity {entity.entity!r} covers personal data")
        start, end = moved[entity.start], moved[entity.end]
        if masked[start:end] != text[entity.start : entity.end]:
            raise InvalidExample(f"entity {entity.entity!r} covers personal data")
        spans.append(Entity(start, end, entity.entity, entity.value))
    return masked, spans


def validate(*, paths: NluPaths, text: str, intent: str, entities: list[Entity]) -> None:
    """InvalidExample naming what is wrong: blank or multi-line text, unknown intent or entity,
    spans out of range, overlapping or with a value that is not their text."""
    if not text.strip() or "\n" in text or "\r" in text:
        raise InvalidExample("text must be one non-blank line")
    if text != text.strip():
        raise InvalidExample("text must not start or end with spaces")
    intents, entity_names = domain_names(paths)
    base = intent.split("/", 1)[0]
    if base not in intents or intent in NOT_TRAINABLE or (base == "faq") == (intent == base):
        raise InvalidExample(f"unknown intent {intent!r}")
    last_end = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.entity not in entity_names:
            raise InvalidExample(f"unknown entity {entity.entity!r}")
        if not 0 <= entity.start < entity.end <= len(text):
            raise InvalidExample(f"span {entity.start}-{entity.end} is outside the text")
        if entity.start < last_end:
            raise InvalidExample("entity spans overlap")
        if set("[]()") & set(text[entity.start : entity.end]):
            raise InvalidExample("an entity span must not contain brackets")
        if not entity.value.strip():
            raise InvalidExample("an entity needs a value")
        last_end = entity.end


def near_duplicates(
    *, text: str, intent: str, examples: list[Example], ratio: float
) -> tuple[NearDuplicate, ...]:
    """Examples under another intent whose text is the same or nearly (rapidfuzz ratio)."""
    folded = fold(text)
    found = []
    for example in examples:
        if example.intent == intent:
            continue
        score = fuzz.ratio(folded, fold(example.text))
        if score >= ratio:
            found.append(NearDuplicate(example.text, example.intent, round(score, 1)))
    return tuple(sorted(found, key=lambda d: -d.ratio)[:10])


def add_example(*, paths: NluPaths, text: str, intent: str, entities: list[Entity]) -> AddedExample:
    """Mask, validate and write one example; ExampleConflict when it is already there under
    this intent or is (nearly) a held-out example (training on it would spoil the evaluation)."""
    validate(paths=paths, text=text, intent=intent, entities=entities)
    text, entities = mask_with_spans(text, entities)
    # Rasa reads `[..]` as an entity annotation: masks like [电话] get full-width brackets
    text = text.translate(BRACKETS)
    config = loop_config()
    examples = training_examples(paths)
    folded = fold(text)
    if any(fold(e.text) == folded and e.intent == intent for e in examples):
        raise ExampleConflict("this text is already an example of this intent")
    for held in held_out_examples(paths):
        if fuzz.ratio(folded, fold(held.text)) >= config.near_duplicate_ratio:
            raise ExampleConflict("this text is (nearly) in the held-out split nlu/tests")
    path = paths.reviewed / f"{intent.replace('/', '__')}.yml"
    _append(path=path, intent=intent, line=annotate(text, entities))
    return AddedExample(
        text=text,
        intent=intent,
        entities=tuple(entities),
        path=path,
        near_duplicates=near_duplicates(
            text=text, intent=intent, examples=examples, ratio=config.near_duplicate_ratio
        ),
    )


def _append(*, path: Path, intent: str, line: str) -> None:
    """Rewrite the intent's reviewed file with one more line (the file is ours alone)."""
    lines = []
    if path.exists():
        lines = [e for e in path.read_text(encoding="utf-8").splitlines() if e.startswith("    - ")]
    lines.append(f"    - {line}")
    path.parent.mkdir(parents=True, exist_ok=True)
    body = f"nlu:\n- intent: {intent}\n  examples: |\n" + "\n".join(lines) + "\n"
    temporary = path.with_suffix(".yml.tmp")
    temporary.write_text(HEADER + body, encoding="utf-8")
    temporary.replace(path)
