"""Errors services raise; views and the API turn them into messages."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule refused the change. ``status`` is the HTTP status the API answers with."""

    status = 422

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotAllowed(DomainError):
    """The actor may not do this."""

    status = 403


class NotFound(DomainError):
    """No such record, or not one the actor may see."""

    status = 404


class Conflict(DomainError):
    """The record changed since the actor last saw it."""

    status = 409


class FieldErrors(DomainError):
    """Field-level problems: ``fields`` maps a field name to its messages."""

    def __init__(self, fields: Mapping[str, list[str] | str]) -> None:
        normalised = {k: [v] if isinstance(v, str) else list(v) for k, v in fields.items()}
        super().__init__("; ".join(m for msgs in normalised.values() for m in msgs))
        self.fields = normalised
