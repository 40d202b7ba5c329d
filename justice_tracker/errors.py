"""Domain errors raised by services and turned into HTTP answers by `web.errors`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One precise problem: `field` is a dotted path such as `events.3.details.kind`."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class DomainError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    status = 422

    def __init__(self, errors: list[FieldError], message: str = "The data is not valid.") -> None:
        super().__init__(message)
        self.errors = errors

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for err in self.errors:
            out.setdefault(err.field, []).append(err.message)
        return out

    def __str__(self) -> str:
        return "; ".join(str(e) for e in self.errors) or self.message


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403
