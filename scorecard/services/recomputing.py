"""Recomputing the live scorecard: each measure's row from its current approved figures.

Celery runs this after every approval (`scorecard.tasks`); `recompute_scorecard` runs it by hand.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, TypeVar

from django.db import transaction
from django.db.models import JSONField, Manager, Max, Model, QuerySet, Value
from django.utils import timezone

from scorecard import compute, methods, selectors
from scorecard.figures import STORED_QUANTUM, json_number
from scorecard.methods import Observation
from scorecard.models import (
    VERDICT_FIELDS,
    Area,
    AreaKind,
    DataPoint,
    EditionRow,
    Measure,
    ReportingPeriod,
    ScorecardRow,
)
from scorecard.periods import Period, PeriodType, parse_period
from scorecard.services.versioning import scorecard_changed
from scorecard.trends import recent_trend

_M = TypeVar("_M", bound=Model)


def scorecard_recompute(measure_ids: Iterable[int] | None = None) -> int:
    """Recompute the live rows of the given measures (all when None); returns how many changed.

    Idempotent, and safe when two run at once: the measures are locked for the duration, in id
    order, so concurrent runs serialise per measure rather than overwrite each other. The lock
    leaves the measures' keys free (FOR NO KEY UPDATE): an approval inserting figures checks its
    foreign keys at commit while holding the live version's row, and a full lock here would wait
    on that row while the approval waits on the measure, a deadlock. A fixed
    number of queries however many measures: the figures are read as tuples in one query (no
    model instances), the rows are computed in plain Python and written in one upsert.
    """
    with transaction.atomic():
        queryset = Measure.objects.select_for_update(no_key=True).order_by("pk")
        if measure_ids is not None:
            queryset = queryset.filter(pk__in=list(measure_ids))
        measures = list(queryset)
        if not measures:
            return 0
        ids = None if measure_ids is None else [m.pk for m in measures]
        area, england_area = (
            selectors.local_area(),
            Area.objects.filter(kind=AreaKind.ENGLAND).first(),
        )
        figures = _current_figures(ids, [a.pk for a in (area, england_area) if a is not None])
        stated = _stated_directions(ids)
        existing = {
            measure_id: tuple(signature)
            for measure_id, *signature in _of_measures(ScorecardRow.objects, ids).values_list(
                "measure_id", *ROW_FIELDS
            )
        }
        versions = dict(
            _of_measures(DataPoint.objects, ids)
            .order_by()
            .values_list("measure_id")
            .annotate(latest=Max("id"))
        )
        now = timezone.now()
        to_write = []
        for measure in measures:
            local = figures.get((measure.pk, area.pk), []) if area else []
            national = figures.get((measure.pk, england_area.pk), []) if england_area else []
            row = compute_row(measure, local, national, stated.get(measure.pk, []))
            row.data_version = versions.get(measure.pk, 0)
            row.computed_at = now
            if existing.get(measure.pk) != _row_signature(row):
                # A JSON literal keeps the upsert off PostgreSQL's UNNEST path, which escapes
                # every quote of every series as a text array element: twice the write's time.
                row.series = Value(row.series, output_field=JSONField())
                to_write.append(row)
        ScorecardRow.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["measure"],
            update_fields=[*ROW_FIELDS, "computed_at"],
        )
        if to_write:
            scorecard_changed()
    return len(to_write)


def _of_measures(manager: Manager[_M], ids: list[int] | None) -> QuerySet[_M]:
    """The manager's rows of the measures (`ids`), or every row when None: a full recompute
    reads whole tables rather than send a thousand ids."""
    return manager.all() if ids is None else manager.filter(measure_id__in=ids)


class Figure(NamedTuple):
    """A current figure as a recompute reads it: its period's id and label, the figure as the
    scorecard's rules read it, and its origin. A tuple: a recompute reads hundreds of thousands."""

    period_id: int
    label: str
    observation: Observation
    origin: str

    @property
    def value(self) -> Decimal:
        return self.observation.value


#: What a recompute reads of each current figure (the benchmark's floor reads the same).
FIGURE_COLUMNS = (
    "measure_id",
    "area_id",
    "period_id",
    "value",
    "numerator",
    "denominator",
    "variance",
    "origin",
)


def _current_figures(
    measure_ids: list[int] | None, area_ids: list[int]
) -> dict[tuple[int, int], list[Figure]]:
    """The current figures of the measures in the areas, per (measure, area), oldest first: one
    query for the periods (a few hundred, shared by every measure) and one for the figures."""
    periods = {
        pk: (period, period.label)
        for pk, period in (
            (pk, Period(PeriodType(kind), start, end))
            for pk, kind, start, end in ReportingPeriod.objects.order_by().values_list(
                "pk", "period_type", "start", "end"
            )
        )
    }
    figures: dict[tuple[int, int], list[Figure]] = defaultdict(list)
    rows = (
        _of_measures(DataPoint.objects, measure_ids)
        .filter(is_current=True, area_id__in=area_ids)
        .order_by()
        .values_list(*FIGURE_COLUMNS)
    )
    for measure_id, area_id, period_id, value, numerator, denominator, variance, origin in rows:
        period, label = periods[period_id]
        figures[(measure_id, area_id)].append(
            Figure(
                period_id,
                label,
                Observation(period, value, numerator, denominator, variance),
                origin,
            )
        )
    for series in figures.values():
        series.sort(key=lambda f: (f.observation.period.end, f.observation.period.start))
    return figures


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


def _row_signature(row: ScorecardRow) -> tuple[object, ...]:
    """The row's ROW_FIELDS, as `values_list(*ROW_FIELDS)` reads them back."""
    return tuple(
        row.latest_period_id if name == "latest_period" else getattr(row, name)
        for name in ROW_FIELDS
    )


def _stated_directions(measure_ids: list[int] | None) -> dict[int, list[compute.StatedDirection]]:
    """The directions imported editions stated, per measure (every measure when None), newest
    edition first (Edition's own order)."""
    stated: dict[int, list[compute.StatedDirection]] = defaultdict(list)
    rows = (
        _of_measures(EditionRow.objects, measure_ids)
        .filter(method=compute.AS_PUBLISHED)
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
    local: list[Figure],
    national: list[Figure],
    stated: Sequence[compute.StatedDirection] = (),
) -> ScorecardRow:
    """A measure's live row from its current local and England figures, oldest first, by
    the measure's method (scorecard.compute, scorecard.trends).

    A local figure on small numbers is left out of the row and its series unless the measure is
    publishable; `stated` are the directions imported editions stated, kept for the very period
    and value they were stated for when the period before is not held.
    """
    method = measure.method
    observations = [f.observation for f in local]
    hidden = [o.period for o in observations if methods.is_small_number(method, o)]
    series = [
        {"period": f.label, "value": None if o.period in hidden else json_number(o.value)}
        for f, o in zip(local, observations, strict=True)
    ]
    latest = observations[-1] if observations else None
    england_point = (
        next((p for p in national if p.period_id == local[-1].period_id), None) if local else None
    )
    verdict = compute.compare_with_england(
        method,
        latest,
        england_point.value if england_point else None,
        england_period=national[-1].observation.period if national else None,
    )
    direction, direction_reason = compute.travel(
        observations, method.places, stated, suppressed=hidden
    )
    trend = recent_trend(observations, method)
    used = [*local, *([england_point] if england_point else [])]
    return ScorecardRow(
        measure=measure,
        latest_period_id=local[-1].period_id if local else None,
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
