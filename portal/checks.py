"""System checks for settings that Django cannot check itself.

They run with every management command (`migrate` on deploy included), so a portal that would
send broken links stops before it serves anyone.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error


def check_portal_base_url(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """E-mails are sent outside any request, so their links can only be built from
    PORTAL_BASE_URL; in production there is no safe default to fall back on."""
    url = settings.PORTAL_BASE_URL
    if not url:
        return [
            Error(
                "PORTAL_BASE_URL is not set.",
                hint="Set it to the address people use to reach the portal, e.g. "
                "https://scorecard.example.org (e-mails link to it).",
                id="portal.E001",
            )
        ]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return [
            Error(
                f"PORTAL_BASE_URL={url!r} is not an absolute http(s) URL.",
                hint="Write it in full, e.g. https://scorecard.example.org.",
                id="portal.E001",
            )
        ]
    return []
