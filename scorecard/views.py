"""Scorecard pages: thin views over selectors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from portal.permissions import can
from scorecard import selectors
from scorecard.models import Edition
from scorecard.tables import ScorecardTable


def _require_reader(request: HttpRequest) -> None:
    if not can(request.user, "view_scorecard"):
        raise PermissionDenied


@login_required
def live(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    rows = selectors.live_rows()
    return render(
        request,
        "scorecard/live.html",
        {"table": ScorecardTable(rows), "latest_edition": selectors.latest_edition()},
    )


@login_required
def edition_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(request, "scorecard/editions.html", {"editions": selectors.editions()})


@login_required
def edition_detail(request: HttpRequest, name: str) -> HttpResponse:
    _require_reader(request)
    edition = get_object_or_404(Edition.objects.select_related("area"), name=name)
    document = selectors.edition_scorecard(edition)
    return render(request, "scorecard/edition.html", {"edition": edition, "document": document})
