"""The scorecard's JSON API: the catalogue, the live scorecard and published editions."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.permissions import can
from scorecard import selectors
from scorecard.models import CATALOGUE_FIELDS, Edition, Measure


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    priority_area = serializers.CharField(source="commitment.priority_area.name")
    commitment = serializers.CharField(source="commitment.name")
    organisation = serializers.CharField(source="organisation.short_name", allow_null=True)

    class Meta:
        model = Measure
        fields = [*CATALOGUE_FIELDS, "priority_area"]


class EditionSerializer(serializers.ModelSerializer[Edition]):
    area = serializers.CharField(source="area.name")

    class Meta:
        model = Edition
        fields = ["name", "title", "area", "edition_date", "published_at"]


SCORECARD_SCHEMA = inline_serializer(
    "Scorecard",
    {
        "title": serializers.CharField(),
        "edition": serializers.CharField(allow_null=True),
        "area": serializers.CharField(),
        "computed_at": serializers.DateTimeField(allow_null=True),
        "rows": serializers.ListField(child=serializers.DictField()),
    },
)


def _require_scorecard_reader(request: Request) -> None:
    if not can(request.user, "view_scorecard"):
        raise PermissionDenied("Your account has no role that may read the scorecard.")


class MeasureList(generics.ListAPIView[Measure]):
    serializer_class = MeasureSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Measure]:
        _require_scorecard_reader(self.request)
        return Measure.objects.select_related("commitment__priority_area", "organisation").order_by(
            "number"
        )


class LiveScorecard(APIView):
    @extend_schema(responses={200: SCORECARD_SCHEMA})
    def get(self, request: Request) -> Response:
        _require_scorecard_reader(request)
        return Response(selectors.live_scorecard().as_json())


class EditionList(generics.ListAPIView[Edition]):
    serializer_class = EditionSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Edition]:
        _require_scorecard_reader(self.request)
        return selectors.editions()


class EditionDetail(APIView):
    @extend_schema(
        responses={200: SCORECARD_SCHEMA, 404: OpenApiResponse(description="No such edition")}
    )
    def get(self, request: Request, name: str) -> Response:
        _require_scorecard_reader(request)
        edition = get_object_or_404(Edition.objects.select_related("area"), name=name)
        return Response(selectors.edition_scorecard(edition).as_json())
