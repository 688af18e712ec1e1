"""Reads for the collection: the returns tracker (organisation, measure and period, with its due
date and status), a data lead's view of it grouped by what to do next, the board's freshness
panel, completeness and timeliness, and what reminders and digests would say.

Everything is built from one tracker read (`returns`), a fixed handful of queries however many
measures and periods there are, so every page, e-mail and the API agree on every status.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Case, Max, Min, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Organisation
from collection.completeness import Completeness, Expected, completeness
from collection.due import (
    RECEIVED_STATUSES,
    ReturnStatus,
    Schedule,
    return_status,
)
from collection.models import EmailPreferences
from scorecard.models import AreaKind, DataPoint, Measure
from scorecard.periods import Period, PeriodType
from submissions.models import OPEN_STATUSES, Submission, SubmittedValue


@dataclass(frozen=True)
class ReturnRow:
    """One organisation's return of one measure for one period.

    `submission` is the open return holding the figure (the newest, when there are several);
    `received_on` is when a figure first reached the approvers (the return's submission, or the
    approval of a figure that came another way); `tracked` is False for a period outside the
    last twelve months that is listed only because a return for it is open.
    """

    organisation: Organisation
    measure: Measure
    period: Period
    due_date: date
    status: ReturnStatus
    days_to_due: int
    approved: bool
    received_on: date | None
    submission: Submission | None
    tracked: bool = True
    awaiting_until: date | None = None

    @property
    def received(self) -> bool:
        return self.status in RECEIVED_STATUSES

    @property
    def overdue(self) -> bool:
        """Past its due date with no figure sent for approval (drafts and sent-back returns
        included): what the lead is chased for."""
        return self.days_to_due < 0 and not self.received and not self.approved

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_to_due)

    @property
    def expected(self) -> bool:
        """A period whose due date has passed within the last twelve months: it counts towards
        completeness and timeliness."""
        return self.tracked and self.days_to_due < 0

    @property
    def enterable(self) -> bool:
        """The lead starts a new return for it (no open one, nothing approved)."""
        return self.submission is None and not self.approved

    @property
    def sort_key(self) -> tuple[str, int, date]:
        return (self.organisation.name, self.measure.number, self.period.end)


def _local_date(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localtime(moment).date()


def returns(
    *,
    today: date,
    organisation_id: int | None = None,
    measures: QuerySet[Measure] | None = None,
) -> list[ReturnRow]:
    """The tracker: each active measure that has a responsible organisation, for each period
    tracked (collection.due.Schedule.tracked) or with an open return, newest period first within
    each measure. Four queries, each returning a row per measure and period at most."""
    chosen = measures if measures is not None else Measure.objects.all()
    chosen = chosen.filter(active=True, organisation__isnull=False)
    if organisation_id is not None:
        chosen = chosen.filter(organisation_id=organisation_id)
    measure_list = list(chosen.select_related("organisation").order_by("number"))
    if not measure_list:
        return []
    schedules = {m.pk: Schedule.of(m) for m in measure_list}
    tracked = {m.pk: schedules[m.pk].tracked(today) for m in measure_list}
    earliest = min((p.start for periods in tracked.values() for p in periods), default=today)
    local = {"area__kind": AreaKind.LOCAL}  # the one local area (a database constraint)

    # When each approved figure first reached the approvers: all its versions, earliest wins;
    # one row per figure however often it was corrected.
    approved: set[tuple[int, Period]] = set()
    arrived: dict[tuple[int, Period], date] = {}
    points = (
        DataPoint.objects.filter(measure__in=measure_list, period__start__gte=earliest, **local)
        .values_list("measure_id", "period__period_type", "period__start", "period__end")
        .annotate(
            current=Max(Case(When(is_current=True, then=1), default=0)),
            first=Min(Coalesce("submitted_value__submission__submitted_at", "approved_at")),
        )
        .order_by()
    )
    for measure_id, kind, start, end, current, first in points:
        key = (measure_id, Period(PeriodType(kind), start, end))
        if current:
            approved.add(key)
        on = _local_date(first)
        if on is not None:
            arrived[key] = on

    # The newest open return holding each figure: one row per figure, then those returns.
    newest = dict(
        ((measure_id, Period(PeriodType(kind), start, end)), latest)
        for measure_id, kind, start, end, latest in SubmittedValue.objects.filter(
            submission__status__in=OPEN_STATUSES, measure__in=measure_list, **local
        )
        .values_list("measure_id", "period__period_type", "period__start", "period__end")
        .annotate(latest=Max("submission_id"))
        .order_by()
    )
    by_id = Submission.objects.in_bulk(set(newest.values()))
    open_returns = {key: by_id[pk] for key, pk in newest.items()}

    rows = []
    for measure in measure_list:
        schedule = schedules[measure.pk]
        in_window = set(tracked[measure.pk])
        extra = {p for (m, p) in open_returns if m == measure.pk and p not in in_window}
        for period in sorted(in_window | extra, reverse=True):
            key = (measure.pk, period)
            submission = open_returns.get(key)
            due = schedule.due(period)
            received_on = arrived.get(key)
            if received_on is None and submission and submission.status == ReturnStatus.SUBMITTED:
                received_on = _local_date(submission.submitted_at)
            awaiting = schedule.awaiting(period, today)
            rows.append(
                ReturnRow(
                    organisation=measure.organisation,  # type: ignore[arg-type]
                    measure=measure,
                    period=period,
                    due_date=due,
                    status=return_status(
                        today=today,
                        due=due,
                        awaiting=awaiting,
                        open_status=submission.status if submission else None,
                        approved=key in approved,
                        received_on=received_on,
                        reminder_days=schedule.reminder_days,
                    ),
                    days_to_due=(due - today).days,
                    approved=key in approved,
                    received_on=received_on,
                    submission=submission,
                    tracked=period in in_window,
                    awaiting_until=schedule.awaiting_until if awaiting else None,
                )
            )
    return rows


# A data lead's tracker ----------------------------------------------------------------------


@dataclass
class Group:
    """Rows that need the same next step, under a heading ("Overdue (3)")."""

    key: str
    title: str
    hint: str
    rows: list[ReturnRow] = field(default_factory=list)
    collapsed: bool = False


def lead_groups(rows: Iterable[ReturnRow], today: date) -> list[Group]:
    """A lead's rows grouped by what needs doing next, most urgent first; empty groups left out.

    Sent back comes first (an approver is waiting on a change), then overdue, then what is due
    by the end of this month, what waits for approval, what comes later, what waits for a
    national release, and what was approved (folded away).
    """
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    groups = {
        g.key: g
        for g in [
            Group("sent_back", "Sent back to you", "An approver asked for changes."),
            Group("overdue", "Overdue", "The due date has passed: enter and submit these first."),
            Group("due", "Due this month", f"Due by {month_end.day} {month_end:%B}."),
            Group("waiting", "Waiting for approval", "Submitted: nothing to do unless sent back."),
            Group("coming", "Coming up", "Due after this month; you can enter them now."),
            Group(
                "awaiting",
                "Awaiting national release",
                "Due once the national figures are published.",
            ),
            Group(
                "approved",
                "Approved in the last 12 months",
                "Approved figures; late ones are marked.",
                collapsed=True,
            ),
        ]
    }
    for row in rows:
        groups[_group_of(row, month_end)].rows.append(row)
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.due_date, r.measure.number, r.period))
    return [g for g in groups.values() if g.rows]


def _group_of(row: ReturnRow, month_end: date) -> str:
    if row.status is ReturnStatus.SENT_BACK:
        return "sent_back"
    if row.status is ReturnStatus.SUBMITTED:
        return "waiting"
    if row.approved:  # a draft correcting an approved figure is not work that is due
        return "approved"
    if row.status is ReturnStatus.AWAITING_RELEASE:
        return "awaiting"
    if row.overdue:
        return "overdue"
    return "due" if row.due_date <= month_end else "coming"


def status_counts(rows: Iterable[ReturnRow]) -> list[tuple[ReturnStatus, int]]:
    """How many rows have each status, in the statuses' order, leaving out those with none."""
    counts: dict[ReturnStatus, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return [(status, counts[status]) for status in ReturnStatus if counts[status]]


# The board's freshness panel ----------------------------------------------------------------


@dataclass
class Freshness:
    """How current one partner's figures are, measure by measure, judged by the latest period
    whose due date has passed: approved (up to date), waiting for approval, or overdue."""

    organisation: Organisation | None
    up_to_date: int = 0
    waiting: int = 0
    overdue: int = 0
    awaiting_release: int = 0
    most_days_overdue: int = 0

    @property
    def measures(self) -> int:
        return self.up_to_date + self.waiting + self.overdue + self.awaiting_release


def freshness(rows: Iterable[ReturnRow]) -> tuple[Freshness, list[Freshness]]:
    """The whole partnership's freshness and each partner's, by partner name."""
    by_measure: dict[int, list[ReturnRow]] = defaultdict(list)
    for row in rows:
        if row.tracked:
            by_measure[row.measure.pk].append(row)
    total = Freshness(None)
    partners: dict[int, Freshness] = {}
    for measure_rows in by_measure.values():
        organisation = measure_rows[0].organisation
        partner = partners.setdefault(organisation.pk, Freshness(organisation))
        due = [r for r in measure_rows if r.days_to_due < 0]
        latest = max(due, key=lambda r: r.period) if due else None
        for tally in (total, partner):
            if latest is None:
                if any(r.status is ReturnStatus.AWAITING_RELEASE for r in measure_rows):
                    tally.awaiting_release += 1
                else:
                    tally.up_to_date += 1
            elif latest.approved:
                tally.up_to_date += 1
            elif latest.received:
                tally.waiting += 1
            else:
                tally.overdue += 1
                tally.most_days_overdue = max(tally.most_days_overdue, latest.days_overdue)
    return total, sorted(
        partners.values(), key=lambda f: f.organisation.name if f.organisation else ""
    )


# Completeness and timeliness ----------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessRow:
    organisation: Organisation
    measure: Measure | None  # None: the partner's own total
    figures: Completeness


def _expected(rows: Iterable[ReturnRow]) -> list[Expected]:
    return [Expected(r.due_date, r.approved, r.received_on) for r in rows if r.expected]


def completeness_by_partner(rows: list[ReturnRow]) -> list[CompletenessRow]:
    """Per partner, over every period of its measures due within the last twelve months."""
    by_partner: dict[int, list[ReturnRow]] = defaultdict(list)
    for row in rows:
        by_partner[row.organisation.pk].append(row)
    result = [
        CompletenessRow(group[0].organisation, None, completeness(_expected(group)))
        for group in by_partner.values()
    ]
    return sorted(result, key=lambda r: r.organisation.name)


def completeness_by_measure(rows: list[ReturnRow]) -> list[CompletenessRow]:
    by_measure: dict[int, list[ReturnRow]] = defaultdict(list)
    for row in rows:
        by_measure[row.measure.pk].append(row)
    result = [
        CompletenessRow(group[0].organisation, group[0].measure, completeness(_expected(group)))
        for group in by_measure.values()
    ]
    return sorted(result, key=lambda r: (r.organisation.name, r.measure.number if r.measure else 0))


# Reminders and digests ----------------------------------------------------------------------


def digest_wanted(user: Any) -> bool:
    """Whether `user` gets the weekly digest (on unless they switched it off)."""
    preferences = EmailPreferences.objects.filter(user=user).first()
    return preferences is None or preferences.weekly_digest
