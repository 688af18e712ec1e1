"""The JSON API, version 1 (see /api/v1/schema/ for the OpenAPI description)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from collection import api as collection_api
from scorecard import api as scorecard_api


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; throttled like the login form."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


urlpatterns = [
    path("token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("measures/", scorecard_api.MeasureList.as_view(), name="api-measures"),
    path("scorecard/", scorecard_api.LiveScorecard.as_view(), name="api-scorecard"),
    path("editions/", scorecard_api.EditionList.as_view(), name="api-editions"),
    path("editions/<str:name>/", scorecard_api.EditionDetail.as_view(), name="api-edition"),
    path("due/", collection_api.DueList.as_view(), name="api-due"),
    path("", include("submissions.api_urls")),
]
