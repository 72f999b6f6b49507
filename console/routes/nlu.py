"""Admin: the NLU loop in the console — inbox and annotation, training data, train with live
progress, compare, activate and roll back (backend/nluloop does the work)."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api.deps import SessionDep, SettingsDep
from backend.api.routes.understand import get_rasa
from backend.errors import DomainError
from backend.nluloop.errors import InvalidExample
from backend.nluloop.inbox import InboxFilter, inbox
from backend.nluloop.models import activate, comparison, ensure_bootstrap_model, list_models
from backend.nluloop.runner import start_in_background
from backend.nluloop.service import (
    add_reviewed_example,
    discard_message,
    nlu_paths,
    rasa_loader,
    training_plan,
)
from backend.nluloop.training_data import (
    Entity,
    domain_names,
    lookups_and_synonyms,
    training_examples,
)
from backend.nluloop.trainings import get_training, latest_training, start_training
from backend.nluloop.validation import validate_data
from backend.rasa.client import RasaClient
from console.forms import attempt, flash, see_other
from console.i18n import translate
from console.security import AdminPage, AdminWrite, language
from console.templating import render

router = APIRouter(prefix="/console/nlu", include_in_schema=False)
PAGES = ("/console/nlu", "/console/nlu/data")
EXAMPLES_SHOWN = 200
SHOW = "^(all|low|fallback|corrected|rerouted)$"


def parse_spans(text: str, spans: str) -> list[Entity]:
    """Entity spans typed or selected as `start:end:entity` lines (the value is the span)."""
    entities = []
    for line in spans.splitlines():
        if not line.strip():
            continue
        parts = line.strip().split(":")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise InvalidExample(f"an entity line must be start:end:entity, not {line.strip()!r}")
        start, end = int(parts[0]), int(parts[1])
        entities.append(Entity(start, end, parts[2], text[start:end]))
    return entities


@router.get("", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminPage,
    show: Annotated[str, Query(max_length=16, pattern=SHOW)] = "all",
    intent: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """Real messages worth reviewing, each with a form to annotate or discard it."""
    wanted = InboxFilter(
        low_confidence=show == "low",
        fallback=show == "fallback",
        corrected=show == "corrected",
        rerouted=show == "rerouted",
        intent=intent or None,
    )
    paths = nlu_paths(settings)
    items = inbox(session=session, examples=training_examples(paths), wanted=wanted,
                  show_personal_data=True)  # fmt: skip
    intents, entities = domain_names(paths)
    return render(request, "nlu_inbox.html", {
        "items": items, "show": show, "intent": intent,
        "intents": sorted(intents - {"EXTERNAL_ticket_event", "send_photo"}),
        "entities": sorted(entities),
    })  # fmt: skip


@router.post("/examples")
def post_example(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminWrite,
    text: Annotated[str, Form(min_length=1, max_length=500)],
    intent: Annotated[str, Form(min_length=1, max_length=64)],
    spans: Annotated[str, Form(max_length=2000)] = "",
    message_id: Annotated[str, Form(max_length=12)] = "",
    back: Annotated[str, Form(max_length=64)] = "/console/nlu",
) -> RedirectResponse:
    """Write the example (masked); the message leaves the inbox; near-duplicates are named."""

    def work() -> str:
        added = add_reviewed_example(
            session=session, settings=settings, text=text.strip(), intent=intent,
            entities=parse_spans(text.strip(), spans),
            message_id=int(message_id) if message_id.isdigit() else None,
            staff_id=user.user.username,
        )  # fmt: skip
        code = language(request)
        message = translate(code, "nlu_example_added", intent=added.intent)
        if added.near_duplicates:
            near = "; ".join(f"{d.text} → {d.intent}" for d in added.near_duplicates[:3])
            message += " " + translate(code, "nlu_near_duplicates", examples=near)
        return message

    return attempt(request, session, work=work, back=back if back in PAGES else PAGES[0])


@router.post("/inbox/{message_id}/discard")
def post_discard(
    request: Request, message_id: int, session: SessionDep, user: AdminWrite
) -> RedirectResponse:
    """Leave the message and its near-identical twins out of the inbox."""

    def work() -> str:
        discard_message(session=session, message_id=message_id, staff_id=user.user.username)
        return translate(language(request), "nlu_discarded")

    return attempt(request, session, work=work, back=PAGES[0])


@router.get("/data", response_class=HTMLResponse)
def data_page(
    request: Request,
    settings: SettingsDep,
    user: AdminPage,
    q: Annotated[str, Query(max_length=100)] = "",
    intent: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """The training examples per intent, searchable, with a form to add one."""
    paths = nlu_paths(settings)
    examples = training_examples(paths)
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.intent] = counts.get(example.intent, 0) + 1
    shown = [e for e in examples if (not intent or e.intent == intent) and q in e.text]
    intents, entities = domain_names(paths)
    lookups, synonyms = lookups_and_synonyms(paths)
    if q:
        synonyms = {k: v for k, v in synonyms.items() if q in k or any(q in f for f in v)}
    return render(request, "nlu_data.html", {
        "lookups": sorted(lookups.items()), "synonyms": sorted(synonyms.items())[:EXAMPLES_SHOWN],
        "examples": shown[:EXAMPLES_SHOWN], "total": len(shown), "counts": sorted(counts.items()),
        "q": q, "intent": intent, "entities": sorted(entities),
        "intents": sorted(intents - {"EXTERNAL_ticket_event", "send_photo"}),
        "root": settings.nlu_dir.parent,
    })  # fmt: skip


@router.post("/data/validate", response_class=HTMLResponse)
def post_validate(request: Request, settings: SettingsDep, user: AdminWrite) -> HTMLResponse:
    """Run `rasa data validate` (about 30 s) and show its findings."""
    result = validate_data(training_plan(settings))
    return render(request, "nlu_validation.html", {"validation": result})


@router.get("/train", response_class=HTMLResponse)
def train_page(request: Request, session: SessionDep, user: AdminPage) -> HTMLResponse:
    """Start a training; the newest one's progress and log, live."""
    return render(request, "nlu_train.html", {"training": latest_training(session=session)})


@router.get("/trainings/{training_id}", response_class=HTMLResponse)
def training_fragment(
    request: Request, training_id: int, session: SessionDep, user: AdminPage
) -> HTMLResponse:
    """The progress bar and log tail (HTMX polls it while the training is open)."""
    training = get_training(session=session, training_id=training_id)
    return render(request, "nlu_training.html", {"training": training})


@router.post("/trainings")
def post_training(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminWrite,
    background: BackgroundTasks,
) -> RedirectResponse:
    """Train in the background (one at a time)."""
    try:
        training = start_training(session=session, requested_by=user.user.username)
    except DomainError as error:
        session.rollback()
        flash(request, kind="error", text=error.message)
        return see_other("/console/nlu/train")
    background.add_task(start_in_background, session_factory=request.app.state.session_factory,
                        training_id=training.id, plan=training_plan(settings),
                        by=user.user.username)  # fmt: skip
    flash(request, kind="ok", text=translate(language(request), "nlu_training_started"))
    return see_other("/console/nlu/train")


@router.get("/models", response_class=HTMLResponse)
def models_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: AdminPage
) -> HTMLResponse:
    """Every model: who trained it, when, on which data, its scores."""
    ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
    return render(request, "nlu_models.html", {"models": list_models(session=session)})


@router.get("/models/{model_id}", response_class=HTMLResponse)
def compare_page(
    request: Request, model_id: int, session: SessionDep, settings: SettingsDep, user: AdminPage
) -> HTMLResponse:
    """The model against the active one: per-intent F1, changed predictions, confusion."""
    ensure_bootstrap_model(session=session, models_dir=settings.models_dir)
    result = comparison(session=session, model_id=model_id)
    matrix = result["confusion"]
    peak = max([max(row) for row in matrix["counts"]] or [1]) or 1
    return render(request, "nlu_compare.html", {
        "result": result, "model_id": model_id, "peak": peak,
        "models": {m.id: m for m in list_models(session=session)},
    })  # fmt: skip


@router.post("/models/{model_id}/activate")
async def post_activate(
    request: Request,
    model_id: int,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminWrite,
    rasa: Annotated[RasaClient, Depends(get_rasa)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    """Switch Rasa to this model (citizens' messages wait meanwhile); older one: rollback."""
    back = f"/console/nlu/models/{model_id}"
    try:
        await activate(session=session, model_id=model_id, staff_id=user.user.username,
                       reason=reason, models_dir=settings.models_dir,
                       load=rasa_loader(rasa=rasa, settings=settings))  # fmt: skip
    except DomainError as error:
        session.rollback()
        flash(request, kind="error", text=error.message)
        return see_other(back)
    flash(request, kind="ok", text=translate(language(request), "nlu_activated", id=model_id))
    return see_other(back)
