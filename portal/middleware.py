"""Request and response rules every page and endpoint shares: no text the database cannot
store in an address, no caching of a signed-in person's pages, and the second step of
signing in for the roles that need it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from portal.permissions import needs_two_factor
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


#: Session key: when the session's expiry was last moved on (seconds since the epoch).
SEEN_AT = "portal_seen_at"
#: Moving the expiry on means writing the session: at most this often.
REFRESH_SECONDS = 60


def mark_seen(session: Any) -> None:
    session[SEEN_AT] = int(time.time())


class IdleTimeout:
    """A signed-in session ends SESSION_IDLE_MINUTES (SESSION_COOKIE_AGE) after its last
    request: each request moves the end on, writing the session at most once a minute rather
    than on every request (SESSION_SAVE_EVERY_REQUEST would)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and user is not None
            and user.is_authenticated
            and time.time() - session.get(SEEN_AT, 0) >= REFRESH_SECONDS
        ):
            mark_seen(session)  # modified: saved with a new expiry, a full idle period on
        return response


class TwoFactorRequired:
    """Approvers and admins (`needs_two_factor`) who signed in with a password alone reach only
    the second step (enter a code, or set up an authenticator app first) and signing out; the
    API answers their session 403. (API tokens are only issued with the code.)"""

    ALLOWED = ("two_factor", "two_factor_setup", "logout")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and needs_two_factor(user)
            and not getattr(user, "is_verified", lambda: False)()  # django_otp adds it
            and not self._allowed(request.path_info)
        ):
            if is_api(request):
                return JsonResponse(
                    {"detail": "Finish signing in with the code from your authenticator app."},
                    status=403,
                )
            return redirect(
                f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        return path.startswith(settings.STATIC_URL) or path in {reverse(n) for n in self.ALLOWED}
