"""The scorecard's JSON API: the catalogue, the live scorecard and published editions."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip as ACCEPTS_GZIP
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import Can
from scorecard import selectors
from scorecard.caching import live_cached
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


#: Every scorecard endpoint is for the roles that read the scorecard.
SCORECARD_READERS = [Can("view_scorecard", "Your account has no role that may read the scorecard.")]


class MeasureList(generics.ListAPIView[Measure]):
    serializer_class = MeasureSerializer
    pagination_class = None
    permission_classes = SCORECARD_READERS

    def get_queryset(self) -> QuerySet[Measure]:
        return Measure.objects.select_related("commitment__priority_area", "organisation").order_by(
            "number"
        )


class LiveScorecard(APIView):
    permission_classes = SCORECARD_READERS

    @extend_schema(responses={200: SCORECARD_SCHEMA})
    def get(self, request: Request) -> HttpResponse:
        """The live scorecard as JSON, rendered and compressed once per version of it
        (scorecard.caching); sent compressed to clients that accept it, as browsers and HTTP
        libraries do (at national scale it is megabytes, a tenth of that compressed)."""
        plain, compressed = live_cached("api", "", _live_payload)
        if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(compressed, content_type="application/json")
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(plain, content_type="application/json")
        patch_vary_headers(response, ["Accept-Encoding"])
        return response


def _live_payload() -> tuple[bytes, bytes]:
    """The live scorecard's JSON, plain and gzipped. Nothing in it comes from the request or
    is secret to a reader, so compressing it leaks nothing (BREACH needs both)."""
    plain = JSONRenderer().render(selectors.live_scorecard().as_json())
    return plain, compress_string(plain)


class EditionList(generics.ListAPIView[Edition]):
    serializer_class = EditionSerializer
    pagination_class = None
    permission_classes = SCORECARD_READERS

    def get_queryset(self) -> QuerySet[Edition]:
        return selectors.editions()


class EditionDetail(APIView):
    permission_classes = SCORECARD_READERS

    @extend_schema(
        responses={200: SCORECARD_SCHEMA, 404: OpenApiResponse(description="No such edition")}
    )
    def get(self, request: Request, name: str) -> Response:
        edition = selectors.edition_by_name(name)
        if edition is None:
            raise NotFound(f"There is no edition called {name}.")
        return Response(selectors.edition_scorecard(edition).as_json())
