"""Reads for submissions: who may see which returns, the periods a data lead can pick, a return's
values beside the approved figures they are judged against, and the approver's queue with recent
decisions. (The entry form's rows, upload previews and templates are in
`submissions.entry_selectors`; what is due from whom is in `collection.selectors`.)

Each function issues a fixed number of queries, however many measures or values there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.permissions import can
from scorecard import figures
from scorecard.figures import decimal_text
from scorecard.models import DataPoint, Measure
from scorecard.periods import Period, PeriodType, latest_ended
from scorecard.selectors import local_area
from submissions.models import (
    EDITABLE_STATUSES,
    StagedValue,
    Status,
    Submission,
    SubmittedValue,
)
from submissions.validation import RawRow

#: How many recent periods of each type the entry form offers, whether or not they are missing.
PERIOD_CHOICES = {
    PeriodType.MONTH: 12,
    PeriodType.CALENDAR_QUARTER: 8,
    PeriodType.FINANCIAL_QUARTER: 8,
    PeriodType.FINANCIAL_YEAR: 5,
    PeriodType.CALENDAR_YEAR: 5,
    PeriodType.MULTI_YEAR: 3,
}
#: How far back the entry form looks for periods that still lack a figure.
MISSING_LOOKBACK_YEARS = 10


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


def editable_returns(organisation_id: int, limit: int = 5) -> QuerySet[Submission]:
    """The organisation's newest returns still open to change (a file can be added to them)."""
    return organisation_submissions(organisation_id).filter(status__in=EDITABLE_STATUSES)[:limit]


def period_choices(organisation_id: int, today: date) -> list[tuple[str, list[Period]]]:
    """The ended periods a data lead can pick, newest first, by period type: the recent ones
    (a correction is one click away) and every earlier period that still lacks a figure for one
    of the organisation's measures, back to the earliest period they hold, at most
    MISSING_LOOKBACK_YEARS years ago. Any other ended period can still be typed on the form."""
    measures: dict[PeriodType, set[int]] = defaultdict(set)
    for pk, period_type in Measure.objects.filter(
        organisation_id=organisation_id, active=True
    ).values_list("pk", "period_type"):
        measures[PeriodType(period_type)].add(pk)
    held: dict[Period, set[int]] = defaultdict(set)
    area = local_area()
    if area is not None:
        for measure_id, period_type, start, end in DataPoint.objects.filter(
            measure__organisation_id=organisation_id, area=area, is_current=True
        ).values_list("measure_id", "period__period_type", "period__start", "period__end"):
            held[Period(PeriodType(period_type), start, end)].add(measure_id)
    floor = date(today.year - MISSING_LOOKBACK_YEARS, today.month, 1)
    choices = []
    for period_type in sorted(measures, key=list(PeriodType).index):
        earliest = min((p for p in held if p.type is period_type), default=None)
        periods: list[Period] = []
        period = latest_ended(period_type, today)
        while period.start >= floor:
            recent = len(periods) < PERIOD_CHOICES[period_type]
            if not recent and (earliest is None or period < earliest):
                break
            if recent or measures[period_type] - held.get(period, set()):
                periods.append(period)
            period = period.previous()
        choices.append((period_type.value, periods))
    return choices


# A return's values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueLine:
    """A submitted value beside the approved figures it is judged against.

    `replaces` is the same period's approved figure before it (for a value already approved, the
    version it replaced); `previous` is the latest approved figure of an earlier period. The
    submission page, the review page and the API all read values through this.
    """

    value: SubmittedValue
    replaces: DataPoint | None
    previous: DataPoint | None

    @property
    def period(self) -> Period:
        return self.value.period.period

    @property
    def places(self) -> int:
        return self.value.measure.decimal_places

    @property
    def is_correction(self) -> bool:
        return figures.is_correction(self.replaces, self.value)

    @property
    def unchanged(self) -> bool:
        """The same figure as the approved one it would replace."""
        return self.replaces is not None and not self.is_correction

    @property
    def compared_with(self) -> DataPoint | None:
        """What the change is measured from: the figure replaced, else the previous period's."""
        return self.replaces or self.previous

    @property
    def warnings(self) -> list[str]:
        """The value's warnings as written for its data lead."""
        return [warning_text(w) for w in self.value.warnings or []]

    @property
    def review_warnings(self) -> list[str]:
        """The value's warnings as written for the approver."""
        return [warning_text(w, reviewer=True) for w in self.value.warnings or []]

    @property
    def change(self) -> Decimal | None:
        base = self.compared_with
        return None if base is None else self.value.value - base.value

    @property
    def change_percent(self) -> Decimal | None:
        base, change = self.compared_with, self.change
        if base is None or change is None or base.value == 0:
            return None
        return change / base.value * 100


def value_lines(submission: Submission) -> list[ValueLine]:
    """The return's values in row order, each with the approved figures it is judged against.
    Two queries however many values there are."""
    values = list(
        submission.values.select_related("measure", "area", "period", "data_point").order_by(
            "row", "pk"
        )
    )
    if not values:
        return []
    own = {v.data_point_id for v in values if v.data_point_id}
    points: dict[tuple[int, int], list[DataPoint]] = defaultdict(list)
    for point in (
        DataPoint.objects.filter(
            measure_id__in={v.measure_id for v in values},
            area_id__in={v.area_id for v in values},
        )
        .exclude(pk__in=own)
        .select_related("period", "approved_by")
        .order_by("period__end", "version")
    ):
        points[(point.measure_id, point.area_id)].append(point)
    return [_line(v, points[(v.measure_id, v.area_id)]) for v in values]


def _line(value: SubmittedValue, history: list[DataPoint]) -> ValueLine:
    same = [p for p in history if p.period_id == value.period_id]
    if value.data_point is not None:
        # Already approved: judged against the version it replaced, not later corrections.
        same = [p for p in same if p.version < value.data_point.version]
    else:
        same = [p for p in same if p.is_current]
    earlier = [p for p in history if p.is_current and p.period.end < value.period.end]
    return ValueLine(value, same[-1] if same else None, earlier[-1] if earlier else None)


def stored_rows(values: QuerySet[SubmittedValue] | QuerySet[StagedValue]) -> list[RawRow]:
    """Stored values (a return's or a staged upload's) as raw rows, to validate them again."""
    return [row for row, _ in rows_with_keys(values)]


def rows_with_keys(
    values: QuerySet[SubmittedValue] | QuerySet[StagedValue],
) -> list[tuple[RawRow, tuple[int, int, Period]]]:
    """Stored values as the raw rows a file would give, in the words the validator reads, each
    with its (measure, area, period) key, in row order."""
    return [
        (
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
                    "variance": decimal_text(v.variance),
                },
            ),
            (v.measure_id, v.area_id, v.period.period),
        )
        for v in values.select_related("measure", "area", "period").order_by("row")
    ]


# The approver's queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueEntry:
    submission: Submission
    value_count: int
    warning_count: int
    prepared_by_you: bool
    periods: list[Period]
    days_waiting: int

    @property
    def clean(self) -> bool:
        return self.warning_count == 0

    @property
    def period_labels(self) -> str:
        """The periods the return covers, oldest first ("Sept 26, Oct 26")."""
        return ", ".join(p.label for p in self.periods)


def approval_queue(*, for_user: Any, today: date) -> list[QueueEntry]:
    """Submitted returns, oldest first, with their counts, the periods they cover and how many
    days they have waited since submitted; three queries however many there are."""
    submissions = list(
        Submission.objects.filter(status=Status.SUBMITTED)
        .select_related("organisation", "created_by")
        .annotate(value_count=Count("values"))
        .order_by("submitted_at", "pk")
    )
    ids = [s.pk for s in submissions]
    warnings: dict[int, int] = defaultdict(int)
    periods: dict[int, set[Period]] = defaultdict(set)
    for submission_id, items, kind, start, end in SubmittedValue.objects.filter(
        submission_id__in=ids
    ).values_list(
        "submission_id", "warnings", "period__period_type", "period__start", "period__end"
    ):
        warnings[submission_id] += len(items or [])
        periods[submission_id].add(Period(PeriodType(kind), start, end))
    edited = set(
        Submission.objects.filter(pk__in=ids, editors=for_user).values_list("pk", flat=True)
    )
    return [
        QueueEntry(
            submission=s,
            value_count=s.value_count,
            warning_count=warnings[s.pk],
            prepared_by_you=s.created_by_id == for_user.pk or s.pk in edited,
            periods=sorted(periods[s.pk]),
            days_waiting=max(0, (today - timezone.localtime(s.submitted_at).date()).days)
            if s.submitted_at
            else 0,
        )
        for s in submissions
    ]


def recent_decisions(limit: int = 10) -> QuerySet[Submission]:
    """The latest returns approved or sent back, newest decision first."""
    return (
        Submission.objects.filter(
            status__in=[Status.APPROVED, Status.SENT_BACK], decided_at__isnull=False
        )
        .select_related("organisation", "created_by", "decided_by")
        .annotate(value_count=Count("values"))
        .order_by("-decided_at", "-pk")[:limit]
    )


def warning_text(warning: object, *, reviewer: bool = False) -> str:
    """A stored warning as a sentence for the data lead, or with `reviewer` for the approver
    (warnings stored before they had a reviewer's wording give the lead's)."""
    if isinstance(warning, dict):
        text = warning.get("review") if reviewer else None
        return str(text or warning.get("message") or warning.get("text") or warning)
    return str(warning)
