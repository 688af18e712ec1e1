"""Pages that belong to no single app: the role-aware landing page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal.permissions import can


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page that starts their job."""
    if can(request.user, "enter_values"):
        return redirect("submissions:home")
    if can(request.user, "review_submissions"):
        return redirect("submissions:queue")
    return redirect("scorecard:live")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
