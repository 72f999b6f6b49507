"""API shapes of duplicate matching, following and merging."""

from pydantic import BaseModel, Field, model_validator

from backend.duplicates.matching import Report
from backend.inputs import RequiredText, Text


class ReportIn(BaseModel):
    """The report the citizen is about to file: category, place and their words."""

    service_code: Text = Field(min_length=1, max_length=32)
    description: RequiredText = Field(max_length=5000)
    district: Text | None = Field(default=None, max_length=32)
    street: Text | None = Field(default=None, max_length=32)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _coordinates_together(self) -> "ReportIn":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        return self

    def to_report(self) -> Report:
        return Report(
            service_code=self.service_code,
            description=self.description,
            district=self.district,
            street=self.street,
            lat=self.lat,
            lon=self.lon,
        )


class MergeIn(BaseModel):
    """The main ticket the merged one joins, and an optional note for its history."""

    into: Text = Field(min_length=1, max_length=64)
    note: Text | None = Field(default=None, max_length=5000)
