"""Who is at the other end of a request, and counting what they do (sign-in throttling).

Behind a reverse proxy every request arrives from the proxy's address; the real client's is in
X-Forwarded-For, which each proxy appends to. Only the entries that our own proxies added can be
trusted (a client may send any X-Forwarded-For it likes), so TRUSTED_PROXY_HOPS says how many
there are and `client_ip` takes the address that many entries from the right: DRF's NUM_PROXIES
rule, which the settings give DRF too. django-axes (the sign-in lockout) and DRF's throttles both
ask `client_ip`, so they can never disagree about who someone is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def client_ip(request: Any) -> str:
    """The client's address, TRUSTED_PROXY_HOPS trusted proxies in front of the portal."""
    hops = settings.TRUSTED_PROXY_HOPS
    remote = str(request.META.get("REMOTE_ADDR") or "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if hops <= 0 or not forwarded:
        return remote
    addresses = [a.strip() for a in str(forwarded).split(",")]
    return addresses[-min(hops, len(addresses))] or remote


def allowed(key: str, limit: int, seconds: int) -> bool:
    """Count one more attempt at `key` in a window of `seconds`; False beyond `limit`.

    Fails open: when the cache (Redis) is down, the attempt is allowed and a warning logged,
    so an outage of the cache never locks everyone out of signing in.
    """
    try:
        if cache.add(key, 1, seconds):
            return True
        return cache.incr(key) <= limit
    except ValueError:  # the key expired between add and incr
        return True
    except Exception:  # any error of the cache's client: Redis down, timed out, refused
        log.warning("Rate limit not applied to %s: the cache is unavailable.", key, exc_info=True)
        return True
