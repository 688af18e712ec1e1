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

from scorecard.figures import cell_text, decimal_text, uk_number
from scorecard.models import Area, AreaKind, DataPoint, Measure
from scorecard.periods import Period, latest_ended
from submissions.models import SubmittedValue
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


@dataclass(frozen=True)
class PreviewRow:
    """One row of an uploaded file as the preview shows it, as text ready to display: a stored
    preview is shown page after page without validating the file again."""

    row: int
    measure: str
    period: str
    area: str
    value: str
    #: "new", "changed", "unchanged" or "error".
    status: str
    #: The approved figure a changed value replaces.
    current: str = ""
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def order(self) -> tuple[int, int]:
        """Rows with problems first (errors, then warnings), then changes, new and unchanged."""
        rank = {"error": 0, "changed": 2, "new": 3, "unchanged": 4}[self.status]
        if rank > 0 and self.warnings:
            rank = 1
        return (rank, self.row)

    @classmethod
    def of(cls, raw: RawRow, clean: CleanValue | None, issues: list[Issue]) -> PreviewRow:
        errors = tuple(i for i in issues if i.level == "error")
        warnings = tuple(i for i in issues if i.level == "warning")
        if clean is None or errors:
            return cls(
                row=raw.row,
                measure=cell_text(raw.get("measure")),
                period=cell_text(raw.get("period")),
                area=cell_text(raw.get("area")),
                value=cell_text(raw.get("value")),
                status="error",
                errors=errors,
                warnings=warnings,
            )
        places = clean.measure.decimal_places
        return cls(
            raw.row,
            str(clean.measure.number),
            clean.period.label,
            clean.area.name,
            uk_number(clean.value, places),
            clean.status.value,
            uk_number(clean.current, places) if clean.is_correction else "",
            errors,
            warnings,
        )


@dataclass
class Preview:
    rows: list[PreviewRow]
    general: list[Issue]
    counts: dict[str, int]

    @property
    def has_errors(self) -> bool:
        return bool(self.counts["error"] or self.general)

    @property
    def worth_staging(self) -> bool:
        """Whether a preview could lead anywhere: some row is free of errors."""
        return not self.general and self.counts["error"] < len(self.rows)

    def as_json(self) -> dict[str, Any]:
        def issues(found: Iterable[Issue]) -> list[list[Any]]:
            return [[i.row, i.field, i.message, i.level] for i in found]

        return {
            "rows": [
                [
                    r.row,
                    r.measure,
                    r.period,
                    r.area,
                    r.value,
                    r.status,
                    r.current,
                    issues(r.errors),
                    issues(r.warnings),
                ]
                for r in self.rows
            ],
            "general": issues(self.general),
            "counts": self.counts,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        def issues(found: list[list[Any]]) -> tuple[Issue, ...]:
            return tuple(Issue(*i) for i in found)

        return cls(
            [
                PreviewRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], issues(r[7]), issues(r[8]))
                for r in data["rows"]
            ],
            list(issues(data["general"])),
            data["counts"],
        )


def upload_preview(rows: list[RawRow], *, user: Any, today: date | None = None) -> Preview:
    """Validate an uploaded file's rows and mark each new, changed, unchanged or in error,
    problems first, with counts for the summary."""
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
        PreviewRow.of(
            raw,
            None if raw.row in result.rows_with_errors else clean.get(raw.row),
            by_row.get(raw.row, []),
        )
        for raw in rows
    ]
    preview_rows.sort(key=lambda r: r.order)
    counts = {"error": 0, "changed": 0, "new": 0, "unchanged": 0, "warning": 0}
    for row in preview_rows:
        counts[row.status] += 1
        if row.warnings and not row.errors:
            counts["warning"] += 1
    return Preview(preview_rows, general, counts)


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
