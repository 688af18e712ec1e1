"""Pages that belong to no single app: the role-aware landing page, and the error pages (the
API's in JSON)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults

from portal.middleware import is_api
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


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the API answers in its own shape (`{"detail"}`), as the schema says, even for an
    address that matches no endpoint (a non-integer id)."""
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Something went wrong: try again later."}, status=500)
    return defaults.server_error(request)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): 429, as JSON for
    the API's token endpoint, as the service's page otherwise."""
    if is_api(request):
        return JsonResponse(
            {"detail": "Too many failed sign-in attempts: try again in an hour."}, status=429
        )
    return render(request, "registration/locked_out.html", status=429)
