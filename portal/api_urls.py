"""The JSON API, version 1 (see /api/v1/schema/ for the OpenAPI description)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts import api as accounts_api
from collection import api as collection_api
from scorecard import api as scorecard_api

urlpatterns = [
    path("token/", accounts_api.TokenCreate.as_view(), name="api-token"),
    path("token/revoke/", accounts_api.TokenRevoke.as_view(), name="api-token-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("measures/", scorecard_api.MeasureList.as_view(), name="api-measures"),
    path("scorecard/", scorecard_api.LiveScorecard.as_view(), name="api-scorecard"),
    path("editions/", scorecard_api.EditionList.as_view(), name="api-editions"),
    path("editions/<str:name>/", scorecard_api.EditionDetail.as_view(), name="api-edition"),
    path("due/", collection_api.DueList.as_view(), name="api-due"),
    path("", include("submissions.api_urls")),
]
