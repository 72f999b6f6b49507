"""`GET /api/v1/catalogue`: service categories, request types and urgent keywords;
`GET /api/v1/catalogue/urgent`: the urgent keywords by kind (the bot's safety advice)."""

from fastapi import APIRouter

from backend.api.auth import CitizenSideDep
from backend.api.deps import SessionDep
from backend.catalogue.data import load_catalogue
from backend.catalogue.schemas import CatalogueOut, UrgentKindsOut
from backend.catalogue.service import list_categories

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


@router.get("/catalogue", response_model=CatalogueOut)
def get_catalogue(session: SessionDep, actor: CitizenSideDep) -> CatalogueOut:
    """The active categories as kept in the database, with the shipped request types."""
    return CatalogueOut.of(list_categories(session=session), load_catalogue())


@router.get("/catalogue/urgent", response_model=UrgentKindsOut)
def get_urgent_kinds(actor: CitizenSideDep) -> UrgentKindsOut:
    """The urgent words by kind, as shipped: the one list behind the ticket's urgent flag and
    the bot's advice."""
    return UrgentKindsOut.of(load_catalogue())
