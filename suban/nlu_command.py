"""`python -m suban nlu …`: the admins' NLU loop for scripts (backend/nluloop).

inbox, example, discard, train (in the foreground), training, models, compare work on the
database and the files directly; `activate` asks the running platform (its API, with
ADMIN_API_TOKEN) so that the platform holding citizens' messages during the switch is the one
that serves them.
"""

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from backend.nluloop.inbox import InboxFilter, inbox
from backend.nluloop.models import comparison, ensure_bootstrap_model, list_models
from backend.nluloop.runner import run_training
from backend.nluloop.service import (
    add_reviewed_example,
    discard_message,
    nlu_paths,
    training_plan,
)
from backend.nluloop.training_data import Entity, training_examples
from backend.nluloop.trainings import get_training, start_training
from backend.settings import Settings
from storage.db import create_db_engine, create_session_factory
from storage.migrate import upgrade_to_head

CLI_USER = "cli"


def add_parser(commands: Any) -> None:
    """The `nlu` command and its sub-commands."""
    nlu = commands.add_parser("nlu", help="review real messages, add examples, train, activate")
    sub = nlu.add_subparsers(dest="nlu_command", required=True)
    listing = sub.add_parser("inbox", help="messages worth reviewing, most useful first")
    for flag in ("low-confidence", "fallback", "corrected", "rerouted"):
        listing.add_argument(f"--{flag}", action="store_true")
    listing.add_argument("--intent")
    listing.add_argument("--limit", type=int, default=50)
    example = sub.add_parser("example", help="add a training example (masked)")
    example.add_argument("intent")
    example.add_argument("text")
    example.add_argument(
        "--entity",
        action="append",
        default=[],
        metavar="START:END:ENTITY[:VALUE]",
        help="an entity span (character offsets, end exclusive)",
    )
    example.add_argument("--message-id", type=int, help="the inbox message it comes from")
    discard = sub.add_parser("discard", help="leave an inbox message out from now on")
    discard.add_argument("message_id", type=int)
    sub.add_parser("train", help="train and evaluate a model now (in the foreground)")
    training = sub.add_parser("training", help="a training's state")
    training.add_argument("training_id", type=int)
    sub.add_parser("models", help="every model with its scores")
    compare = sub.add_parser("compare", help="a model against the active one")
    compare.add_argument("model_id", type=int)
    activate = sub.add_parser("activate", help="make the running platform switch to a model")
    activate.add_argument("model_id", type=int)
    activate.add_argument("--reason", help="overrides the gate on critical intents")


@contextmanager
def _sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    upgrade_to_head(database_url=settings.database_url)
    engine = create_db_engine(settings.database_url)
    try:
        yield create_session_factory(engine)
    finally:
        engine.dispose()


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _entity(spec: str) -> Entity:
    start, end, entity, *value = spec.split(":", 3)
    return Entity(int(start), int(end), entity, value[0] if value else "")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `nlu` sub-command; the exit status."""
    if args.nlu_command == "activate":
        return _activate(settings=settings, model_id=args.model_id, reason=args.reason)
    with _sessions(settings) as factory, factory.begin() as session:
        command = args.nlu_command
        if command == "inbox":
            wanted = InboxFilter(
                low_confidence=args.low_confidence,
                fallback=args.fallback,
                corrected=args.corrected,
                rerouted=args.rerouted,
                intent=args.intent,
            )
            examples = training_examples(nlu_paths(settings))
            items = inbox(session=session, examples=examples, wanted=wanted,
                          show_personal_data=False, limit=args.limit)  # fmt: skip
            _print([{k: v for k, v in vars(i).items() if k != "folded"} for i in items])
        elif command == "example":
            entities = [_entity(spec) for spec in args.entity]
            for index, entity in enumerate(entities):
                if not entity.value:
                    entities[index] = Entity(entity.start, entity.end, entity.entity,
                                             args.text[entity.start : entity.end])  # fmt: skip
            added = add_reviewed_example(session=session, settings=settings, text=args.text,
                                         intent=args.intent, entities=entities,
                                         message_id=args.message_id, staff_id=CLI_USER)  # fmt: skip
            _print({"file": str(added.path), "text": added.text,
                    "near_duplicates": [vars(d) for d in added.near_duplicates]})  # fmt: skip
        elif command == "discard":
            discard_message(session=session, message_id=args.message_id, staff_id=CLI_USER)
        elif command == "train":
            training_id = start_training(session=session, requested_by=CLI_USER).id
            session.commit()
            run_training(session_factory=factory, training_id=training_id,
                         plan=training_plan(settings), by=CLI_USER)  # fmt: skip
            training = get_training(session=session, training_id=training_id)
            session.refresh(training)
            print(training.log_tail)
            _print({"id": training.id, "state": training.state, "model_id": training.model_id})
            return 0 if training.state == "succeeded" else 1
        elif command == "training":
            training = get_training(session=session, training_id=args.training_id)
            _print({"id": training.id, "state": training.state, "progress": training.progress,
                    "model_id": training.model_id, "log_tail": training.log_tail})  # fmt: skip
        elif command == "models":
            ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
            _print([{"id": m.id, "file_name": m.file_name, "active": m.active,
                     "created_at": m.created_at, "trained_by": m.trained_by,
                     "intent_macro_f1": m.metrics.get("intent_macro_f1"),
                     "entity_f1": m.metrics.get("entity_f1")}
                    for m in list_models(session=session)])  # fmt: skip
        elif command == "compare":
            ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
            result = comparison(session=session, model_id=args.model_id)
            result.pop("confusion")
            _print(result)
    return 0


def _activate(*, settings: Settings, model_id: int, reason: str | None) -> int:
    if not settings.admin_api_token:
        print("ADMIN_API_TOKEN is not set: the platform's API needs it", file=sys.stderr)
        return 2
    response = httpx.post(
        f"{settings.public_base_url.rstrip('/')}/api/v1/nlu/models/{model_id}/activate",
        json={"reason": reason},
        headers={"Authorization": f"Bearer {settings.admin_api_token}"},
        timeout=settings.rasa_model_load_timeout_seconds + 30,
    )
    _print(response.json())
    return 0 if response.status_code == 200 else 1
