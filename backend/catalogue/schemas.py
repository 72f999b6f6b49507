"""API shape of the catalogue."""

from pydantic import BaseModel

from backend.catalogue.data import CatalogueData
from storage.models import ServiceCategory


class CategoryOut(BaseModel):
    """A service category with its names and time limits."""

    service_code: str
    name_zh: str
    name_en: str
    group: str
    description: str
    default_level: str
    time_limit_hours: int
    urgent_time_limit_hours: int

    @classmethod
    def of(cls, category: ServiceCategory) -> "CategoryOut":
        return cls(
            service_code=category.service_code,
            name_zh=category.name_zh,
            name_en=category.name_en,
            group=category.group,
            description=category.description,
            default_level=category.default_level,
            time_limit_hours=category.time_limit_hours,
            urgent_time_limit_hours=category.urgent_time_limit_hours,
        )


class RequestTypeOut(BaseModel):
    """A request type (投诉, 举报, …)."""

    code: str
    name_zh: str
    name_en: str


class CatalogueOut(BaseModel):
    """Everything the bot needs to classify a demand."""

    categories: list[CategoryOut]
    request_types: list[RequestTypeOut]
    urgent_keywords: list[str]

    @classmethod
    def of(cls, categories: list[ServiceCategory], data: CatalogueData) -> "CatalogueOut":
        return cls(
            categories=[CategoryOut.of(category) for category in categories],
            request_types=[
                RequestTypeOut(code=item.code, name_zh=item.name_zh, name_en=item.name_en)
                for item in data.request_types
            ],
            urgent_keywords=list(data.urgent_keywords),
        )


class UrgentKindOut(BaseModel):
    """One kind of danger and the words that name it (matched case-insensitively)."""

    kind: str
    keywords: list[str]


class UrgentKindsOut(BaseModel):
    """The one list of urgent words, by kind: the platform flags tickets with it, the bot
    gives each kind's safety advice."""

    kinds: list[UrgentKindOut]

    @classmethod
    def of(cls, data: CatalogueData) -> "UrgentKindsOut":
        return cls(
            kinds=[
                UrgentKindOut(kind=item.kind, keywords=list(item.keywords))
                for item in data.urgent_kinds
            ]
        )
