"""Recording approved figures: each becomes the current value of its measure, area and period,
and the version it replaces stays on record (history is append-only)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from portal.bulk import BATCH_SIZE
from scorecard.figures import is_correction
from scorecard.models import Area, DataPoint, Measure, ReportingPeriod
from scorecard.periods import Period
from scorecard.services.versioning import scorecard_changed

#: Rows per INSERT; SQLite lowers it further to its own limit on query parameters.


def reporting_periods(periods: Iterable[Period]) -> dict[Period, ReportingPeriod]:
    """The reporting period row of each period, creating the missing ones, in at most three
    queries however many there are. Matched on (type, start, end), the database's own key."""
    wanted = set(periods)
    if not wanted:
        return {}

    def key(period: Period) -> tuple[str, object, object]:
        return (period.type.value, period.start, period.end)

    def fetch() -> dict[tuple[str, object, object], ReportingPeriod]:
        rows = ReportingPeriod.objects.filter(
            start__in={p.start for p in wanted}, end__in={p.end for p in wanted}
        )
        return {(rp.period_type, rp.start, rp.end): rp for rp in rows}

    found = fetch()
    missing = [p for p in wanted if key(p) not in found]
    if missing:
        ReportingPeriod.objects.bulk_create(
            [
                ReportingPeriod(period_type=p.type.value, start=p.start, end=p.end, label=p.label)
                for p in missing
            ],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )
        found = fetch()
    return {p: found[key(p)] for p in wanted}


@dataclass(frozen=True)
class ValueEntry:
    """A figure to make current: ids of its measure, area and period, and the figure itself."""

    measure_id: int
    area_id: int
    period_id: int
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    variance: Decimal | None = None
    #: When it was signed off, if not now (the demo's synthetic history has a past).
    approved_at: datetime | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.measure_id, self.area_id, self.period_id)


@dataclass(frozen=True)
class Recorded:
    """What recording an entry did: the new version (None when the figure was already current)
    and the version it replaced (None for a first figure)."""

    entry: ValueEntry
    point: DataPoint | None
    previous: DataPoint | None


def record_values(
    entries: Iterable[ValueEntry],
    *,
    origin: str,
    submitted_by: Any = None,
    approved_by: Any = None,
) -> list[Recorded]:
    """Make each entry the current figure, keeping every earlier version; in bulk.

    The caller holds the transaction. Current rows are locked in one statement, in a fixed order,
    so two approvals touching the same figures serialise rather than deadlock; the database's
    one-current-value constraint stops two first versions of the same figure.
    """
    entries = list(entries)
    if not entries:
        return []
    keys = {e.key for e in entries}
    current = {
        (p.measure_id, p.area_id, p.period_id): p
        for p in DataPoint.objects.select_for_update()
        .filter(
            measure_id__in={k[0] for k in keys},
            area_id__in={k[1] for k in keys},
            period_id__in={k[2] for k in keys},
            is_current=True,
        )
        .order_by("pk")
        if (p.measure_id, p.area_id, p.period_id) in keys
    }
    now = timezone.now()
    results: list[Recorded] = []
    replaced: list[int] = []
    new_points: list[DataPoint] = []
    for entry in sorted(entries, key=lambda e: e.key):
        previous = current.get(entry.key)
        if previous is not None and not is_correction(previous, entry):
            results.append(Recorded(entry, None, previous))
            continue
        if previous is not None:
            replaced.append(previous.pk)
        point = DataPoint(
            measure_id=entry.measure_id,
            area_id=entry.area_id,
            period_id=entry.period_id,
            value=entry.value,
            numerator=entry.numerator,
            denominator=entry.denominator,
            variance=entry.variance,
            note=entry.note,
            version=previous.version + 1 if previous else 1,
            origin=origin,
            submitted_by=submitted_by,
            approved_by=approved_by,
            approved_at=entry.approved_at or now,
        )
        new_points.append(point)
        results.append(Recorded(entry, point, previous))
    if replaced:
        DataPoint.objects.filter(pk__in=replaced).update(is_current=False)
    DataPoint.objects.bulk_create(new_points, batch_size=BATCH_SIZE)
    if new_points:
        scorecard_changed()  # the scorecard says which measures are being updated
    return results


def record_value(
    measure: Measure,
    area: Area,
    period: ReportingPeriod,
    value: Decimal,
    *,
    origin: str,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    variance: Decimal | None = None,
    note: str = "",
    submitted_by: Any = None,
    approved_by: Any = None,
) -> int:
    """Make one figure current (see record_values); 1 when a new version was added, else 0."""
    entry = ValueEntry(
        measure.pk, area.pk, period.pk, value, numerator, denominator, note, variance
    )
    (recorded,) = record_values(
        [entry], origin=origin, submitted_by=submitted_by, approved_by=approved_by
    )
    return 0 if recorded.point is None else 1
