"""The live scorecard's rendered page and API payload, cached under its version.

Everything the live scorecard shows changes the version when it changes
(scorecard.services.versioning), so a cached rendering is never stale: a reader after a change
gets a new key. The key also carries today's date (freshness and targets are judged on it) and
the request's own key (its filters). Only what every reader of the scorecard may see is cached:
rows computed from approved figures, never anything of one user's.

A key names one rendering for good, so besides the shared cache (Redis when configured) each
process keeps the few it served last: at national scale a rendering is megabytes, and reading it
from Redis and unpickling it would cost more than the rest of the request.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import timezone

from scorecard import selectors

T = TypeVar("T")

#: A rendering is kept for a day at most: its key's date moves on at midnight anyway.
KEPT_FOR = 24 * 60 * 60
#: What the cache's names begin with.
NAMESPACE = "live-scorecard"
#: Renderings each process keeps: the page, its common filters and the API.
KEPT_IN_PROCESS = 8

_kept: OrderedDict[str, Any] = OrderedDict()
_kept_lock = Lock()


def forget_kept() -> None:
    """Drop what this process keeps (tests: each starts from its own database, whose version
    may be the one an earlier test's database had)."""
    with _kept_lock:
        _kept.clear()


def live_cached(what: str, key: str, render: Callable[[], T], *, shared: bool = True) -> T:
    """`render()`'s result for this version of the live scorecard, today and `key`: kept, or
    rendered and kept. One query (the version) when kept.

    `shared=False` keeps it in this process only: for keys a reader chooses freely (a search),
    whose renderings must not be able to fill the shared cache, a few megabytes each.

    The version is read before anything is rendered: a change committed meanwhile makes a new
    version, so a rendering of newer data under the older key is never served after it. A
    database that has never changed has no version to key on, and is not cached.
    """
    version = selectors.live_version()
    if not version:
        return render()
    parts = f"{version}|{timezone.localdate().isoformat()}|{key}"
    name = f"{NAMESPACE}:{what}:{hashlib.sha256(parts.encode()).hexdigest()}"
    with _kept_lock:
        if name in _kept:
            _kept.move_to_end(name)
            return _kept[name]
    found = cache.get(name) if shared else None
    if found is None:
        found = render()
        if shared:
            cache.set(name, found, KEPT_FOR)
    with _kept_lock:
        _kept[name] = found
        while len(_kept) > KEPT_IN_PROCESS:
            _kept.popitem(last=False)
    return found
