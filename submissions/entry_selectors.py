"""Reads for entering figures: the entry grid's rows with the approved figures beside them, an
uploaded file's preview, the ways of writing periods, and the blank upload template. A fixed
number of queries however many measures or rows there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, overload

from scorecard.figures import cell_text, decimal_text, uk_number
from scorecard.methods import NUMERATOR_KINDS, ValueKind
from scorecard.models import Area, AreaKind, DataPoint, Measure
from scorecard.periods import (
    PERIOD_TYPE_LABELS,
    Period,
    PeriodError,
    PeriodType,
    gap_text,
    latest_ended,
    parse_period,
    period_in_words,
    steps_between,
)
from submissions.models import RowStatus, StagedValue, Submission, SubmittedValue
from submissions.validation import CleanValue, Issue, RawRow, ValidationResult


@dataclass
class Beside:
    """The approved figures shown beside one area's input: the latest of an earlier period, and
    the one already approved for the row's own period (a different figure corrects it)."""

    area: Area
    previous: tuple[Period, Decimal] | None = None
    approved: Decimal | None = None
    #: How long before the row's period `previous` is, when not the period just before.
    gap: str = ""


@dataclass
class EntryRow:
    """One row of the entry grid: a measure and period, with an input for the local figure (and
    numerator and denominator where the measure is worked out from them), one for England's
    where the measure is compared with England, and a note."""

    measure: Measure
    period: Period
    due: Period
    local: Beside
    england: Beside | None
    initial: dict[str, str] = field(default_factory=dict)
    #: The approver's comment on this figure when it was sent back.
    comment: str = ""

    def identity(self) -> dict[str, str]:
        return {"measure": str(self.measure.number), "period": self.period.label}

    @property
    def key(self) -> tuple[int, Period]:
        return (self.measure.pk, self.period)

    @property
    def uses_ratio(self) -> bool:
        """Numerator and denominator inputs: for percentages, rates and averages, and for any
        figure that already has them."""
        return self.measure.kind in NUMERATOR_KINDS or bool(
            self.initial.get("numerator") or self.initial.get("denominator")
        )

    @property
    def uses_variance(self) -> bool:
        """A variance input: for a directly standardised rate (its interval needs it), and for
        any figure that already has one."""
        return self.measure.kind is ValueKind.DSR or bool(self.initial.get("variance"))

    @property
    def england_ratio(self) -> bool:
        """England's numerator and denominator: shown only where a figure already has them."""
        return bool(
            self.initial.get("england_numerator") or self.initial.get("england_denominator")
        )

    @property
    def besides(self) -> list[Beside]:
        return [self.local] if self.england is None else [self.local, self.england]


#: What each area's inputs are called on the form (local figures, England's figures).
AREA_FIELDS = {
    AreaKind.LOCAL: ("value", "numerator", "denominator"),
    AreaKind.ENGLAND: ("england", "england_numerator", "england_denominator"),
}


def due_rows(organisation_id: int, today: date) -> list[EntryRow]:
    """A row for each of the organisation's measures, for the period now due (its latest ended
    period, whatever its type): the figures a data lead is usually asked for."""
    measures = _measures(organisation_id)
    return _rows([(m, latest_ended(m.periods_of, today)) for m in measures], today=today)


def period_rows(
    organisation_id: int,
    periods: Iterable[Period],
    values: Iterable[SubmittedValue] = (),
    *,
    today: date,
    comments: bool = False,
) -> list[EntryRow]:
    """A row for each of the organisation's measures reported by each period's type, and one for
    each already-entered value (filled in with it; with `comments`, the approver's comment)."""
    periods = sorted(set(periods))
    measures = _measures(organisation_id)
    keys = [(m, p) for p in periods for m in measures if m.periods_of is p.type]
    return _rows(keys, values, today=today, comments=comments)


def rows_for(
    organisation_id: int, keys: Iterable[tuple[str, str]], *, today: date
) -> list[EntryRow]:
    """Rows for (measure number, period label) pairs as posted back by the form; pairs that name
    no measure of the organisation or no period are left out (the validator explains them)."""
    measures = {str(m.number): m for m in _measures(organisation_id)}
    found = []
    for number, label in keys:
        measure = measures.get(number)
        if measure is None:
            continue
        try:
            found.append((measure, parse_period(label, measure.periods_of)))
        except PeriodError:
            continue
    return _rows(found, today=today)


def _measures(organisation_id: int) -> list[Measure]:
    return list(
        Measure.objects.filter(organisation_id=organisation_id, active=True).order_by("number")
    )


def _rows(
    keys: Iterable[tuple[Measure, Period]],
    values: Iterable[SubmittedValue] = (),
    *,
    today: date,
    comments: bool = False,
) -> list[EntryRow]:
    areas = {a.kind: a for a in Area.objects.filter(kind__in=[AreaKind.LOCAL, AreaKind.ENGLAND])}
    local, england = areas.get(AreaKind.LOCAL), areas.get(AreaKind.ENGLAND)
    rows: dict[tuple[int, Period], EntryRow] = {}

    def row_of(measure: Measure, period: Period) -> EntryRow | None:
        if (measure.pk, period) not in rows:
            if local is None:
                return None
            shown = england if measure.comparable_with_england else None
            rows[(measure.pk, period)] = EntryRow(
                measure,
                period,
                latest_ended(measure.periods_of, today),
                Beside(local),
                Beside(shown) if shown else None,
            )
        return rows[(measure.pk, period)]

    for measure, period in keys:
        row_of(measure, period)
    for value in values:
        row = row_of(value.measure, value.period.period)
        if row is None or value.area.kind not in AREA_FIELDS:
            continue
        if value.area.kind == AreaKind.ENGLAND and row.england is None:
            row.england = Beside(value.area)
        names = AREA_FIELDS[AreaKind(value.area.kind)]
        figures = (value.value, value.numerator, value.denominator)
        row.initial.update({n: decimal_text(f) for n, f in zip(names, figures, strict=False)})
        if value.area.kind == AreaKind.LOCAL and value.variance is not None:
            row.initial["variance"] = decimal_text(value.variance)
        notes = [row.initial.get("note", ""), value.note]
        row.initial["note"] = "\n".join(dict.fromkeys(n for n in notes if n))
        if comments and value.review_comment:
            row.comment = "\n".join(
                dict.fromkeys(c for c in (row.comment, value.review_comment) if c)
            )
    _attach_approved(list(rows.values()))
    return sorted(rows.values(), key=lambda r: (r.measure.number, r.period))


def _attach_approved(rows: list[EntryRow]) -> None:
    """Give each area of each row its approved figure for the row's period, and the latest
    approved figure of an earlier period."""
    if not rows:
        return
    besides = [b for r in rows for b in (r.local, r.england) if b is not None]
    points: dict[tuple[int, int], list[tuple[Period, Decimal]]] = defaultdict(list)
    for point in DataPoint.objects.filter(
        is_current=True,
        measure_id__in={r.measure.pk for r in rows},
        area_id__in={b.area.pk for b in besides},
    ).select_related("period"):
        points[(point.measure_id, point.area_id)].append((point.period.period, point.value))
    for series in points.values():
        series.sort(key=lambda entry: entry[0])
    for row in rows:
        for beside in (row.local, row.england):
            if beside is None:
                continue
            series = points.get((row.measure.pk, beside.area.pk), [])
            earlier = [(p, v) for p, v in series if p < row.period]
            beside.previous = earlier[-1] if earlier else None
            if earlier and steps_between(earlier[-1][0], row.period) > 1:
                beside.gap = gap_text(earlier[-1][0], row.period)
            beside.approved = next((v for p, v in series if p == row.period), None)


# An upload's preview -------------------------------------------------------------------------


def preview_rank(status: str, *, warned: bool) -> int:
    """Where the preview lists a row: problems first (errors, then warnings), then changes, new
    and unchanged figures."""
    if status == "error":
        return 0
    return 1 if warned else {"changed": 2, "new": 3, "unchanged": 4}[status]


@dataclass(frozen=True, slots=True)
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
    #: The name of the measure the row names, when it is one of the user's (even in error).
    measure_name: str = ""

    @property
    def order(self) -> tuple[int, int]:
        return (preview_rank(self.status, warned=bool(self.warnings)), self.row)

    @classmethod
    def of(
        cls,
        raw: RawRow,
        clean: CleanValue | None,
        issues: list[Issue],
        measure: Measure | None,
    ) -> PreviewRow:
        errors = tuple(i for i in issues if i.level == "error")
        warnings = tuple(i for i in issues if i.level == "warning")
        name = measure.name if measure else ""
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
                measure_name=name,
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
            clean.measure.name,
        )


def staged_row(value: StagedValue) -> PreviewRow:
    """A staged value as its preview row (the value with its measure, area and period)."""
    places = value.measure.decimal_places
    return PreviewRow(
        value.row,
        str(value.measure.number),
        value.period.period.label,
        value.area.name,
        uk_number(value.value, places),
        value.status,
        uk_number(value.current, places) if value.status == RowStatus.CHANGED else "",
        (),
        tuple(
            Issue(value.row, w.get("field", "value"), w["message"], "warning")
            for w in value.warnings
        ),
        value.measure.name,
    )


class StagedRows(Sequence[PreviewRow]):
    """A confirmable upload's preview rows, in the preview's order, read from its staged values
    a page at a time: a large file's preview is never held whole, nor stored twice."""

    def __init__(self, upload_id: int, total: int) -> None:
        self.upload_id, self.total = upload_id, total

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[PreviewRow]:
        return iter(self[0 : self.total])  # one query, not one per row

    @overload
    def __getitem__(self, index: int) -> PreviewRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[PreviewRow]: ...
    def __getitem__(self, index: int | slice) -> PreviewRow | list[PreviewRow]:
        if isinstance(index, slice):
            start, stop, _ = index.indices(self.total)
            values = (
                StagedValue.objects.filter(upload_id=self.upload_id)
                .select_related("measure", "area", "period")
                .order_by("rank", "row")[start:stop]
            )
            return [staged_row(value) for value in values]
        if index < 0:
            index += self.total
        found = self[index : index + 1] if index >= 0 else []
        if not found:
            raise IndexError(index)
        return found[0]


@dataclass
class Preview:
    #: Every row, problems first; for a staged (confirmable) preview, read from its values.
    rows: Sequence[PreviewRow]
    general: list[Issue]
    counts: dict[str, int]
    #: For a file joining or replacing an open return: how many of its figures the file
    #: replaces, and how many of its other figures stay (joining) or go (replacing).
    replaced: int = 0
    untouched: int = 0
    #: Its rows are its upload's staged values (a file without errors), not kept here.
    staged: bool = False

    @property
    def total(self) -> int:
        """Rows with figures in the file."""
        return _total(self.counts)

    @property
    def has_errors(self) -> bool:
        return bool(self.counts["error"] or self.general)

    @property
    def worth_staging(self) -> bool:
        """Whether a preview could lead anywhere: some row is free of errors."""
        return not self.general and self.counts["error"] < self.total

    def as_json(self) -> dict[str, Any]:
        """The preview as stored; a confirmable one's rows are its staged values', not here."""

        def issues(found: Iterable[Issue]) -> list[list[Any]]:
            return [[i.row, i.field, i.message, i.level] for i in found]

        return {
            "staged": self.staged,
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
                    r.measure_name,
                ]
                for r in ([] if self.staged else self.rows)
            ],
            "general": issues(self.general),
            "counts": self.counts,
            "replaced": self.replaced,
            "untouched": self.untouched,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, upload_id: int) -> Preview:
        def issues(found: list[list[Any]]) -> tuple[Issue, ...]:
            return tuple(Issue(*i) for i in found)

        rows: Sequence[PreviewRow] = [
            PreviewRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], issues(r[7]), issues(r[8]), r[9])
            for r in data["rows"]
        ]
        return cls(
            StagedRows(upload_id, _total(data["counts"])) if data.get("staged") else rows,
            list(issues(data["general"])),
            data["counts"],
            data.get("replaced", 0),
            data.get("untouched", 0),
            bool(data.get("staged")),
        )


def _total(counts: dict[str, int]) -> int:
    """The rows a preview's counts cover (each row has one status; warnings overlap them)."""
    return sum(counts[status] for status in ("error", "changed", "new", "unchanged"))


def upload_preview(
    rows: Sequence[RawRow],
    result: ValidationResult,
    *,
    submission: Submission | None = None,
    staged: bool = False,
) -> Preview:
    """An uploaded file's rows, validated as `result`, each marked new, changed, unchanged or in
    error, problems first, with counts for the summary; with the open `submission` the file is
    meant for, how many of its figures the file's replace and how many it does not touch.

    With `staged` (a file without errors, whose values are staged) the rows are not built here:
    the preview's pages read them from the staged values."""
    by_row: dict[int, list[Issue]] = defaultdict(list)
    general = []
    for issue in result.issues:
        if issue.row is None:
            general.append(issue)
        else:
            by_row[issue.row].append(issue)
    counts = {"error": 0, "changed": 0, "new": 0, "unchanged": 0, "warning": 0}
    if staged:
        for value in result.values:
            counts[value.status] += 1
            counts["warning"] += bool(value.warnings)
        preview = Preview([], general, counts, staged=True)
    else:
        clean = {v.row: v for v in result.values}
        preview_rows = [
            PreviewRow.of(
                raw,
                None if raw.row in result.rows_with_errors else clean.get(raw.row),
                by_row.get(raw.row, []),
                result.measures.get(raw.row),
            )
            for raw in rows
        ]
        preview_rows.sort(key=lambda r: r.order)
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
                "variance": None,
                "measure_name": f"{measure.name} ({measure.unit})",
            }
            for area in areas
        )
    return records
