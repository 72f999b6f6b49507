"""Held-out parses (解析结果): the trained model's parse of every held-out text, as JSON lines.

Rasa runtime only. Each line holds the text, its gold intent and entities (from the held-out
annotations) and what the model answers, as the Rasa server's ``/model/parse`` would; the
platform runtime scores the place resolution on it (``scripts/eval_understand.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from nlu_data import ROOT

GOLD_ENTITY_FIELDS = ("entity", "value", "start", "end")
PARSE_FIELDS = ("text", "intent", "entities")


def gold_examples(path: Path) -> list[dict[str, Any]]:
    """Text, intent (faq/x -> faq), full intent and annotated entities of each example."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        {
            "text": message.get("text"),
            "intent": message.get("intent"),
            "full_intent": message.get_full_intent(),
            "entities": [
                {key: entity.get(key) for key in GOLD_ENTITY_FIELDS}
                for entity in message.get("entities") or []
            ],
        }
        for message in load_data(str(path)).intent_examples
    ]


async def parse_all(*, model: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Loads the model in-process and parses every text (Agent.parse_message, as the server)."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # unconfigured, Rasa logs every parse to stdout
    if str(ROOT) not in sys.path:  # custom components (nlu.components), as `rasa` adds the cwd
        sys.path.insert(1, str(ROOT))
    agent = Agent.load(model_path=str(model))
    return [await agent.parse_message(text) for text in texts]


def plain(value: Any) -> Any:
    """JSON fallback for numpy scalars and anything else Rasa may leave in a parse."""
    return value.item() if hasattr(value, "item") else str(value)


def write_parses(*, model: Path, data: Path, path: Path) -> int:
    """Writes ``path`` (one JSON object per held-out example); returns the number written."""
    examples = gold_examples(data)
    parses = asyncio.run(parse_all(model=model, texts=[e["text"] for e in examples]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as lines:
        for example, parse in zip(examples, parses, strict=True):
            kept = {key: parse.get(key) for key in PARSE_FIELDS}
            lines.write(json.dumps({**example, "parse": kept}, ensure_ascii=False, default=plain))
            lines.write("\n")
    return len(examples)
