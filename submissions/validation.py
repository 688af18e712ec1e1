"""The one validator of partners' figures, used by the form, the upload, the API and
`import_values`, so that the four can never disagree about what is acceptable.

Input: rows (a row number and the raw fields as typed, uploaded or posted) and the user; output:
clean values plus a list of issues, each naming the row, the field and the reason. Errors refuse
the whole submission; warnings are allowed but need a note before the return is submitted.

Everything the checks need (measures, areas, periods, current approved values and recent history)
is loaded once per call, so the number of queries does not grow with the number of rows. The
warnings' rules are in `submissions.warnings`; the checks stay together here (about 550 lines)
on purpose, as one checker whose parts share what it has loaded, so no channel can skip a part.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.utils import timezone

from portal.bulk import collector_paused
from portal.permissions import can
from portal.text import CELL_MAX_LENGTH, NOTE_MAX_LENGTH, text_problem, unstorable
from scorecard import figures
from scorecard.figures import (
    MAX_MAGNITUDE,
    FigureError,
    at_precision,
    cell_text,
    read_figure,
    uk_date,
    uk_number,
)
from scorecard.methods import RATIO_KINDS, ValueKind
from scorecard.models import Area, AreaKind, DataPoint, Measure
from scorecard.periods import (
    PERIOD_TYPE_LABELS,
    Period,
    PeriodError,
    PeriodType,
    latest_ended,
    parse_period,
)
from submissions.models import RowStatus
from submissions.warnings import FigureWarning, figure_warnings, history_start

#: The long format's columns, in the contract's order; `variance` (a directly standardised
#: rate's, for Dobson's interval) is optional and comes last.
FIELDS: tuple[str, ...] = (
    "measure",
    "period",
    "area",
    "value",
    "numerator",
    "denominator",
    "note",
    "variance",
)
#: Columns a file must have; the others may be left out and then count as blank.
REQUIRED_COLUMNS: tuple[str, ...] = ("measure", "period", "value")
#: The columns that carry a figure: a row with all of them blank has no figure in it.
FIGURE_FIELDS: tuple[str, ...] = ("value", "numerator", "denominator", "note")

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with one field of one row; `row` is None for a problem with the whole input."""

    row: int | None
    field: str
    message: str
    level: Level = "error"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as received: fields keyed by the long format's column names, values as given."""

    row: int
    fields: Mapping[str, Any]

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    @property
    def is_blank(self) -> bool:
        """No figure in it: value, numerator, denominator and note all blank (a template row,
        or a form row left empty). Every channel leaves such rows out rather than refuse them."""
        return all(cell_text(self.fields.get(name)) == "" for name in FIGURE_FIELDS)


@dataclass(slots=True)
class CleanValue:
    """A row that passed every check, with what the preview and the approver need beside it."""

    row: int
    measure: Measure
    area: Area
    period: Period
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    note: str
    variance: Decimal | None = None
    #: The current approved figure for the same measure, area and period, if there is one.
    approved: DataPoint | None = None
    #: The latest approved figure for an earlier period, to show beside the new one.
    previous: Decimal | None = None
    previous_period: Period | None = None
    warnings: list[FigureWarning] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int, Period]:
        return (self.measure.pk, self.area.pk, self.period)

    @property
    def current(self) -> Decimal | None:
        """The approved value this figure would replace."""
        return self.approved.value if self.approved else None

    @property
    def status(self) -> RowStatus:
        if self.approved is None:
            return RowStatus.NEW
        return RowStatus.CHANGED if self.is_correction else RowStatus.UNCHANGED

    @property
    def is_correction(self) -> bool:
        return figures.is_correction(self.approved, self)


@dataclass
class ValidationResult:
    values: list[CleanValue]
    issues: list[Issue]
    #: Rows that had errors (their values are not in `values`).
    rows_with_errors: set[int] = field(default_factory=set)
    #: The measure each row named, where it is one the user may submit (errors or not).
    measures: dict[int, Measure] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


# Raw field readers --------------------------------------------------------------------------


def _number(raw: Any, label: str) -> tuple[Decimal | None, str | None]:
    """Read a figure: (number, None), (None, None) when blank, or (None, the problem)."""
    try:
        return read_figure(raw, label), None
    except FigureError as exc:
        return None, str(exc)


def _kind_name(period_type: PeriodType) -> str:
    text = PERIOD_TYPE_LABELS[period_type]
    return text[0].lower() + text[1:]


# The validator ------------------------------------------------------------------------------


@dataclass
class _Catalogue:
    """Everything about measures and areas the checks need, loaded once."""

    by_number: dict[int, Measure]
    by_code: dict[str, Measure]
    areas: dict[str, Area]
    local: Area | None

    @classmethod
    def load(cls) -> _Catalogue:
        measures = list(Measure.objects.select_related("organisation"))
        areas = list(Area.objects.all())
        return cls(
            by_number={m.number: m for m in measures},
            by_code={m.code.casefold(): m for m in measures},
            areas={a.name.casefold(): a for a in areas},
            local=next((a for a in areas if a.kind == AreaKind.LOCAL), None),
        )

    def measure(self, text: str) -> Measure | None:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return self.by_code.get(text.casefold())
        # Bounded before int(): int() of "1e1000000" builds a million-digit number, slowly.
        if (
            number.is_finite()
            and number.copy_abs() < MAX_MAGNITUDE
            and number == number.to_integral_value()
        ):
            return self.by_number.get(int(number))
        return None


@dataclass(slots=True)
class _Parsed:
    """A row after the checks that need no history; `value` etc. are None where they failed."""

    raw: RawRow
    measure: Measure | None = None
    area: Area | None = None
    period: Period | None = None
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    variance: Decimal | None = None
    note: str = ""
    failed: bool = False


class _Checker:
    def __init__(self, user: Any, today: date) -> None:
        self.user = user
        self.today = today
        self.organisation = getattr(user, "organisation", None)
        self.catalogue = _Catalogue.load()
        self.issues: list[Issue] = []
        self._periods: dict[tuple[str, PeriodType | None], Period | PeriodError] = {}
        self._measures: dict[str, tuple[Measure | None, str | None]] = {}

    def error(self, row: int, name: str, message: str) -> None:
        self.issues.append(Issue(row, name, message, "error"))

    def parse(self, raw: RawRow) -> _Parsed:
        parsed = _Parsed(raw)
        before = len(self.issues)
        if not self._storable(raw):
            parsed.failed = True
            return parsed
        parsed.measure = self._measure(raw)
        parsed.area = self._area(raw)
        parsed.period = self._period(raw, parsed.measure)
        parsed.value, parsed.numerator, parsed.denominator = self._figures(raw, parsed.measure)
        parsed.variance = self._variance(raw, parsed.measure, parsed.numerator)
        parsed.note = cell_text(raw.fields.get("note"))  # its length is checked with the others
        parsed.failed = len(self.issues) > before
        return parsed

    def _storable(self, raw: RawRow) -> bool:
        """Whether each text field can be stored and is within its length."""
        texts = [v for v in raw.fields.values() if isinstance(v, str)]
        if max(map(len, texts), default=0) <= CELL_MAX_LENGTH and not unstorable("".join(texts)):
            return True  # the usual row, checked at once: the note's limit is the longer one
        ok = True
        for name in FIELDS:
            value = raw.fields.get(name)
            if not isinstance(value, str):
                continue
            limit = NOTE_MAX_LENGTH if name == "note" else CELL_MAX_LENGTH
            problem = text_problem(name, value, limit)
            if problem:
                self.error(raw.row, name, problem)
                ok = False
        return ok

    def _measure(self, raw: RawRow) -> Measure | None:
        text = cell_text(raw.fields.get("measure"))
        if text not in self._measures:
            self._measures[text] = self._judge_measure(text)
        measure, problem = self._measures[text]
        if problem:
            self.error(raw.row, "measure", problem)
        return measure

    def _judge_measure(self, text: str) -> tuple[Measure | None, str | None]:
        """The measure `text` names if the user may submit it, else why not; judged once per
        distinct text, as a large file names the same measures again and again."""
        if not text:
            return None, "Enter the measure's number or code."
        measure = self.catalogue.measure(text)
        if measure is None:
            return None, f"'{text}' is not the number or code of a measure we know."
        if not can(self.user, "submit_for_measure", measure):
            owner = measure.organisation.short_name if measure.organisation else "no organisation"
            yours = self.organisation.short_name if self.organisation else "your organisation"
            return None, (
                f"Measure {measure.number} is the responsibility of {owner}, not {yours}: "
                "you can only submit figures for your organisation's measures."
            )
        if not measure.active:
            return None, f"Measure {measure.number} is no longer collected."
        return measure, None

    def _area(self, raw: RawRow) -> Area | None:
        text = cell_text(raw.fields.get("area"))
        local = self.catalogue.local
        if not text:
            if local is None:
                self.error(raw.row, "area", "There is no local area yet: name the area.")
            return local
        area = self.catalogue.areas.get(text.casefold())
        if area is None:
            leave = f"leave it blank for {local.name}" if local else "leave it blank"
            message = f"'{text}' is not an area we know: {leave} or write England."
            self.error(raw.row, "area", message)
        return area

    def _period(self, raw: RawRow, measure: Measure | None) -> Period | None:
        """The row's period; without a known measure only the label itself can be checked."""
        text = cell_text(raw.fields.get("period"))
        expected = measure.periods_of if measure else None
        if not text:
            example = latest_ended(expected, self.today).label if expected else "Oct 23"
            self.error(raw.row, "period", f"Enter the period, as in '{example}'.")
            return None
        key = (text, expected)
        if key not in self._periods:
            try:
                self._periods[key] = parse_period(text, expected)
            except PeriodError as exc:
                self._periods[key] = exc
        period = self._periods[key]
        if isinstance(period, PeriodError):
            self.error(raw.row, "period", str(period))
            return None
        if measure is not None and period.type is not measure.periods_of:
            example = latest_ended(measure.periods_of, self.today).label
            self.error(
                raw.row,
                "period",
                f"Measure {measure.number} is reported by {_kind_name(measure.periods_of)}, so "
                "the period "
                f"must be one, as in '{example}'; '{text}' is a {_kind_name(period.type)}.",
            )
            return None
        if not period.has_ended(self.today):
            opens = period.end + timedelta(days=1)
            self.error(
                raw.row,
                "period",
                f"{period.label} has not ended yet: its figures can be submitted from "
                f"{uk_date(opens)}.",
            )
            return None
        return period

    def _figures(
        self, raw: RawRow, measure: Measure | None
    ) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        row = raw.row
        value, problem = _number(raw.fields.get("value"), "value")
        if problem:
            self.error(row, "value", problem)
        elif value is None:
            self.error(
                row, "value", "Enter the value, or leave the whole row blank if you have no figure."
            )
        numerator, problem = _number(raw.fields.get("numerator"), "numerator")
        if problem:
            self.error(row, "numerator", problem)
        denominator, problem = _number(raw.fields.get("denominator"), "denominator")
        if problem:
            self.error(row, "denominator", problem)
        if numerator is not None and numerator < 0:
            self.error(row, "numerator", "The numerator cannot be negative.")
            numerator = None
        if denominator is not None and denominator <= 0:
            self.error(row, "denominator", "The denominator must be more than 0.")
            denominator = None
        if (numerator is None) != (denominator is None):
            missing = "denominator" if denominator is None else "numerator"
            if not self._has_error(row, missing):
                self.error(row, missing, f"Give the {missing} too, or leave both blank.")
        if measure is None or value is None:
            return value, numerator, denominator
        self._check_kind(row, measure, value)
        if numerator is not None and denominator is not None:
            self._check_ratio(row, measure, value, numerator, denominator)
        return value, numerator, denominator

    def _variance(
        self, raw: RawRow, measure: Measure | None, numerator: Decimal | None
    ) -> Decimal | None:
        """A directly standardised rate's variance: with its event count (the numerator) it
        gives the rate's confidence interval by Dobson's method; other measures have none."""
        variance, problem = _number(raw.fields.get("variance"), "variance")
        if problem:
            self.error(raw.row, "variance", problem)
            return None
        if variance is None or measure is None:
            return variance
        if measure.kind is not ValueKind.DSR:
            self.error(
                raw.row,
                "variance",
                f"Measure {measure.number} is not a directly standardised rate: leave the "
                "variance blank.",
            )
        elif variance < 0:
            self.error(raw.row, "variance", "The variance cannot be negative.")
        elif numerator is None and not self._has_error(raw.row, "numerator"):
            self.error(
                raw.row,
                "numerator",
                "Give the number of events as the numerator (and the population as the "
                "denominator) with the variance.",
            )
        return variance

    def _has_error(self, row: int, name: str) -> bool:
        return any(i.row == row and i.field == name for i in self.issues)

    def _check_kind(self, row: int, measure: Measure, value: Decimal) -> None:
        kind = measure.kind
        if kind in (ValueKind.COUNT, ValueKind.VOLUME, *RATIO_KINDS) and value < 0:
            self.error(row, "value", f"A {kind.noun} cannot be negative: {uk_number(value)}.")
        elif kind is ValueKind.COUNT and value != value.to_integral_value():
            message = (
                f"Measure {measure.number} is a count: {uk_number(value)} is not a whole number."
            )
            self.error(row, "value", message)
        elif kind is ValueKind.PERCENTAGE and value > (measure.multiplier or 100):
            top = uk_number(measure.multiplier or 100)
            message = f"A proportion per {top} must be between 0 and {top}, not {uk_number(value)}."
            self.error(row, "value", message)

    def _check_ratio(
        self, row: int, measure: Measure, value: Decimal, numerator: Decimal, denominator: Decimal
    ) -> None:
        """The numerator is a part of the denominator (events among people) and the value follows
        from them at the measure's multiplier; a standardised rate does not, being weighted."""
        kind = measure.kind
        if kind in RATIO_KINDS and numerator > denominator:
            self.error(
                row,
                "numerator",
                f"The numerator ({uk_number(numerator)}) cannot be larger than the denominator "
                f"({uk_number(denominator)}).",
            )
            return
        if kind in (ValueKind.PERCENTAGE, ValueKind.RATE):
            if measure.multiplier is None:
                return
            multiplier = Decimal(measure.multiplier)
        elif kind in (ValueKind.AVERAGE, ValueKind.OTHER):
            multiplier = Decimal(1)
        else:
            return
        expected = numerator / denominator * multiplier
        places = measure.decimal_places
        tolerance = Decimal(1).scaleb(-places)
        if abs(at_precision(value, places) - at_precision(expected, places)) > tolerance:
            ratio = kind in (ValueKind.PERCENTAGE, ValueKind.RATE)
            how = f" × {uk_number(measure.multiplier)}" if ratio else ""
            self.error(
                row,
                "value",
                f"The value {uk_number(value)} does not match the numerator and denominator: "
                f"{uk_number(numerator)} ÷ {uk_number(denominator)}{how} = "
                f"{uk_number(expected, places + 1)}.",
            )


@collector_paused()
def validate_rows(
    rows: Sequence[RawRow],
    *,
    user: Any,
    today: date | None = None,
    require_notes: bool = False,
) -> ValidationResult:
    """Check every row and return the clean values and the issues, errors and warnings alike.

    With `require_notes` (at submit time) a warning on a value without a note is an error.
    """
    today = today or timezone.localdate()
    if not rows:
        return ValidationResult(
            [], [Issue(None, "values", "There are no figures to save: enter at least one value.")]
        )
    checker = _Checker(user, today)
    parsed = [checker.parse(raw) for raw in rows]

    seen: dict[tuple[int, int, Period], int] = {}
    for item in parsed:
        if item.measure is None or item.area is None or item.period is None:
            continue
        key = (item.measure.pk, item.area.pk, item.period)
        first = seen.setdefault(key, item.raw.row)
        if first != item.raw.row:
            checker.error(
                item.raw.row,
                "period",
                f"Measure {item.measure.number}, {item.area.name}, {item.period.label} appears "
                f"twice: it is also in row {first}. Give each figure once.",
            )
            item.failed = True

    good = [p for p in parsed if not p.failed]
    history = _History.load(good)
    values: list[CleanValue] = []
    for item in good:
        assert item.measure and item.area and item.period and item.value is not None
        clean = CleanValue(
            row=item.raw.row,
            measure=item.measure,
            area=item.area,
            period=item.period,
            value=item.value,
            numerator=item.numerator,
            denominator=item.denominator,
            variance=item.variance,
            note=item.note,
        )
        clean.warnings = figure_warnings(
            clean.measure,
            clean.period,
            clean.value,
            history.fill(clean),
            numerator=clean.numerator,
            local=clean.area.kind == AreaKind.LOCAL,
        )
        for warning in clean.warnings:
            checker.issues.append(Issue(clean.row, "value", warning.lead, "warning"))
        if require_notes and not clean.note:
            missing = _missing_note(clean)
            if missing:
                checker.error(clean.row, "note", missing)
        values.append(clean)
    issues = checker.issues
    if issues:  # in the rows' order, problems with the whole input first
        order = {raw.row: index for index, raw in enumerate(rows)}
        issues.sort(key=lambda i: -1 if i.row is None else order.get(i.row, -1))
    failed = {i.row for i in issues if i.level == "error" and i.row is not None}
    measures = {p.raw.row: p.measure for p in parsed if p.measure is not None}
    return ValidationResult(values, issues, failed, measures)


def _missing_note(clean: CleanValue) -> str | None:
    """Why a value needs a note before it is submitted: a warning to explain, or the reason for
    correcting an approved figure (shown to the approver and kept in the history)."""
    if clean.is_correction:
        places = clean.measure.decimal_places
        change = (
            f"this changes the approved figure for {clean.period.label} from "
            f"{uk_number(clean.current, places)} to {uk_number(clean.value, places)}"
        )
        if clean.warnings:
            return f"Add a note: {change}, and it has a warning. Give the reason and explain it."
        return f"Give the reason for the correction in the note: {change}."
    if clean.warnings:
        return (
            "Add a note: this value has a warning, and a value with a warning needs a note "
            "explaining it before the return can be submitted."
        )
    return None


class _History:
    """Current approved figures of the measures and areas in the rows, from one query, kept
    sorted by period so each row finds its own period and the ones before it by bisection."""

    def __init__(self, points: Iterable[DataPoint]) -> None:
        grouped: dict[tuple[int, int], list[tuple[Period, DataPoint]]] = defaultdict(list)
        for point in points:
            grouped[(point.measure_id, point.area_id)].append((point.period.period, point))
        self.periods: dict[tuple[int, int], list[Period]] = {}
        self.points: dict[tuple[int, int], list[DataPoint]] = {}
        for key, entries in grouped.items():
            entries.sort(key=lambda entry: entry[0])
            self.periods[key] = [period for period, _ in entries]
            self.points[key] = [point for _, point in entries]

    @classmethod
    def load(cls, rows: Iterable[_Parsed]) -> _History:
        rows = list(rows)
        measure_ids = {r.measure.pk for r in rows if r.measure}
        area_ids = {r.area.pk for r in rows if r.area}
        if not (measure_ids and area_ids):
            return cls([])
        return cls(
            DataPoint.objects.filter(
                is_current=True, measure_id__in=measure_ids, area_id__in=area_ids
            ).select_related("period")
        )

    def fill(self, clean: CleanValue) -> list[tuple[Period, Decimal]]:
        """Set the value's current and previous approved figures; return the history its
        warnings judge it against (oldest first): the approved figures within its window of
        consecutive periods before its own, or, when there are none, the latest before it."""
        key = (clean.measure.pk, clean.area.pk)
        periods = self.periods.get(key, [])
        points = self.points.get(key, [])
        index = bisect_left(periods, clean.period)
        if index < len(periods) and periods[index] == clean.period:
            clean.approved = points[index]
        if index == 0:
            return []
        clean.previous_period, clean.previous = periods[index - 1], points[index - 1].value
        start = min(bisect_left(periods, history_start(clean.period)), index - 1)
        return [(periods[i], points[i].value) for i in range(start, index)]
