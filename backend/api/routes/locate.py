"""`POST /api/v1/locate`: free text or a location pin → district / street / community."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from backend.api.auth import CitizenSideDep
from backend.errors import InvalidRequest
from backend.inputs import Text
from backend.places import InvalidCoordinatesError, InvalidTextError, locate_point, locate_text

router = APIRouter(prefix="/api/v1", tags=["places"])


class LocateIn(BaseModel):
    """Either `text` or both `lat` and `lon`."""

    text: Text | None = Field(default=None, max_length=2000, examples=["粤海街道科技园这边"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _one_kind(self) -> "LocateIn":
        has_point = self.lat is not None and self.lon is not None
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if bool(self.text) == has_point:
            raise ValueError("give either text or lat and lon")
        return self


@router.post("/locate")
def post_locate(body: LocateIn, actor: CitizenSideDep) -> dict[str, Any]:
    """Text → {district, street, community, address, spans}; a pin → nearest street + confidence."""
    try:
        if body.text:
            return locate_text(text=body.text).to_dict()
        assert body.lat is not None and body.lon is not None
        return locate_point(lat=body.lat, lon=body.lon).to_dict()
    except (InvalidTextError, InvalidCoordinatesError) as error:
        raise InvalidRequest(str(error)) from error
