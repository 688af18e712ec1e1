"""Reads for entering figures: the entry form's rows with the approved figures beside them, an
uploaded file's preview, and the blank upload template. A fixed number of queries however many
measures or rows there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from scorecard.figures import decimal_text
from scorecard.models import Area, AreaKind, DataPoint, Measure
from scorecard.periods import (
    PERIOD_TYPE_LABELS,
    Period,
    PeriodType,
    latest_ended,
    period_in_words,
)
from submissions.models import Submission, SubmittedValue
from submissions.validation import CleanValue, Issue, RawRow, validate_rows


@dataclass
class EntryRow:
    """One input row of the entry form: a measure, area and period, with figures beside it."""

    measure: Measure
    area: Area
    period: Period
    previous_value: Decimal | None = None
    previous_period: Period | None = None
    current_value: Decimal | None = None
    initial: dict[str, str] = field(default_factory=dict)

    def identity(self) -> dict[str, str]:
        return {
            "measure": str(self.measure.number),
            "area": self.area.name,
            "period": self.period.label,
        }


def entry_rows(
    organisation_id: int,
    periods: Iterable[Period],
    values: Iterable[SubmittedValue] = (),
) -> list[EntryRow]:
    """Input rows for the organisation's measures of each period's type (local area, and England
    for measures compared with it), plus any already-entered values, with approved figures."""
    periods = list(periods)
    values = list(values)
    measures = list(
        Measure.objects.filter(
            organisation_id=organisation_id,
            active=True,
            period_type__in={p.type.value for p in periods},
        ).order_by("number")
    )
    areas = {a.kind: a for a in Area.objects.filter(kind__in=[AreaKind.LOCAL, AreaKind.ENGLAND])}
    rows: dict[tuple[int, int, Period], EntryRow] = {}
    for period in sorted(periods):
        for measure in measures:
            if measure.periods_of is not period.type:
                continue
            for kind in (AreaKind.LOCAL, AreaKind.ENGLAND):
                if kind == AreaKind.ENGLAND and not measure.comparable_with_england:
                    continue
                if kind in areas:
                    rows[(measure.pk, areas[kind].pk, period)] = EntryRow(
                        measure, areas[kind], period
                    )
    for value in values:
        period = value.period.period
        key = (value.measure_id, value.area_id, period)
        row = rows.get(key) or EntryRow(value.measure, value.area, period)
        row.initial = {
            "value": decimal_text(value.value),
            "numerator": decimal_text(value.numerator),
            "denominator": decimal_text(value.denominator),
            "note": value.note,
        }
        rows[key] = row
    _attach_approved(list(rows.values()))
    return sorted(rows.values(), key=lambda r: (r.period, r.measure.number, r.area.kind != "local"))


def _attach_approved(rows: list[EntryRow]) -> None:
    """Give each row the current approved figure of its period and of the period before."""
    if not rows:
        return
    points: dict[tuple[int, int], list[tuple[Period, Decimal]]] = defaultdict(list)
    for point in DataPoint.objects.filter(
        is_current=True,
        measure_id__in={r.measure.pk for r in rows},
        area_id__in={r.area.pk for r in rows},
    ).select_related("period"):
        points[(point.measure_id, point.area_id)].append((point.period.period, point.value))
    for row in rows:
        series = sorted(points.get((row.measure.pk, row.area.pk), []), key=lambda e: e[0])
        earlier = [(p, v) for p, v in series if p < row.period]
        if earlier:
            row.previous_period, row.previous_value = earlier[-1]
        row.current_value = next((v for p, v in series if p == row.period), None)


# An upload's preview -------------------------------------------------------------------------


@dataclass
class PreviewRow:
    """One row of an uploaded file as the preview shows it."""

    raw: RawRow
    clean: CleanValue | None
    errors: list[Issue]
    warnings: list[Issue]
    #: The measure the row names, if it is one of the user's (even when the row has errors).
    measure: Measure | None = None

    @property
    def status(self) -> str:
        if self.errors or self.clean is None:
            return "error"
        return self.clean.status.value

    @property
    def order(self) -> tuple[int, int]:
        """Rows with problems first (errors, then warnings), then changes, new and unchanged."""
        rank = {"error": 0, "changed": 2, "new": 3, "unchanged": 4}[self.status]
        if rank > 0 and self.warnings:
            rank = 1
        return (rank, self.raw.row)


@dataclass
class Preview:
    rows: list[PreviewRow]
    general: list[Issue]
    counts: dict[str, int]
    #: For a file joining or replacing an open return: how many of its figures the file
    #: replaces, and how many of its other figures stay (joining) or go (replacing).
    replaced: int = 0
    untouched: int = 0

    @property
    def has_errors(self) -> bool:
        return bool(self.counts["error"] or self.general)


def upload_preview(
    rows: list[RawRow],
    *,
    user: Any,
    today: date | None = None,
    submission: Submission | None = None,
) -> Preview:
    """Validate an uploaded file's rows and mark each new, changed, unchanged or in error,
    problems first, with counts for the summary; with the open `submission` the file is meant
    for, how many of its figures the file's replace and how many it does not touch."""
    result = validate_rows(rows, user=user, today=today)
    by_row: dict[int, list[Issue]] = defaultdict(list)
    general = []
    for issue in result.issues:
        if issue.row is None:
            general.append(issue)
        else:
            by_row[issue.row].append(issue)
    clean = {v.row: v for v in result.values}
    preview_rows = [
        PreviewRow(
            raw,
            None if raw.row in result.rows_with_errors else clean.get(raw.row),
            [i for i in by_row.get(raw.row, []) if i.level == "error"],
            [i for i in by_row.get(raw.row, []) if i.level == "warning"],
            result.measures.get(raw.row),
        )
        for raw in rows
    ]
    preview_rows.sort(key=lambda r: r.order)
    counts = {"error": 0, "changed": 0, "new": 0, "unchanged": 0, "warning": 0}
    for row in preview_rows:
        counts[row.status] += 1
        if row.warnings and not row.errors:
            counts["warning"] += 1
    preview = Preview(preview_rows, general, counts)
    if submission is not None:
        arriving = {v.key for v in result.values}
        held = {
            (measure, area, Period(PeriodType(kind), start, end))
            for measure, area, kind, start, end in submission.values.values_list(
                "measure_id", "area_id", "period__period_type", "period__start", "period__end"
            )
        }
        preview.replaced = len(held & arriving)
        preview.untouched = len(held - arriving)
    return preview


@dataclass(frozen=True)
class Convention:
    """How to write one kind of period, with the one now due as the example."""

    kind: str
    example: Period

    @property
    def covers(self) -> str:
        return period_in_words(self.example)


def period_conventions(organisation_id: int, today: date) -> list[Convention]:
    """How to write each kind of period the organisation's measures are reported by, one
    example each (the period now due), so financial and calendar quarters are never confused."""
    kinds = set(
        Measure.objects.filter(organisation_id=organisation_id, active=True).values_list(
            "period_type", flat=True
        )
    )
    return [
        Convention(PERIOD_TYPE_LABELS[kind], latest_ended(kind, today))
        for kind in PeriodType
        if kind.value in kinds
    ]


def template_records(organisation_id: int, today: date) -> list[dict[str, object]]:
    """Rows of the blank upload template: each measure with the period now due (local area,
    and England for measures compared with it)."""
    records: list[dict[str, object]] = []
    for measure in Measure.objects.filter(organisation_id=organisation_id, active=True).order_by(
        "number"
    ):
        period = latest_ended(measure.periods_of, today).label
        areas = ["", "England"] if measure.comparable_with_england else [""]
        records.extend(
            {
                "measure": measure.number,
                "period": period,
                "area": area,
                "value": None,
                "numerator": None,
                "denominator": None,
                "note": "",
                "measure_name": f"{measure.name} ({measure.unit})",
            }
            for area in areas
        )
    return records
