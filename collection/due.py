"""When figures are due, and what state a return is in: the one place that turns a measure's
release schedule and a period into a due date, a tracker status, a reminder, and whether the
scorecard's latest figure for a measure is stale (the next period is past its due date).

A measure's figures for a period fall due a release lag after the period ends (police monthly
counts 15 days after the month; NDTMS quarterly figures about three months after the quarter), or,
for yearly periods, by the end of a set month (annual national releases). An admin sets either on
the measure; blank means the default for its period type. National figures a partner re-keys can
be marked as awaiting national release until a date: periods that would already be due wait for
it, and fall due on it.

Pure standard library, like `scorecard.periods`: the selectors, services, admin and tests all
read due dates through this module, so there is one way to know one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final

from scorecard.figures import uk_date
from scorecard.periods import MONTH_NAMES, YEARLY_PERIOD_TYPES, Period, PeriodType, latest_ended

#: Days from the end of a period to its due date, by period type, when the measure sets none.
DEFAULT_LAG_DAYS: Final = {
    PeriodType.MONTH: 15,
    PeriodType.CALENDAR_QUARTER: 90,
    PeriodType.FINANCIAL_QUARTER: 90,
}
#: Yearly periods are due by the end of this month after they end (annual national releases).
DEFAULT_RELEASE_MONTH: Final = {
    PeriodType.FINANCIAL_YEAR: 11,
    PeriodType.CALENDAR_YEAR: 10,
    PeriodType.MULTI_YEAR: 10,
}
#: Data leads are reminded this many days before a due date unless the measure says otherwise.
DEFAULT_REMINDER_DAYS: Final = 7
#: A "now overdue" reminder missed on its day (beat was down) is still sent this many days on.
OVERDUE_REMINDER_GRACE_DAYS: Final = 7
#: The tracker and the completeness figures look back this far (by due date).
TRACKED_MONTHS: Final = 12


class ReturnStatus(StrEnum):
    """A return's state for one measure and period, as the tracker and the API name it."""

    NOT_DUE = "not_due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"
    APPROVED = "approved"
    APPROVED_LATE = "approved_late"
    AWAITING_RELEASE = "awaiting_release"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: Final = {
    ReturnStatus.NOT_DUE: "Not due yet",
    ReturnStatus.DUE_SOON: "Due soon",
    ReturnStatus.OVERDUE: "Overdue",
    ReturnStatus.DRAFT: "Draft",
    ReturnStatus.SUBMITTED: "Waiting for approval",
    ReturnStatus.SENT_BACK: "Sent back",
    ReturnStatus.APPROVED: "Approved",
    ReturnStatus.APPROVED_LATE: "Approved late",
    ReturnStatus.AWAITING_RELEASE: "Awaiting national release",
}
#: Figures that have reached the approvers (or passed them): nothing more is due from the lead.
RECEIVED_STATUSES: Final = frozenset(
    {ReturnStatus.SUBMITTED, ReturnStatus.APPROVED, ReturnStatus.APPROVED_LATE}
)
#: A lead's own work still to do on a return that exists.
OPEN_WORK_STATUSES: Final = frozenset({ReturnStatus.DRAFT, ReturnStatus.SENT_BACK})


class ReminderKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def year_before(day: date) -> date:
    """The same day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


@dataclass(frozen=True)
class Schedule:
    """A measure's release schedule: what an admin set on the measure (None: the default)."""

    period_type: PeriodType
    lag_days: int | None = None
    release_month: int | None = None
    awaiting_until: date | None = None
    reminder_days: int = DEFAULT_REMINDER_DAYS

    @classmethod
    def of(cls, measure: Any) -> Schedule:
        """The schedule of a `scorecard.models.Measure` (read by attribute: no Django here)."""
        return cls(
            PeriodType(measure.period_type),
            measure.release_lag_days,
            measure.release_month,
            measure.awaiting_release_until,
            measure.reminder_days,
        )

    @property
    def month(self) -> int | None:
        """The release month in force: the measure's, else the default, for yearly periods
        without a lag of their own; None for the others."""
        if self.lag_days is not None or self.period_type not in YEARLY_PERIOD_TYPES:
            return None
        return self.release_month or DEFAULT_RELEASE_MONTH[self.period_type]

    def scheduled_due(self, period: Period) -> date:
        """The due date by the schedule alone, before any wait for a national release."""
        month = self.month
        if month is not None:
            # By the end of the first such month that starts after the period ends.
            year = period.end.year if month > period.end.month else period.end.year + 1
            return _last_day_of_month(year, month)
        lag = self.lag_days if self.lag_days is not None else DEFAULT_LAG_DAYS[self.period_type]
        return period.end + timedelta(days=lag)

    def due(self, period: Period) -> date:
        """When figures for `period` are due: by the schedule, or the national release date
        when they would be due before it."""
        scheduled = self.scheduled_due(period)
        if self.awaiting_until is not None and scheduled < self.awaiting_until:
            return self.awaiting_until
        return scheduled

    def awaiting(self, period: Period, today: date) -> bool:
        """Whether `period`'s figures are waiting for a national release that is still to come."""
        return (
            self.awaiting_until is not None
            and today < self.awaiting_until
            and self.scheduled_due(period) < self.awaiting_until
        )

    def tracked(self, today: date) -> list[Period]:
        """The periods the tracker follows, newest first: every ended period due within the last
        TRACKED_MONTHS months or not yet due (by the schedule, so a national release date never
        pulls in older periods)."""
        since = year_before(today)
        periods = []
        period = latest_ended(self.period_type, today)
        while self.scheduled_due(period) > since:
            periods.append(period)
            period = period.previous()
        return periods


#: A period type in a sentence about "each …" of them.
PERIOD_NOUNS: Final = {
    PeriodType.MONTH: "month",
    PeriodType.CALENDAR_QUARTER: "quarter",
    PeriodType.FINANCIAL_QUARTER: "quarter",
    PeriodType.FINANCIAL_YEAR: "financial year",
    PeriodType.CALENDAR_YEAR: "year",
    PeriodType.MULTI_YEAR: "span of years",
}
#: Stale figures count the periods missing up to this many (a measure years behind says so).
MAX_MISSING_COUNTED: Final = 60


def describe_schedule(schedule: Schedule, today: date) -> str:
    """When the measure's figures are due, in words for a measure's page."""
    noun = PERIOD_NOUNS[schedule.period_type]
    month = schedule.month
    if month is not None:
        text = (
            f"Figures for each {noun} are due by the end of {MONTH_NAMES[month - 1]} after it ends."
        )
    else:
        lag = (
            schedule.lag_days
            if schedule.lag_days is not None
            else DEFAULT_LAG_DAYS[schedule.period_type]
        )
        text = f"Figures for each {noun} are due {lag} day{'s' if lag != 1 else ''} after it ends."
    if schedule.awaiting_until is not None and today < schedule.awaiting_until:
        text += (
            " Awaiting a national release: figures that would be due sooner are due on "
            f"{uk_date(schedule.awaiting_until)}."
        )
    return text


@dataclass(frozen=True)
class Stale:
    """Figures behind their schedule: the first period after the latest figure whose due date
    has passed, that date, how many days ago it was, and how many periods are now missing."""

    period: Period
    due: date
    days: int
    missing: int = 1

    @property
    def text(self) -> str:
        """ "Oct 26 figures 14 days overdue", or with more missing, "3 periods missing; Oct 26
        figures 75 days overdue"."""
        overdue = (
            f"{self.period.label} figures {self.days} day{'s' if self.days != 1 else ''} overdue"
        )
        if self.missing > 1:
            more = "+" if self.missing >= MAX_MISSING_COUNTED else ""
            return f"{self.missing}{more} periods missing; {overdue}"
        return overdue


def staleness(schedule: Schedule, latest: Period | None, today: date) -> Stale | None:
    """Whether a measure whose latest figure is for `latest` is stale on `today`: the period
    after it is past its due date (the release lag or month allows no more waiting, and no
    national release is awaited). None when it is up to date, or has no figure at all (that is
    "awaiting data", not stale)."""
    if latest is None:
        return None
    following = latest.next()
    due = schedule.due(following)
    if today <= due:
        return None
    missing, period = 1, following.next()
    while missing < MAX_MISSING_COUNTED and schedule.due(period) < today:
        missing, period = missing + 1, period.next()
    return Stale(following, due, (today - due).days, missing)


def return_status(
    *,
    today: date,
    due: date,
    awaiting: bool,
    open_status: str | None,
    approved: bool,
    received_on: date | None,
    reminder_days: int,
) -> ReturnStatus:
    """The state of one measure's return for one period.

    An open return (draft, submitted, sent back) says what happens next, even over an approved
    figure it would correct; then an approved figure (late when it reached the approvers after
    the due date); then a wait for a national release; then the calendar.
    """
    if open_status is not None:
        return ReturnStatus(open_status)
    if approved:
        late = received_on is not None and received_on > due
        return ReturnStatus.APPROVED_LATE if late else ReturnStatus.APPROVED
    if awaiting:
        return ReturnStatus.AWAITING_RELEASE
    if today > due:
        return ReturnStatus.OVERDUE
    if (due - today).days <= reminder_days:
        return ReturnStatus.DUE_SOON
    return ReturnStatus.NOT_DUE


def reminder_kind(*, today: date, due: date, reminder_days: int) -> ReminderKind | None:
    """Which reminder a data lead should have by `today` for figures due on `due` and not yet
    sent: "overdue" from the day after the due date (for a few days, so a run missed by beat is
    caught up), "due soon" from `reminder_days` before it (0: none in advance)."""
    late = (today - due).days
    if 0 < late <= OVERDUE_REMINDER_GRACE_DAYS:
        return ReminderKind.OVERDUE
    if reminder_days > 0 and -reminder_days <= late <= 0:
        return ReminderKind.DUE_SOON
    return None
