"""Domain errors. Each maps to one HTTP status, once, in backend.api.errors."""


class DomainError(Exception):
    """Base of every error a rule can raise about the citizen's or staff's request."""

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class InvalidRequest(DomainError):
    """The request is malformed or misses something required."""


class Conflict(DomainError):
    """The request clashes with the current state, e.g. an illegal ticket transition."""


class NotAuthenticated(DomainError):
    """No valid credentials were given."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Unavailable(DomainError):
    """A service the platform depends on does not answer."""


class NotSaved(Unavailable):
    """The database refused to commit the request's work: nothing was saved, a retry may work."""
