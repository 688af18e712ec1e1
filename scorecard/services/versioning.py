"""The live scorecard's version: changed by every write that may change what it shows, so that
pages and the API can cache what they render under it (scorecard.selectors.live_version).

Writes that save models one at a time (the admin, targets) change it through the signals that
`scorecard.apps` connects; bulk writes, which send no signals, call `scorecard_changed` themselves;
and so does every `migrate`, as a deployment runs it with code that may render differently.
"""

import uuid
from typing import Any

from scorecard.models import LiveVersion


def scorecard_changed() -> None:
    """A new version, in the caller's transaction: readers see it when the change commits, so
    nothing rendered from data not yet committed is cached under it."""
    LiveVersion.objects.update_or_create(pk=LiveVersion.ROW, defaults={"token": uuid.uuid4()})


def changed_on_migrate(**kwargs: Any) -> None:
    """Signal receiver: a deployment migrates, and may bring templates that render the
    scorecard differently, so nothing rendered before it is served after it."""
    scorecard_changed()


def changed_on_save(**kwargs: Any) -> None:
    """Signal receiver: a catalogue row (measure, commitment, area, target…) was saved or
    deleted."""
    if not kwargs.get("raw"):  # fixtures being loaded
        scorecard_changed()
