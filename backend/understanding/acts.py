"""What the citizen is doing (act) given the NLU intent."""

from functools import cache

from backend.catalogue.data import load_catalogue

# Intents that are acts of their own name.
_SAME_NAME = frozenset(
    {"check_status", "request_human", "greet", "goodbye", "thanks", "affirm", "deny", "cancel"}
)
_INQUIRY = frozenset({"inquiry", "faq"})


@cache
def category_codes() -> frozenset[str]:
    """The service codes of the shipped catalogue: each is a category intent of the model."""
    return frozenset(category.service_code for category in load_catalogue().categories)


def act_of(intent: str | None) -> str:
    """report, inquiry, check_status, request_human, greet, goodbye, thanks, affirm, deny,
    cancel or other (fallback, out of scope, bot challenge, a bare place, …)."""
    if not intent:
        return "other"
    base = intent.split("/", 1)[0]  # faq/residence_permit → faq
    if base in category_codes():
        return "report"
    if base in _INQUIRY:
        return "inquiry"
    if base in _SAME_NAME:
        return base
    return "other"
