"""The portal's domain errors and what each means over HTTP, in one place.

Services raise these with a message written for people; the API's exception handler
(`portal.api.exception_handler`) turns them into responses and pages show the message. A new
kind of refusal subclasses one of these and is answered correctly everywhere at once.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of one row (`row` None: with the input as a whole)."""

    row: int | None
    field: str
    message: str


class DomainError(Exception):
    """An operation was refused; the message says why in plain words (HTTP 400)."""

    http_status = 400

    def problems(self) -> list[Problem]:
        """The refusal as field problems, for `{"errors": [...]}`; empty for a general one."""
        return []


class NotAllowed(DomainError, PermissionDenied):
    """The actor may not do this (HTTP 403). A PermissionDenied too, so that a page that does
    not catch it still answers 403 rather than 500."""

    http_status = 403


class Missing(DomainError):
    """There is no such object, or the actor may not know it exists (HTTP 404)."""

    http_status = 404


class WrongState(DomainError):
    """The object is not in a state that allows this, often because someone else acted first
    (HTTP 409)."""

    http_status = 409


class FieldError(DomainError):
    """One input field is wrong (HTTP 400, as `{"errors": [{row, field, message}]}`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def problems(self) -> list[Problem]:
        return [Problem(None, self.field, str(self))]
