"""The NLU training data as the loop sees it: the examples under `nlu/data/nlu`, the intents
and entities of `nlu/domain`, the held-out split, and Rasa's entity annotations.

The YAML under `nlu/` stays the source of truth. Examples the admins add go to files of their
own, `nlu/data/nlu/reviewed/<intent>.yml` (see examples.py), so hand-edited files never change.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# [text](entity), [text](entity:value), [text]{"entity": "x", "value": "y"}
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<paren>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class Entity:
    """An entity span of an example's plain text."""

    start: int
    end: int
    entity: str
    value: str


@dataclass(frozen=True)
class Example:
    """One training (or held-out) example: plain text, intent, entities, the file it is in."""

    text: str
    intent: str
    entities: tuple[Entity, ...]
    path: Path


@dataclass(frozen=True)
class NluPaths:
    """Where the loop reads and writes: the repository's `nlu/` tree (tests use a copy)."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def domain(self) -> Path:
        return self.root / "domain"

    @property
    def reviewed(self) -> Path:
        return self.data / "reviewed"

    @property
    def held_out(self) -> Path:
        return self.root / "tests" / "nlu_test.yml"


def fold(text: str) -> str:
    """The form texts are compared in: NFKC, lower case, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def parse_annotated(line: str) -> tuple[str, tuple[Entity, ...]]:
    """Plain text and entity spans of one Rasa example line."""
    parts: list[str] = []
    entities: list[Entity] = []
    position = 0
    length = 0
    for match in ANNOTATION.finditer(line):
        before = line[position : match.start()]
        parts.append(before)
        length += len(before)
        span = match.group("text")
        entity, value = _entity_and_value(match)
        entities.append(Entity(length, length + len(span), entity, value or span))
        parts.append(span)
        length += len(span)
        position = match.end()
    parts.append(line[position:])
    return "".join(parts), tuple(entities)


def _entity_and_value(match: re.Match[str]) -> tuple[str, str | None]:
    if match.group("json"):
        data = json.loads(match.group("json"))
        return str(data.get("entity", "")), data.get("value")
    entity, _, value = match.group("paren").partition(":")
    return entity, value or None


def annotate(text: str, entities: list[Entity] | tuple[Entity, ...]) -> str:
    """Rasa's annotated form of a plain text: `[span](entity)`, or the JSON form when the value
    differs from the span (a synonym)."""
    out: list[str] = []
    position = 0
    for entity in sorted(entities, key=lambda e: e.start):
        out.append(text[position : entity.start])
        span = text[entity.start : entity.end]
        if entity.value == span:
            out.append(f"[{span}]({entity.entity})")
        else:
            label = json.dumps({"entity": entity.entity, "value": entity.value}, ensure_ascii=False)
            out.append(f"[{span}]{label}")
        position = entity.end
    out.append(text[position:])
    return "".join(out)


def _examples_of(path: Path) -> list[Example]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: list[Example] = []
    for block in document.get("nlu") or []:
        if "intent" not in block or not isinstance(block.get("examples"), str):
            continue
        for raw in block["examples"].splitlines():
            line = raw.strip()
            if not line.startswith("- "):
                continue
            text, entities = parse_annotated(line[2:].strip())
            found.append(Example(text, str(block["intent"]), entities, path))
    return found


def training_examples(paths: NluPaths) -> list[Example]:
    """Every intent example under `nlu/data/nlu` (lookups, synonyms and regexes left out)."""
    found: list[Example] = []
    for path in sorted(paths.data.rglob("*.yml")):
        found.extend(_examples_of(path))
    return found


def held_out_examples(paths: NluPaths) -> list[Example]:
    """The held-out split (never trained on)."""
    return _examples_of(paths.held_out) if paths.held_out.exists() else []


def domain_names(paths: NluPaths) -> tuple[set[str], set[str]]:
    """Intents (retrieval intents by their base name) and entities of the domain."""
    intents: set[str] = set()
    entities: set[str] = set()
    for path in sorted(paths.domain.glob("*.yml")):
        document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("intents") or []:
            intents.update(item if isinstance(item, dict) else [item])
        for item in document.get("entities") or []:
            entities.update(item if isinstance(item, dict) else [item])
    return {str(i) for i in intents}, {str(e) for e in entities}


def lookups_and_synonyms(paths: NluPaths) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Lookup tables (name → entries) and synonyms (canonical value → its other forms)."""
    lookups: dict[str, int] = {}
    synonyms: dict[str, list[str]] = {}
    for path in sorted((paths.root / "data").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(document, dict):
            continue
        for block in document.get("nlu") or []:
            lines = [
                line.strip()[2:].strip()
                for line in str(block.get("examples") or "").splitlines()
                if line.strip().startswith("- ")
            ]
            if "lookup" in block:
                name = str(block["lookup"])
                lookups[name] = lookups.get(name, 0) + len(lines)
            elif "synonym" in block:
                synonyms.setdefault(str(block["synonym"]), []).extend(lines)
    return lookups, synonyms
