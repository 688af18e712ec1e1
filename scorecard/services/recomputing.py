"""Recomputing the live scorecard: each measure's row from its current approved figures.

Celery runs this after every approval (`scorecard.tasks`); `recompute_scorecard` runs it by hand.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from scorecard import compute, selectors
from scorecard.figures import json_number
from scorecard.models import Area, AreaKind, DataPoint, Measure, ScorecardRow


def scorecard_recompute(measure_ids: Iterable[int] | None = None) -> int:
    """Recompute the live rows of the given measures (all when None); returns how many changed.

    Idempotent, and safe when two run at once: the measures are locked for the duration, in id
    order, so concurrent runs serialise per measure rather than overwrite each other.
    """
    with transaction.atomic():
        queryset = Measure.objects.select_for_update().order_by("pk")
        if measure_ids is not None:
            queryset = queryset.filter(pk__in=list(measure_ids))
        measures = list(queryset)
        if not measures:
            return 0
        ids = [m.pk for m in measures]
        area, england_area = (
            selectors.local_area(),
            Area.objects.filter(kind=AreaKind.ENGLAND).first(),
        )
        points: dict[tuple[int, int], list[DataPoint]] = defaultdict(list)
        versions: dict[int, int] = {}
        for point in (
            DataPoint.objects.filter(measure_id__in=ids, is_current=True)
            .select_related("period")
            .order_by("period__end", "period__start")
        ):
            points[(point.measure_id, point.area_id)].append(point)
        for measure_id, latest in (
            DataPoint.objects.filter(measure_id__in=ids)
            .values_list("measure_id")
            .annotate(latest=Max("id"))
        ):
            versions[measure_id] = latest
        carried = _published_directions(ids)
        existing = {row.measure_id: row for row in ScorecardRow.objects.filter(measure_id__in=ids)}
        now = timezone.now()
        to_write = []
        for measure in measures:
            local = points.get((measure.pk, area.pk), []) if area else []
            national = points.get((measure.pk, england_area.pk), []) if england_area else []
            row = compute_row(measure, local, national, carried.get(measure.pk))
            row.data_version = versions.get(measure.pk, 0)
            row.computed_at = now
            if _row_signature(existing.get(measure.pk)) != _row_signature(row):
                to_write.append(row)
        ScorecardRow.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["measure"],
            update_fields=[
                "latest_period",
                "local_value",
                "england_value",
                "direction",
                "compared",
                "series",
                "synthetic",
                "data_version",
                "computed_at",
            ],
        )
    return len(to_write)


def _row_signature(row: ScorecardRow | None) -> tuple[object, ...] | None:
    if row is None:
        return None
    return (
        row.latest_period_id,
        row.local_value,
        row.england_value,
        row.direction,
        row.compared,
        row.series,
        row.synthetic,
        row.data_version,
    )


def _published_directions(measure_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each measure's (latest period label, direction) in the most recent edition."""
    latest = selectors.latest_edition()
    if latest is None:
        return {}
    return {
        measure_id: (period, direction)
        for measure_id, period, direction in latest.rows.filter(
            measure_id__in=measure_ids
        ).values_list("measure_id", "latest_period", "direction")
    }


def compute_row(
    measure: Measure,
    local: list[DataPoint],
    national: list[DataPoint],
    published: tuple[str, str] | None,
) -> ScorecardRow:
    """A measure's live row from its current local and England data points, oldest first.

    With a single local period that is the latest period of the most recent edition, that
    edition's published direction carries forward: an imported scorecard keeps its arrows until
    new data arrives.
    """
    places = measure.decimal_places
    series = [{"period": p.period.label, "value": json_number(p.value)} for p in local]
    if not local:
        return ScorecardRow(
            measure=measure,
            latest_period=None,
            direction=compute.Direction.UNKNOWN.value,
            compared=compute.Comparison.NOT_COMPARABLE.value,
            series=[],
        )
    latest = local[-1]
    england_point = next((p for p in national if p.period_id == latest.period_id), None)
    england_value = england_point.value if england_point else None
    if len(local) >= 2:
        direction = compute.direction_of_travel(latest.value, local[-2].value, places).value
    elif published and published[0] == latest.period.label:
        direction = published[1]
    else:
        direction = compute.Direction.UNKNOWN.value
    compared = compute.compare_with_england(
        latest.value,
        england_value,
        kind=measure.kind,
        places=places,
        comparable=measure.comparable_with_england,
        numerator=latest.numerator,
        denominator=latest.denominator,
    ).value
    used = [*local, *([england_point] if england_point else [])]
    return ScorecardRow(
        measure=measure,
        latest_period=latest.period,
        local_value=latest.value,
        england_value=england_value,
        direction=direction,
        compared=compared,
        series=series,
        synthetic=any(p.origin == DataPoint.SYNTHETIC_ORIGIN for p in used),
    )
