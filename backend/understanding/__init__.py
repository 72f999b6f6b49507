"""Understanding a citizen's text (理解): act, category and place, for `/api/v1/understand`."""

from backend.understanding.acts import act_of
from backend.understanding.location import resolve_location
from backend.understanding.service import Understanding, understand, understanding_of

__all__ = ["Understanding", "act_of", "resolve_location", "understand", "understanding_of"]
