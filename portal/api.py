"""What every API endpoint shares: the one mapping of domain errors to HTTP responses, and
the permission class that asks the one rule set (`portal.permissions.can`).

Endpoints raise and let this module answer, so the same refusal reads the same everywhere:
`{"detail": "..."}` with 403, 404 or 409, or `{"errors": [{"row", "field", "message"}]}`
with 400 when the input itself is at fault.
"""

import logging
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from portal.clients import client_ip
from portal.errors import DomainError, Problem
from portal.permissions import Action, can

log = logging.getLogger(__name__)


#: The documented shape of a 400: what is wrong, field by field.
ERRORS = inline_serializer(
    "Errors",
    {
        "errors": serializers.ListField(
            child=inline_serializer(
                "Error",
                {
                    "row": serializers.IntegerField(allow_null=True),
                    "field": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            )
        )
    },
)
#: The documented shape of every other refusal (401, 403, 404, 405, 409, 415, 429).
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})


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


class FailOpenThrottle(ScopedRateThrottle):
    """A scoped throttle keyed on `portal.clients.client_ip` (the same client axes sees), that
    lets requests through, with a warning in the log, when its cache is unavailable: a Redis
    outage must not turn into 500s at the token endpoint."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # any error of the cache's client: Redis down, timed out, refused
            log.warning("Throttle not applied to %s: the cache is unavailable.", request.path,
                        exc_info=True)  # fmt: skip
            return True


def document_refusals(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the refusals the shared
    machinery can give it (so the schema says what the API really answers): 401 and 403 where
    a caller must sign in, 404 where the path names something, 400 and 415 where there is a
    body, each in its one shape (Errors or Detail)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Detail", _shape({"detail": {"type": "string"}}, ["detail"]))
    schemas.setdefault("Errors", _ERRORS_SHAPE)
    detail = {"$ref": "#/components/schemas/Detail"}
    errors = {"$ref": "#/components/schemas/Errors"}
    for path, operations in result.get("paths", {}).items():
        open_to_all = path.endswith(("/token/", "/schema/"))
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            found = operation["responses"]
            wanted = {}
            if not open_to_all:
                wanted["401"] = ("Not signed in, or the token is wrong or expired", detail)
                wanted["403"] = ("Your role may not do this", detail)
            if "{" in path:
                wanted["404"] = ("No such object, or not one you may see", detail)
            if "requestBody" in operation:
                wanted["400"] = ("The body is not what this endpoint takes", errors)
                wanted["415"] = ("The body is not JSON", detail)
            for status, (description, shape) in wanted.items():
                found.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": shape}},
                    },
                )
    return result


def _shape(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


_ERRORS_SHAPE = _shape(
    {
        "errors": {
            "type": "array",
            "items": _shape(
                {
                    "row": {"type": "integer", "nullable": True},
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                },
                ["row", "field", "message"],
            ),
        }
    },
    ["errors"],
)
