"""Reads for submissions: what a user may see, a data lead's home page, the rows of the entry form
and a submission's values beside the approved figures they would replace.

Each function issues a fixed number of queries, however many measures or values there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from portal.permissions import can
from scorecard.figures import decimal_text
from scorecard.models import Area, AreaKind, DataPoint, Measure
from scorecard.periods import Period, PeriodType, latest_ended
from scorecard.selectors import local_area
from submissions.models import AuditEvent, Status, Submission, SubmittedValue
from submissions.validation import CleanValue, Issue, RawRow, validate_rows

OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.SENT_BACK)
EDITABLE_STATUSES = (Status.DRAFT, Status.SENT_BACK)
#: How many recent periods of each type the entry form offers.
PERIOD_CHOICES = {
    PeriodType.MONTH: 12,
    PeriodType.CALENDAR_QUARTER: 8,
    PeriodType.FINANCIAL_QUARTER: 8,
    PeriodType.FINANCIAL_YEAR: 5,
    PeriodType.CALENDAR_YEAR: 5,
    PeriodType.MULTI_YEAR: 3,
}


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    """Approvers and admins see every return; a data lead their organisation's; others none."""
    queryset = Submission.objects.select_related("organisation", "created_by").annotate(
        value_count=Count("values")
    )
    if not can(user, "view_unapproved"):
        return queryset.none()
    if can(user, "review_submissions"):
        return queryset
    return queryset.filter(organisation_id=user.organisation_id)


def submission_for(user: Any, pk: int) -> Submission:
    """The submission if `user` may see it; 404 otherwise, so outsiders cannot tell it exists."""
    submission = (
        Submission.objects.select_related("organisation", "created_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if submission is None or not can(user, "view_submission", submission):
        raise Http404("No such submission.")
    return submission


def organisation_submissions(organisation_id: int) -> QuerySet[Submission]:
    """An organisation's returns, newest first, with how many values each holds."""
    return (
        Submission.objects.filter(organisation_id=organisation_id)
        .select_related("created_by")
        .annotate(value_count=Count("values"))
        .order_by("-created_at", "-id")
    )


# A data lead's home page ---------------------------------------------------------------------


@dataclass
class MeasureStatus:
    measure: Measure
    latest_value: Decimal | None = None
    latest_period: Period | None = None
    due: Period | None = None
    open_submission: Submission | None = None
    open_submission_count: int = 0


def measure_statuses(organisation_id: int, today: date) -> list[MeasureStatus]:
    """Each of the organisation's measures with its latest approved local figure, the period
    now due (the latest ended one, when it has no approved figure) and its newest open return."""
    measures = list(
        Measure.objects.filter(organisation_id=organisation_id, active=True).order_by("number")
    )
    area = local_area()
    approved: dict[int, list[Period]] = defaultdict(list)
    latest: dict[int, tuple[Period, Decimal]] = {}
    if area is not None:
        for point in DataPoint.objects.filter(
            measure__in=measures, area=area, is_current=True
        ).select_related("period"):
            period = point.period.period
            approved[point.measure_id].append(period)
            if point.measure_id not in latest or latest[point.measure_id][0] < period:
                latest[point.measure_id] = (period, point.value)
    open_by_measure: dict[int, list[int]] = defaultdict(list)
    pairs = (
        SubmittedValue.objects.filter(
            submission__organisation_id=organisation_id, submission__status__in=OPEN_STATUSES
        )
        .values_list("measure_id", "submission_id")
        .distinct()
    )
    for measure_id, submission_id in pairs:
        open_by_measure[measure_id].append(submission_id)
    submissions = Submission.objects.in_bulk({pk for ids in open_by_measure.values() for pk in ids})
    statuses = []
    for measure in measures:
        status = MeasureStatus(measure)
        if measure.pk in latest:
            status.latest_period, status.latest_value = latest[measure.pk]
        due = latest_ended(measure.periods_of, today)
        if due not in approved.get(measure.pk, []):
            status.due = due
        ids = open_by_measure.get(measure.pk, [])
        if ids:
            status.open_submission = submissions[max(ids)]
            status.open_submission_count = len(ids)
        statuses.append(status)
    return statuses


def period_choices(organisation_id: int, today: date) -> list[tuple[str, list[Period]]]:
    """Recent ended periods of each type the organisation reports, newest first, for the form."""
    types = (
        Measure.objects.filter(organisation_id=organisation_id, active=True)
        .values_list("period_type", flat=True)
        .distinct()
    )
    choices = []
    for period_type in sorted({PeriodType(t) for t in types}, key=list(PeriodType).index):
        period = latest_ended(period_type, today)
        periods = [period]
        for _ in range(PERIOD_CHOICES[period_type] - 1):
            periods.append(periods[-1].previous())
        choices.append((period_type.value, periods))
    return choices


# The entry form ------------------------------------------------------------------------------


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


# A submission's page -------------------------------------------------------------------------


@dataclass
class ValueView:
    """A submitted value with the approved figure it would replace, for display."""

    value: SubmittedValue
    period: Period
    current: Decimal | None

    @property
    def is_correction(self) -> bool:
        if self.value.data_point_id is not None:
            return self.value.data_point is not None and self.value.data_point.version > 1
        return self.current is not None and self.current != self.value.value

    @property
    def unchanged(self) -> bool:
        return self.value.data_point_id is None and self.current == self.value.value


def submission_values(submission: Submission) -> list[ValueView]:
    """The submission's values in row order, each beside the current approved figure."""
    values = list(
        submission.values.select_related("measure", "area", "period", "data_point").order_by("row")
    )
    current: dict[tuple[int, int, int], Decimal] = {}
    if values:
        for measure_id, area_id, period_id, value in DataPoint.objects.filter(
            is_current=True,
            measure_id__in={v.measure_id for v in values},
            period_id__in={v.period_id for v in values},
        ).values_list("measure_id", "area_id", "period_id", "value"):
            current[(measure_id, area_id, period_id)] = value
    return [
        ValueView(v, v.period.period, current.get((v.measure_id, v.area_id, v.period_id)))
        for v in values
    ]


def submission_events(submission: Submission) -> QuerySet[AuditEvent]:
    return submission.events.select_related("actor").order_by("at", "id")


def stored_rows(submission: Submission) -> list[RawRow]:
    """The submission's values as raw rows, to run them through the validator again."""
    return [
        RawRow(
            v.row,
            {
                "measure": str(v.measure.number),
                "period": v.period.label,
                "area": v.area.name,
                "value": decimal_text(v.value),
                "numerator": decimal_text(v.numerator),
                "denominator": decimal_text(v.denominator),
                "note": v.note,
            },
        )
        for v in submission.values.select_related("measure", "area", "period").order_by("row")
    ]


# An upload's preview -------------------------------------------------------------------------


@dataclass
class PreviewRow:
    """One row of an uploaded file as the preview shows it."""

    raw: RawRow
    clean: CleanValue | None
    errors: list[Issue]
    warnings: list[Issue]

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

    @property
    def has_errors(self) -> bool:
        return bool(self.counts["error"] or self.general)


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
        PreviewRow(
            raw,
            None if raw.row in result.rows_with_errors else clean.get(raw.row),
            [i for i in by_row.get(raw.row, []) if i.level == "error"],
            [i for i in by_row.get(raw.row, []) if i.level == "warning"],
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
