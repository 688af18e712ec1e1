"""What every API endpoint shares: the one mapping of domain errors to HTTP responses, and
the permission class that asks the one rule set (`portal.permissions.can`).

Endpoints raise and let this module answer, so the same refusal reads the same everywhere:
`{"detail": "..."}` with 403, 404 or 409, or `{"errors": [{"row", "field", "message"}]}`
with 400 when the input itself is at fault.
"""

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import DomainError, Problem
from portal.permissions import Action, can


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        problems = exc.problems()
        data: dict[str, Any] = (
            {"errors": [asdict(p) for p in problems]} if problems else {"detail": str(exc)}
        )
        return Response(data, status=exc.http_status)
    if isinstance(exc, exceptions.ParseError):
        # A body that is not JSON is a fault of the input: the documented 400 shape.
        return Response({"errors": [asdict(Problem(None, "body", str(exc.detail)))]}, status=400)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"errors": [asdict(p) for p in _problems(exc.detail)]}, status=400)
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    return drf_exception_handler(exc, context)


def _problems(detail: Any, field: str = "body") -> list[Problem]:
    """A serializer's errors ({"field": ["message"]}, nested or not) as field problems."""
    if isinstance(detail, dict):
        return [p for name, inner in detail.items() for p in _problems(inner, str(name))]
    if isinstance(detail, list):
        return [p for inner in detail for p in _problems(inner, field)]
    name = "body" if field == "non_field_errors" else field
    return [Problem(None, name, str(detail))]


def Can(action: Action, message: str) -> type[BasePermission]:
    """A DRF permission class admitting the users `can(user, action)` lets through, so an
    endpoint says what it needs the way a page does (`portal.permissions.requires`)."""

    class _Can(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            if not can(request.user, action):
                # Signed in but not allowed: say why; anonymous callers get DRF's 401/403.
                self.message = message
                return False
            return True

    _Can.__name__ = f"Can_{action}"
    return _Can
