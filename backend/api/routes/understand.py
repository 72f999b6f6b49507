"""`POST /api/v1/understand`: a citizen's text → act, category and place."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from backend.api.auth import CitizenSideDep
from backend.api.deps import SessionDep
from backend.inputs import RequiredText
from backend.nluloop.models import active_model
from backend.rasa.client import RasaClient
from backend.understanding import understand

router = APIRouter(prefix="/api/v1", tags=["understanding"])


def get_rasa(request: Request) -> RasaClient:
    """The Rasa client built at start-up."""
    return request.app.state.rasa


class UnderstandIn(BaseModel):
    """The text to understand."""

    text: RequiredText = Field(
        min_length=1, max_length=2000, examples=["粤海街道科技园这边工地还在打桩"]
    )


class LocationOut(BaseModel):
    """Canonical place names, or null where the text names none."""

    district: str | None
    street: str | None
    community: str | None
    address: str | None


class UnderstandOut(BaseModel):
    """What the text means."""

    act: str
    intent: str | None
    confidence: float
    service_code: str | None
    location: LocationOut
    entities: list[dict[str, Any]]
    model_id: int | None = Field(
        default=None, description="the registered NLU model that answered (admins' NLU loop)"
    )


@router.post("/understand", response_model=UnderstandOut)
async def post_understand(
    body: UnderstandIn,
    actor: CitizenSideDep,
    session: SessionDep,
    rasa: Annotated[RasaClient, Depends(get_rasa)],
) -> dict[str, Any]:
    """Act (report, inquiry, check_status, …), intent, confidence, service_code, location."""
    result = await understand(rasa=rasa, text=body.text.strip())
    model = active_model(session=session)
    return {**result.to_dict(), "model_id": model.id if model is not None else None}
