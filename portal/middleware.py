"""Request and response rules every page and endpoint shares: no text the database cannot
store in an address, no caching of a signed-in person's pages, and the second step of
signing in for the roles that need it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from portal.text import unstorable

Handler = Callable[[HttpRequest], HttpResponse]


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, field: str, message: str) -> HttpResponse:
    """A 400 in the shape of the rest: `{"errors": [...]}` for the API, a page otherwise."""
    if is_api(request):
        return JsonResponse(
            {"errors": [{"row": None, "field": field, "message": message}]}, status=400
        )
    return TemplateResponse(request, "400.html", {"message": message}, status=400).render()


class RefuseUnstorableText:
    """A NUL character in the address or a query parameter is refused (400) before any view
    can pass it to the database, which would fail with a 500."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = unstorable(request.path_info)
        if reason:
            return bad_request(request, "path", f"The address {reason}.")
        for name, values in request.GET.lists():
            reason = unstorable(name) or next(filter(None, map(unstorable, values)), None)
            if reason:
                return bad_request(request, name, f"The parameter '{name}' {reason}.")
        return self.get_response(request)


class NoStoreWhenSignedIn:
    """`Cache-Control: no-store` on every response to a signed-in person (pages and API), so
    no browser or proxy keeps their figures after they sign out."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
