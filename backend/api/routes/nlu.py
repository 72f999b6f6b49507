"""The admins' NLU loop (`/api/v1/nlu/...`): inbox, examples, trainings, models, activation."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, status
from pydantic import BaseModel, Field

from backend.api.auth import AdminDep
from backend.api.deps import SessionDep, SettingsDep
from backend.api.routes.understand import get_rasa
from backend.inputs import RequiredText, RowId, Text
from backend.nluloop.inbox import InboxFilter, inbox
from backend.nluloop.models import (
    activate,
    comparison,
    ensure_bootstrap_model,
    list_models,
)
from backend.nluloop.runner import start_in_background
from backend.nluloop.service import (
    add_reviewed_example,
    discard_message,
    nlu_paths,
    rasa_loader,
    training_plan,
)
from backend.nluloop.training_data import Entity, training_examples
from backend.nluloop.trainings import get_training, start_training
from backend.rasa.client import RasaClient
from storage.models import NluModel, NluTraining

router = APIRouter(prefix="/api/v1/nlu", tags=["nlu"])
NAME = r"^[A-Za-z_][A-Za-z0-9_/]*$"


class InboxItemOut(BaseModel):
    """A message (standing for `count` near-identical ones) and what the NLU made of it."""

    id: int
    text: str
    intent: str | None
    confidence: float
    entities: list[dict[str, Any]]
    count: int
    corrected: bool
    corrected_intent: str | None
    rerouted: bool


class EntityIn(BaseModel):
    """An entity span of the example's text (character offsets, end exclusive)."""

    start: int = Field(ge=0, le=2000)
    end: int = Field(ge=1, le=2000)
    entity: str = Field(min_length=1, max_length=64, pattern=NAME)
    value: RequiredText = Field(min_length=1, max_length=200)


class ExampleIn(BaseModel):
    """A training example; `message_id` names the inbox message it comes from."""

    text: RequiredText = Field(min_length=1, max_length=500)
    intent: str = Field(min_length=1, max_length=64, pattern=NAME)
    entities: list[EntityIn] = Field(default_factory=list, max_length=30)
    message_id: RowId | None = None


class NearDuplicateOut(BaseModel):
    text: str
    intent: str
    ratio: float


class ExampleOut(BaseModel):
    """What was written (masked), in which file, and the near-duplicate warnings."""

    text: str
    intent: str
    entities: list[EntityIn]
    file: str
    near_duplicates: list[NearDuplicateOut]


class TrainingOut(BaseModel):
    id: int
    state: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    log_tail: str
    model_id: int | None
    requested_by: str
    created_at: datetime
    finished_at: datetime | None


class ModelOut(BaseModel):
    id: int
    file_name: str
    created_at: datetime
    active: bool
    trained_by: str
    data_hash: str | None
    git_commit: str | None
    activated_at: datetime | None
    activated_by: str | None
    override_reason: str | None
    metrics: dict[str, Any]


class ActivateIn(BaseModel):
    """The reason is needed only to override the gate on critical intents."""

    reason: Text | None = Field(default=None, max_length=500)


def training_out(training: NluTraining) -> TrainingOut:
    return TrainingOut.model_validate(training, from_attributes=True)


def model_out(model: NluModel) -> ModelOut:
    metrics = {k: v for k, v in (model.metrics or {}).items() if k != "predictions"}
    return ModelOut(
        id=model.id,
        file_name=model.file_name,
        created_at=model.created_at,
        active=model.active,
        trained_by=model.trained_by,
        data_hash=model.data_hash,
        git_commit=model.git_commit,
        activated_at=model.activated_at,
        activated_by=model.activated_by,
        override_reason=model.override_reason,
        metrics=metrics,
    )


@router.get("/inbox", response_model=list[InboxItemOut])
def get_inbox(
    session: SessionDep,
    settings: SettingsDep,
    actor: AdminDep,
    low_confidence: bool = False,
    fallback: bool = False,
    corrected: bool = False,
    rerouted: bool = False,
    intent: Annotated[str | None, Query(max_length=64, pattern=NAME)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[InboxItemOut]:
    """Admin: real messages worth reviewing, most useful first, near-identical ones counted."""
    wanted = InboxFilter(
        low_confidence=low_confidence,
        fallback=fallback,
        corrected=corrected,
        rerouted=rerouted,
        intent=intent,
        since=since,
        until=until,
    )
    items = inbox(
        session=session,
        examples=training_examples(nlu_paths(settings)),
        wanted=wanted,
        show_personal_data=True,  # admins only here
        limit=limit,
    )
    return [InboxItemOut.model_validate(item, from_attributes=True) for item in items]


@router.post("/inbox/{message_id}/discard", status_code=status.HTTP_204_NO_CONTENT)
def post_discard(message_id: RowId, session: SessionDep, actor: AdminDep) -> None:
    """Admin: leave this message (and its near-identical twins) out of the inbox."""
    discard_message(session=session, message_id=message_id, staff_id=str(actor.id))


@router.post("/examples", response_model=ExampleOut, status_code=status.HTTP_201_CREATED)
def post_example(
    body: ExampleIn, session: SessionDep, settings: SettingsDep, actor: AdminDep
) -> ExampleOut:
    """Admin: add a training example (personal data masked) to nlu/data/nlu/reviewed/."""
    added = add_reviewed_example(
        session=session,
        settings=settings,
        text=body.text,
        intent=body.intent,
        entities=[Entity(e.start, e.end, e.entity, e.value) for e in body.entities],
        message_id=body.message_id,
        staff_id=str(actor.id),
    )
    return ExampleOut(
        text=added.text,
        intent=added.intent,
        entities=[EntityIn(**vars(e)) for e in added.entities],
        file=str(added.path.relative_to(settings.nlu_dir.parent)),
        near_duplicates=[NearDuplicateOut(**vars(d)) for d in added.near_duplicates],
    )


@router.post("/trainings", status_code=status.HTTP_202_ACCEPTED)
def post_training(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: AdminDep,
    background: BackgroundTasks,
) -> dict[str, int]:
    """Admin: train a new model in the background (one at a time; 409 while one runs)."""
    training = start_training(session=session, requested_by=str(actor.id))
    # after the response, i.e. after the commit: the thread finds the row
    background.add_task(
        start_in_background,
        session_factory=request.app.state.session_factory,
        training_id=training.id,
        plan=training_plan(settings),
        by=str(actor.id),
    )
    return {"id": training.id}


@router.get("/trainings/{training_id}", response_model=TrainingOut)
def get_training_state(training_id: RowId, session: SessionDep, actor: AdminDep) -> TrainingOut:
    """Admin: state, progress 0..1, the end of the log, the model made."""
    return training_out(get_training(session=session, training_id=training_id))


@router.get("/models", response_model=list[ModelOut])
def get_models(session: SessionDep, settings: SettingsDep, actor: AdminDep) -> list[ModelOut]:
    """Admin: every model with who trained it, when, on which data, and its scores."""
    ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
    return [model_out(model) for model in list_models(session=session)]


@router.get("/models/{model_id}/comparison")
def get_comparison(
    model_id: RowId, session: SessionDep, settings: SettingsDep, actor: AdminDep
) -> dict[str, Any]:
    """Admin: the model against the active one on the held-out split, and the gate."""
    ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
    return comparison(session=session, model_id=model_id)


@router.post("/models/{model_id}/activate", response_model=ModelOut)
async def post_activate(
    model_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    actor: AdminDep,
    rasa: Annotated[RasaClient, Depends(get_rasa)],
    body: ActivateIn | None = None,
) -> ModelOut:
    """Admin: make Rasa answer with this model (an older one: rollback); messages sent
    meanwhile wait and are answered by the new model."""
    ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
    model = await activate(
        session=session,
        model_id=model_id,
        staff_id=str(actor.id),
        reason=body.reason if body else None,
        models_dir=settings.models_dir,
        load=rasa_loader(rasa=rasa, settings=settings),
    )
    return model_out(model)
