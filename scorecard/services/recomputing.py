"""Recomputing the live scorecard: each measure's row from its current approved figures.

Celery runs this after every approval (`scorecard.tasks`); `recompute_scorecard` runs it by hand.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from scorecard import compute, methods, selectors
from scorecard.figures import STORED_QUANTUM, json_number
from scorecard.models import (
    VERDICT_FIELDS,
    Area,
    AreaKind,
    DataPoint,
    EditionRow,
    Measure,
    ScorecardRow,
)
from scorecard.periods import parse_period
from scorecard.trends import recent_trend


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
        stated = _stated_directions(ids)
        existing = {row.measure_id: row for row in ScorecardRow.objects.filter(measure_id__in=ids)}
        now = timezone.now()
        to_write = []
        for measure in measures:
            local = points.get((measure.pk, area.pk), []) if area else []
            national = points.get((measure.pk, england_area.pk), []) if england_area else []
            row = compute_row(measure, local, national, stated.get(measure.pk, []))
            row.data_version = versions.get(measure.pk, 0)
            row.computed_at = now
            if _row_signature(existing.get(measure.pk)) != _row_signature(row):
                to_write.append(row)
        ScorecardRow.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["measure"],
            update_fields=[*ROW_FIELDS, "computed_at"],
        )
    return len(to_write)


#: The fields a recompute writes; a row whose fields all equal the stored ones is not written.
ROW_FIELDS = [
    "latest_period",
    "local_value",
    "england_value",
    "direction",
    "compared",
    "series",
    "synthetic",
    *VERDICT_FIELDS,
    "data_version",
]


def _row_signature(row: ScorecardRow | None) -> tuple[object, ...] | None:
    if row is None:
        return None
    return tuple(
        row.latest_period_id if name == "latest_period" else getattr(row, name)
        for name in ROW_FIELDS
    )


def _stated_directions(measure_ids: list[int]) -> dict[int, list[compute.StatedDirection]]:
    """The directions imported editions stated, per measure, newest edition first (Edition's
    own order)."""
    stated: dict[int, list[compute.StatedDirection]] = defaultdict(list)
    rows = (
        EditionRow.objects.filter(measure_id__in=measure_ids, method=compute.AS_PUBLISHED)
        .exclude(latest_period="")
        .select_related("edition")
        .order_by("-edition__edition_date", "-edition__published_at")
    )
    for row in rows:
        assert row.measure_id is not None
        stated[row.measure_id].append(
            compute.StatedDirection(
                row.edition.name,
                parse_period(row.latest_period),
                row.local_value,
                compute.Direction(row.direction),
            )
        )
    return stated


def stored_limit(limit: float | None) -> Decimal | None:
    """An interval's limit at the stored precision."""
    if limit is None:
        return None
    return Decimal(repr(limit)).quantize(STORED_QUANTUM, rounding=ROUND_HALF_UP)


def compute_row(
    measure: Measure,
    local: list[DataPoint],
    national: list[DataPoint],
    stated: Sequence[compute.StatedDirection] = (),
) -> ScorecardRow:
    """A measure's live row from its current local and England data points, oldest first, by
    the measure's method (scorecard.compute, scorecard.trends).

    A local figure on small numbers is left out of the row and its series unless the measure is
    publishable; `stated` are the directions imported editions stated, kept for the very period
    and value they were stated for when the period before is not held.
    """
    method = measure.method
    observations = [p.observation for p in local]
    hidden = [o.period for o in observations if methods.is_small_number(method, o)]
    series = [
        {"period": o.period.label, "value": None if o.period in hidden else json_number(o.value)}
        for o in observations
    ]
    latest = observations[-1] if observations else None
    england_point = (
        next((p for p in national if p.period_id == local[-1].period_id), None) if local else None
    )
    verdict = compute.compare_with_england(
        method,
        latest,
        england_point.value if england_point else None,
        england_period=national[-1].period.period if national else None,
    )
    direction, direction_reason = compute.travel(
        observations, method.places, stated, suppressed=hidden
    )
    trend = recent_trend(observations, method)
    used = [*local, *([england_point] if england_point else [])]
    return ScorecardRow(
        measure=measure,
        latest_period=local[-1].period if local else None,
        local_value=None if latest is None or verdict.suppressed else latest.value,
        england_value=england_point.value if england_point else None,
        direction=direction.value,
        compared=verdict.compared.value,
        series=series,
        synthetic=any(p.origin == DataPoint.SYNTHETIC_ORIGIN for p in used),
        method=verdict.method,
        tested=verdict.tested,
        ci_lower=stored_limit(verdict.lower),
        ci_upper=stored_limit(verdict.upper),
        judgement=compute.judgement(verdict.compared, method.polarity, tested=verdict.tested).value,
        trend=trend.trend.value,
        comparison_reason=verdict.reason or "",
        direction_reason=direction_reason or "",
        trend_note=trend.note,
        suppressed=verdict.suppressed,
    )
