"""Errors of the place resolver. All are ValueError subclasses, so callers may map them once."""


class PlaceError(ValueError):
    """Base of every error raised by backend.places."""


class GazetteerDataError(PlaceError):
    """The gazetteer data files (地名库) are inconsistent: a bug in the data, not in the input."""


class UnknownDistrictError(PlaceError):
    """A district name that is not one of Shenzhen's districts (区) was given."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown district: {name!r}")
        self.name = name


class InvalidCoordinatesError(PlaceError):
    """A latitude/longitude pair that is not a point on Earth."""


class InvalidTextError(PlaceError):
    """Text to locate that is not a string or is too long."""
