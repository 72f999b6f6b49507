"""`GET /healthz`: 200 when every part answers, otherwise 503 naming the parts that are down."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backend.api.deps import HttpDep, SessionDep, SettingsDep
from backend.health import check_all
from backend.nluloop.models import model_id_for_file

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(session: SessionDep, http: HttpDep, settings: SettingsDep) -> JSONResponse:
    """Report the health of the platform, its database, Rasa and the action server."""
    parts = await check_all(
        session=session,
        http=http,
        rasa_url=settings.rasa_url,
        rasa_token=settings.rasa_token,
        action_server_url=settings.action_server_url,
        timeout_seconds=settings.health_timeout_seconds,
    )
    down = sorted(name for name, part in parts.items() if not part.ok)
    rasa = parts["rasa"]
    # which registered model answers (null: Rasa is down or serves an unregistered file)
    model_id = model_id_for_file(session=session, model_file=rasa.detail if rasa.ok else None)
    body = {
        "status": "ok" if not down else "down",
        "down": down,
        "model_id": model_id,
        "parts": {name: {"ok": part.ok, "detail": part.detail} for name, part in parts.items()},
    }
    return JSONResponse(body, status_code=200 if not down else 503)
