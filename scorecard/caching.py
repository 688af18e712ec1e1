"""The live scorecard's rendered page and API payload, cached under its version.

Everything the live scorecard shows changes the version when it changes
(scorecard.services.versioning), so a cached rendering is never stale: a reader after a change
gets a new key. The key also carries today's date (freshness and targets are judged on it) and
the request's own key (its filters). Only what every reader of the scorecard may see is cached:
rows computed from approved figures, never anything of one user's.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

from scorecard import selectors

T = TypeVar("T")

#: A rendering is kept for a day at most: its key's date moves on at midnight anyway.
KEPT_FOR = 24 * 60 * 60


def live_cached(what: str, key: str, render: Callable[[], T]) -> T:
    """`render()`'s result for this version of the live scorecard, today and `key`: from the
    cache, or rendered and cached. One query (the version) and one cache read when cached.

    The version is read before anything is rendered: a change committed meanwhile makes a new
    version, so a rendering of newer data under the older key is never served after it. A
    database that has never changed has no version to key on, and is not cached.
    """
    version = selectors.live_version()
    if not version:
        return render()
    parts = f"{version}|{timezone.localdate().isoformat()}|{key}"
    name = f"live-scorecard:{what}:{hashlib.sha256(parts.encode()).hexdigest()}"
    found = cache.get(name)
    if found is None:
        found = render()
        cache.set(name, found, KEPT_FOR)
    return found  # type: ignore[no-any-return]
