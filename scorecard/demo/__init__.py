"""The demo the repository carries: the May-2024 Southampton scorecard (as published), the
contract's organisations and accounts, the catalogue choices an admin would make (each
measure's method and polarity), and, on request, synthetic history that makes the demo look
alive at today's date.

`load_demo` and `make run` call `demo_load`; the tests read the same files, so a clone of the
repository alone has everything it needs.
"""

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from accounts.services import demo_accounts
from scorecard.layout import read_document
from scorecard.methods import guess_method
from scorecard.models import Measure
from scorecard.services.importing import measures_assign_by_source, scorecard_import
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.versioning import scorecard_changed

DEMO_DIR = Path(__file__).resolve().parent
#: The published May-2024 edition, exactly as it came out.
DEMO_SCORECARD = DEMO_DIR / "southampton-rdhp-scorecard-2024-05.tsv"
#: Each reference measure's method and polarity, by number (and name, to be sure), with why.
DEMO_CATALOGUE = DEMO_DIR / "catalogue.csv"
#: The catalogue's method fields, as the file names them.
CATALOGUE_COLUMNS = (
    "value_kind",
    "multiplier",
    "comparable_with_england",
    "comparison_method",
    "confidence_level",
    "polarity",
    "small_number_threshold",
    "publish_small_numbers",
)
#: When the reference's measures are due where it is not the default, by measure number.
DEMO_RELEASE = DEMO_DIR / "release.csv"


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    users: int
    measures: int
    measures_assigned: int
    methods_set: int
    schedules_set: int
    synthetic_values: int
    targets: int = 0
    commentaries: int = 0


@transaction.atomic
def demo_load(password: str, *, history: bool = False, today: date | None = None) -> DemoSummary:
    """Load the demo scorecard, accounts and catalogue choices; safe to run again.

    The accounts come first so that the import gives each new measure to the partner its
    source names. With `history`, synthetic figures fill the years before the reference and the
    periods since, up to the one before the latest ended period (left due for the leads), and
    a few targets and commentaries show what the board reads beside the figures.
    """
    organisations, users = demo_accounts(password)
    scorecard_import(read_document(DEMO_SCORECARD))
    assigned = measures_assign_by_source()
    methods = demo_catalogue()
    today = today or timezone.localdate()
    schedules = demo_release_schedules(today)
    synthetic = targets = commentaries = 0
    if history:
        from scorecard.demo.board import demo_board
        from scorecard.demo.history import synthetic_history

        synthetic = synthetic_history(today)
        targets, commentaries = demo_board()
    return DemoSummary(
        organisations,
        users,
        Measure.objects.count(),
        assigned,
        methods,
        schedules,
        synthetic,
        targets,
        commentaries,
    )


def demo_catalogue() -> int:
    """Set each reference measure's method and polarity from the demo catalogue, field by field
    where the measure still has what an import gives a new measure (the guess from its unit, the
    model's defaults), so an admin's choice is never overridden; recompute the measures changed
    and return how many they are."""
    with DEMO_CATALOGUE.open(encoding="utf-8", newline="") as file:
        wanted = {int(row["number"]): row for row in csv.DictReader(file)}
    changed = []
    for measure in Measure.objects.filter(number__in=wanted):
        row = wanted[measure.number]
        if row["measure"] != measure.name:
            continue  # another catalogue numbered the same way: not the reference's measure
        fresh = _fresh_method(measure.unit)
        fields = []
        for name in CATALOGUE_COLUMNS:
            value = _read(name, row[name])
            if getattr(measure, name) == fresh[name] != value:
                setattr(measure, name, value)
                fields.append(name)
        if fields:
            measure.save(update_fields=fields)
            changed.append(measure.pk)
    scorecard_recompute(changed)
    return len(changed)


def _fresh_method(unit: str) -> dict[str, object]:
    """The method fields of a measure an import has just created from a row with this unit."""
    guess = guess_method(unit)
    fresh: dict[str, object] = {}
    for name in CATALOGUE_COLUMNS:
        field = Measure._meta.get_field(name)
        assert isinstance(field, Field)
        fresh[name] = field.get_default()
    fresh.update(
        value_kind=guess.kind.value,
        multiplier=guess.multiplier,
        comparable_with_england=guess.comparable,
    )
    return fresh


def _read(name: str, text: str) -> object:
    """A catalogue cell as the model field holds it."""
    if name in ("comparable_with_england", "publish_small_numbers"):
        return text == "yes"
    if name in ("multiplier", "small_number_threshold"):
        return int(text) if text else None
    return text


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
    if measures:
        scorecard_changed()  # release schedules decide how overdue the scorecard says rows are
    return len(measures)


def _number(text: str) -> int | None:
    return int(text) if text.strip() else None
