"""The submissions API of the contract: create a return (all or nothing), list and read the
returns the caller may see, and submit one. Approval endpoints live in `submissions.review_api`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.permissions import can
from scorecard.figures import json_number
from submissions import selectors, services
from submissions.models import Channel, Submission
from submissions.services import InvalidSubmission, NotAllowed, WrongState
from submissions.validation import FIELDS, Issue, RawRow

ERRORS_SCHEMA = inline_serializer(
    "SubmissionErrors",
    {
        "errors": serializers.ListField(
            child=inline_serializer(
                "SubmissionError",
                {
                    "row": serializers.IntegerField(allow_null=True),
                    "field": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            )
        )
    },
)
VALUE_SCHEMA = inline_serializer(
    "SubmittedValueIn",
    {
        "measure": serializers.CharField(help_text="The measure's number or code."),
        "period": serializers.CharField(help_text="As on the scorecard, e.g. 'Oct 23'."),
        "area": serializers.CharField(required=False, help_text="Blank for the local area."),
        "value": serializers.DecimalField(max_digits=20, decimal_places=6),
        "numerator": serializers.DecimalField(max_digits=20, decimal_places=6, required=False),
        "denominator": serializers.DecimalField(max_digits=20, decimal_places=6, required=False),
        "note": serializers.CharField(required=False),
    },
)
CREATE_SCHEMA = inline_serializer(
    "SubmissionIn", {"values": serializers.ListField(child=VALUE_SCHEMA)}
)
SUBMISSION_SCHEMA = inline_serializer(
    "Submission",
    {
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=["draft", "submitted", "approved", "sent_back"]),
        "organisation": serializers.CharField(),
        "channel": serializers.CharField(),
        "created_by": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "review_comment": serializers.CharField(),
        "values": serializers.ListField(child=serializers.DictField()),
        "warnings": serializers.ListField(child=serializers.DictField()),
    },
)

LIST_SCHEMA = inline_serializer(
    "SubmissionSummary",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "organisation": serializers.CharField(),
        "channel": serializers.CharField(),
        "created_by": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "review_comment": serializers.CharField(),
        "value_count": serializers.IntegerField(),
    },
    many=True,
)


def _error(issue: Issue) -> dict[str, object]:
    return {"row": issue.row, "field": issue.field, "message": issue.message}


def _errors(issues: list[Issue], http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": [_error(i) for i in issues]}, status=http_status)


def _summary(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "status": submission.status,
        "organisation": submission.organisation.short_name,
        "channel": submission.channel,
        "created_by": submission.created_by.username,
        "created_at": submission.created_at,
        "submitted_at": submission.submitted_at,
        "review_comment": submission.review_comment,
    }


def _document(submission: Submission) -> dict[str, Any]:
    """A submission with its values, each with its warnings and whether it corrects an
    approved figure."""
    values: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for line in selectors.value_lines(submission):
        value = line.value
        values.append(
            {
                "row": value.row,
                "measure": value.measure.number,
                "measure_code": value.measure.code,
                "period": line.period.label,
                "area": value.area.name,
                "value": json_number(value.value),
                "numerator": json_number(value.numerator),
                "denominator": json_number(value.denominator),
                "note": value.note,
                "warnings": [w["message"] for w in value.warnings],
                "correction": line.is_correction,
                "approved_value": json_number(line.replaces.value if line.replaces else None),
            }
        )
        warnings.extend(
            {"row": value.row, "field": w.get("field", "value"), "message": w["message"]}
            for w in value.warnings
        )
    return {**_summary(submission), "values": values, "warnings": warnings}


def _rows_from(body: Any) -> tuple[list[RawRow], list[Issue]]:
    """The request's values as raw rows numbered from 1, or the reason the body is unusable."""
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, list):
        return [], [Issue(None, "values", 'Send {"values": [...]}, a list of figures.')]
    rows, issues = [], []
    for index, item in enumerate(values, start=1):
        if not isinstance(item, dict):
            issues.append(Issue(index, "values", "Each value must be an object."))
            continue
        rows.append(RawRow(index, {name: item.get(name) for name in FIELDS}))
    return rows, issues


def _visible(request: Request, submission_id: int) -> Submission:
    try:
        return selectors.submission_for(request.user, submission_id)
    except Http404:
        raise NotFound("No such submission.") from None


class SubmissionListCreate(APIView):
    @extend_schema(
        operation_id="submissions_list",
        responses={200: LIST_SCHEMA, 403: OpenApiResponse(description="No access")},
    )
    def get(self, request: Request) -> Response:
        """The submissions the caller may see: their organisation's, or all for approvers."""
        if not can(request.user, "view_unapproved"):
            raise PermissionDenied("Your role cannot see submissions.")
        submissions = selectors.submissions_visible_to(request.user).order_by("-created_at", "-id")
        return Response(
            [{**_summary(s), "value_count": getattr(s, "value_count", 0)} for s in submissions]
        )

    @extend_schema(
        operation_id="submissions_create",
        request=CREATE_SCHEMA,
        responses={201: SUBMISSION_SCHEMA, 400: ERRORS_SCHEMA, 403: OpenApiResponse()},
    )
    def post(self, request: Request) -> Response:
        """Create a draft from the values; any error saves nothing and lists every problem."""
        if not can(request.user, "enter_values"):
            raise PermissionDenied("Only a partner organisation's data lead can enter figures.")
        rows, problems = _rows_from(request.data)
        if problems:
            return _errors(problems)
        try:
            submission, _ = services.submission_create(
                by=request.user, rows=rows, channel=Channel.API
            )
        except InvalidSubmission as exc:
            return _errors(exc.errors)
        return Response(_document(submission), status=status.HTTP_201_CREATED)


class SubmissionDetail(APIView):
    @extend_schema(
        operation_id="submissions_retrieve",
        responses={200: SUBMISSION_SCHEMA, 404: OpenApiResponse()},
    )
    def get(self, request: Request, submission_id: int) -> Response:
        if not can(request.user, "view_unapproved"):
            raise PermissionDenied("Your role cannot see submissions.")
        return Response(_document(_visible(request, submission_id)))


class SubmissionSubmit(APIView):
    @extend_schema(
        operation_id="submissions_submit",
        request=None,
        responses={
            200: SUBMISSION_SCHEMA,
            400: ERRORS_SCHEMA,
            403: OpenApiResponse(description="Not allowed"),
            404: OpenApiResponse(description="No such submission"),
            409: OpenApiResponse(description="Not a draft or sent back"),
        },
    )
    def post(self, request: Request, submission_id: int) -> Response:
        """Send a draft for approval; values with warnings need notes first (400)."""
        if not can(request.user, "view_unapproved"):
            raise PermissionDenied("Your role cannot see submissions.")
        submission = _visible(request, submission_id)
        try:
            services.submission_submit(submission, by=request.user)
        except InvalidSubmission as exc:
            return _errors(exc.errors)
        except WrongState as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(_document(submission))
