"""The submissions API of the contract: create a return (all or nothing), list and read the
returns the caller may see, and submit one. Approval endpoints live in `submissions.review_api`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ERRORS, Can
from portal.errors import FieldError
from scorecard.figures import json_number
from submissions import selectors, services
from submissions.models import Channel, Status, Submission
from submissions.services import InvalidSubmission
from submissions.validation import FIELDS, Issue, RawRow

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
        "variance": serializers.DecimalField(
            max_digits=20,
            decimal_places=6,
            required=False,
            help_text="A directly standardised rate's variance (its units squared), for Dobson.",
        ),
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
                "variance": json_number(value.variance),
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


def _rows_from(body: Any) -> list[RawRow]:
    """The request's values as raw rows numbered from 1; InvalidSubmission when the body is not
    a list of objects."""
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, list):
        raise InvalidSubmission(
            [Issue(None, "values", 'Send {"values": [...]}, a list of figures.')]
        )
    rows, issues = [], []
    for index, item in enumerate(values, start=1):
        if not isinstance(item, dict):
            issues.append(Issue(index, "values", "Each value must be an object."))
            continue
        rows.append(RawRow(index, {name: item.get(name) for name in FIELDS}))
    if issues:
        raise InvalidSubmission(issues)
    return rows


class SubmissionListCreate(APIView):
    permission_classes = [Can("view_unapproved", "Your role cannot see submissions.")]

    @extend_schema(
        operation_id="submissions_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=Status.values,
                description="Only the submissions in this status (e.g. an approver's queue).",
            )
        ],
        responses={
            200: LIST_SCHEMA,
            400: ERRORS,
            403: OpenApiResponse(description="No access"),
        },
    )
    def get(self, request: Request) -> Response:
        """The submissions the caller may see, newest first: their organisation's, or all for
        approvers; with `status`, only those in it."""
        submissions = selectors.submissions_visible_to(request.user).order_by("-created_at", "-id")
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Status.values:
                raise FieldError("status", f"Status must be one of {', '.join(Status.values)}.")
            submissions = submissions.filter(status=wanted)
        return Response(
            [{**_summary(s), "value_count": getattr(s, "value_count", 0)} for s in submissions]
        )

    @extend_schema(
        operation_id="submissions_create",
        request=CREATE_SCHEMA,
        responses={201: SUBMISSION_SCHEMA, 400: ERRORS, 403: OpenApiResponse()},
    )
    def post(self, request: Request) -> Response:
        """Create a draft from the values (data leads); any error saves nothing and lists every
        problem."""
        services.require_lead(request.user)  # refused before the body is read
        submission, _ = services.submission_create(
            by=request.user, rows=_rows_from(request.data), channel=Channel.API
        )
        return Response(_document(submission), status=status.HTTP_201_CREATED)


class SubmissionDetail(APIView):
    permission_classes = [Can("view_unapproved", "Your role cannot see submissions.")]

    @extend_schema(
        operation_id="submissions_retrieve",
        responses={200: SUBMISSION_SCHEMA, 404: OpenApiResponse()},
    )
    def get(self, request: Request, submission_id: int) -> Response:
        return Response(_document(selectors.submission_for(request.user, submission_id)))


class SubmissionSubmit(APIView):
    permission_classes = [Can("view_unapproved", "Your role cannot see submissions.")]

    @extend_schema(
        operation_id="submissions_submit",
        request=None,
        responses={
            200: SUBMISSION_SCHEMA,
            400: ERRORS,
            403: OpenApiResponse(description="Not allowed"),
            404: OpenApiResponse(description="No such submission"),
            409: OpenApiResponse(description="Not a draft or sent back"),
        },
    )
    def post(self, request: Request, submission_id: int) -> Response:
        """Send a draft for approval; values with warnings need notes first (400)."""
        submission = selectors.submission_for(request.user, submission_id)
        services.submission_submit(submission, by=request.user)
        return Response(_document(submission))
