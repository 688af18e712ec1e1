"""Template context shared by every page: the partnership's name and the navigation for a role."""

from django.conf import settings
from django.http import HttpRequest

from portal.permissions import navigation_for


def portal(request: HttpRequest) -> dict[str, object]:
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "navigation": navigation_for(request.user, request.path),
    }
