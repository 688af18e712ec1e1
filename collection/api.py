"""`GET /api/v1/due/`: the returns tracker as JSON. A data lead sees their organisation's
returns; approvers and admins every partner's, filtered by `organisation`, `measure` and
`status` as on the tracker page."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from collection import selectors
from collection.due import ReturnStatus
from collection.filters import ReturnFilter
from portal.api import Can
from portal.errors import DomainError, Problem
from portal.permissions import can
from scorecard.models import Measure

DUE_SCHEMA = inline_serializer(
    "DueReturn",
    {
        "organisation": serializers.CharField(help_text="The partner's short name."),
        "measure": serializers.IntegerField(help_text="The measure's number."),
        "period": serializers.CharField(help_text="As in the values file, e.g. 'Oct 26'."),
        "due_date": serializers.DateField(),
        "status": serializers.ChoiceField(choices=[s.value for s in ReturnStatus]),
        "days_overdue": serializers.IntegerField(
            help_text="Days since the due date while no figure has been sent for approval; 0 "
            "otherwise."
        ),
        "submission": serializers.IntegerField(
            allow_null=True, help_text="The open return holding the figure, if any."
        ),
    },
    many=True,
)


class BadFilter(DomainError):
    """A filter parameter that names nothing (an unknown partner, measure or status)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Check the filters.")
        self.errors = errors

    def problems(self) -> list[Problem]:
        return [
            Problem(None, name, message)
            for name, messages in self.errors.items()
            for message in messages
        ]


def item(row: selectors.ReturnRow) -> dict[str, Any]:
    return {
        "organisation": row.organisation.short_name,
        "measure": row.measure.number,
        "period": row.period.label,
        "due_date": row.due_date.isoformat(),
        "status": row.status.value,
        "days_overdue": row.days_overdue if row.overdue else 0,
        "submission": row.submission.pk if row.submission else None,
    }


class DueList(generics.GenericAPIView[Measure]):
    permission_classes = [Can("view_unapproved", "Your role cannot see partners' returns.")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReturnFilter
    pagination_class = None

    def get_queryset(self) -> QuerySet[Measure]:
        return Measure.objects.all()

    @extend_schema(
        operation_id="due_list",
        responses={
            200: DUE_SCHEMA,
            400: OpenApiResponse(description="A filter names nothing"),
            403: OpenApiResponse(description="No access"),
        },
    )
    def get(self, request: Request) -> Response:
        """Each measure's return for each period of the last twelve months, and any later or
        open one: its due date and status."""
        filterset = ReturnFilter(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise BadFilter({k: [str(m) for m in v] for k, v in filterset.errors.items()})
        organisation_id = None
        if not can(request.user, "oversee_collection"):
            organisation_id = getattr(request.user, "organisation_id", None)
        rows = selectors.returns(
            today=timezone.localdate(), organisation_id=organisation_id, measures=filterset.qs
        )
        statuses = filterset.statuses
        return Response([item(r) for r in rows if not statuses or r.status in statuses])
