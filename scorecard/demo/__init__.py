"""The demo the repository carries: the May-2024 Southampton scorecard (as published), the
contract's organisations and accounts, the catalogue choices an admin would make, and, on
request, synthetic history that makes the demo look alive at today's date.

`load_demo` and `make run` call `demo_load`; the tests read the same files, so a clone of the
repository alone has everything it needs.
"""

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.services import demo_accounts
from scorecard.compute import Polarity
from scorecard.layout import read_document
from scorecard.models import Measure
from scorecard.services.importing import measures_assign_by_source, scorecard_import

DEMO_DIR = Path(__file__).resolve().parent
#: The published May-2024 edition, exactly as it came out.
DEMO_SCORECARD = DEMO_DIR / "southampton-rdhp-scorecard-2024-05.tsv"
#: Which way is better for the reference's measures, by measure name.
DEMO_POLARITY = DEMO_DIR / "polarity.csv"
#: When the reference's measures are due where it is not the default, by measure number.
DEMO_RELEASE = DEMO_DIR / "release.csv"


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    users: int
    measures: int
    measures_assigned: int
    polarities_set: int
    schedules_set: int
    synthetic_values: int


@transaction.atomic
def demo_load(password: str, *, history: bool = False, today: date | None = None) -> DemoSummary:
    """Load the demo scorecard, accounts and catalogue choices; safe to run again.

    The accounts come first so that the import gives each new measure to the partner its
    source names. With `history`, synthetic figures fill the years before the reference and the
    periods since, up to the one before the latest ended period (left due for the leads).
    """
    organisations, users = demo_accounts(password)
    scorecard_import(read_document(DEMO_SCORECARD))
    assigned = measures_assign_by_source()
    polarities = demo_polarities()
    today = today or timezone.localdate()
    schedules = demo_release_schedules(today)
    synthetic = 0
    if history:
        from scorecard.demo.history import synthetic_history

        synthetic = synthetic_history(today)
    return DemoSummary(
        organisations,
        users,
        Measure.objects.count(),
        assigned,
        polarities,
        schedules,
        synthetic,
    )


def demo_polarities() -> int:
    """Set the demo polarities on measures still without a judgement (never overriding one)."""
    with DEMO_POLARITY.open(encoding="utf-8", newline="") as file:
        wanted = {row["measure"]: row["polarity"] for row in csv.DictReader(file)}
    measures = list(Measure.objects.filter(name__in=wanted, polarity=Polarity.NO_JUDGEMENT.value))
    for measure in measures:
        measure.polarity = wanted[measure.name]
    Measure.objects.bulk_update(measures, ["polarity"])
    return len(measures)


def demo_release_schedules(today: date) -> int:
    """Give the demo's measures their release schedules (release.csv), only where an admin has
    set none: a measure with any of its own is left as it is."""
    with DEMO_RELEASE.open(encoding="utf-8", newline="") as file:
        wanted = {int(row["measure"]): row for row in csv.DictReader(file)}
    measures = list(
        Measure.objects.filter(
            number__in=wanted,
            release_lag_days__isnull=True,
            release_month__isnull=True,
            awaiting_release_until__isnull=True,
        )
    )
    for measure in measures:
        row = wanted[measure.number]
        measure.release_lag_days = _number(row["release_lag_days"])
        measure.release_month = _number(row["release_month"])
        days = _number(row["awaiting_release_days"])
        measure.awaiting_release_until = None if days is None else today + timedelta(days=days)
    Measure.objects.bulk_update(
        measures, ["release_lag_days", "release_month", "awaiting_release_until"]
    )
    return len(measures)


def _number(text: str) -> int | None:
    return int(text) if text.strip() else None
