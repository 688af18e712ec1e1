"""Due dates for every period type, the statuses a return moves through as days pass, and which
reminder is due when: collection.due, on plain values."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collection.due import (
    DEFAULT_LAG_DAYS,
    DEFAULT_RELEASE_MONTH,
    ReminderKind,
    ReturnStatus,
    Schedule,
    reminder_kind,
    return_status,
    year_before,
)
from scorecard.models import Measure
from scorecard.periods import YEARLY_PERIOD_TYPES, Period, PeriodType, parse_period

M, CQ, FQ, FY, CY, MY = (
    PeriodType.MONTH,
    PeriodType.CALENDAR_QUARTER,
    PeriodType.FINANCIAL_QUARTER,
    PeriodType.FINANCIAL_YEAR,
    PeriodType.CALENDAR_YEAR,
    PeriodType.MULTI_YEAR,
)


@pytest.mark.parametrize(
    ("period_type", "label", "due"),
    [
        # Months: 15 days after the month ends.
        (M, "Oct 26", date(2026, 11, 15)),
        (M, "Feb 28", date(2028, 3, 15)),  # 29 February 2028 + 15 days
        # Quarters: 90 days after the quarter ends (30 September + 90 = 29 December).
        (CQ, "2026 Q3", date(2026, 12, 29)),
        (FQ, "2026/27 Q2", date(2026, 12, 29)),
        (FQ, "2025/26 Q4", date(2026, 6, 29)),  # 31 March + 90
        # Years: by the end of the release month after they end.
        (FY, "2025/26", date(2026, 11, 30)),  # November
        (CY, "2025", date(2026, 10, 31)),  # October
        (MY, "2023 - 2025", date(2026, 10, 31)),
        (MY, "2019/20 - 2021/22", date(2022, 10, 31)),  # a financial span ends in March
    ],
)
def test_every_period_type_has_a_default_due_date(period_type, label, due):
    period = parse_period(label, period_type)
    assert period.type is period_type
    assert Schedule(period_type).due(period) == due


@pytest.mark.parametrize(
    ("schedule", "label", "due"),
    [
        (Schedule(M, lag_days=5), "Oct 26", date(2026, 11, 5)),
        (Schedule(M, lag_days=0), "Oct 26", date(2026, 10, 31)),
        (Schedule(FQ, lag_days=30), "2026/27 Q1", date(2026, 7, 30)),
        # A lag replaces the release month of a yearly period.
        (Schedule(FY, lag_days=30), "2025/26", date(2026, 4, 30)),
        (Schedule(FY, release_month=7), "2025/26", date(2026, 7, 31)),
        # The month after the end, or the same month a year on.
        (Schedule(FY, release_month=4), "2025/26", date(2026, 4, 30)),
        (Schedule(FY, release_month=3), "2025/26", date(2027, 3, 31)),
        (Schedule(CY, release_month=2), "2027", date(2028, 2, 29)),
        (Schedule(CY, release_month=12), "2025", date(2026, 12, 31)),
    ],
)
def test_an_admins_lag_or_release_month_sets_the_due_date(schedule, label, due):
    assert schedule.due(parse_period(label, schedule.period_type)) == due


def test_a_release_month_means_nothing_to_months_and_quarters():
    assert Schedule(M, release_month=7).due(Period.month(2026, 10)) == date(2026, 11, 15)


def test_awaiting_a_national_release_moves_the_due_date_to_it_until_it_comes():
    release = date(2027, 1, 20)
    schedule = Schedule(FQ, awaiting_until=release)
    q1, q2, q3 = (Period.financial_quarter(2026, q) for q in (1, 2, 3))

    # 2026/27 Q1 was due on 28 September 2026 and Q2 on 29 December: both wait for the release.
    assert schedule.due(q1) == schedule.due(q2) == release
    assert schedule.awaiting(q1, date(2026, 11, 29)) and schedule.awaiting(q2, date(2027, 1, 19))
    # On the release date they are due, no longer awaiting; Q3 (due 31 March) is unaffected.
    assert not schedule.awaiting(q1, release)
    assert schedule.due(q3) == date(2027, 3, 31) and not schedule.awaiting(q3, date(2026, 12, 1))


def test_the_tracker_follows_periods_due_in_the_last_twelve_months_and_those_not_yet_due():
    today = date(2026, 11, 29)
    months = Schedule(M).tracked(today)
    # Nov 25 was due on 15 December 2025, within the year; Oct 25 (15 November 2025) was not.
    assert [p.label for p in months] == [
        "Oct 26", "Sept 26", "Aug 26", "Jul 26", "Jun 26", "May 26",
        "Apr 26", "Mar 26", "Feb 26", "Jan 26", "Dec 25", "Nov 25",
    ]  # fmt: skip
    quarters = [p.label for p in Schedule(FQ).tracked(today)]
    assert quarters == ["2026/27 Q2", "2026/27 Q1", "2025/26 Q4", "2025/26 Q3", "2025/26 Q2"]
    # 2025/26 falls due on 30 November 2026; 2024/25 fell due on 30 November 2025, a year ago.
    assert [p.label for p in Schedule(FY).tracked(today)] == ["2025/26", "2024/25"]
    assert [p.label for p in Schedule(FY).tracked(date(2026, 12, 1))] == ["2025/26"]
    # A national release date never pulls older periods in.
    late = Schedule(FQ, awaiting_until=date(2027, 6, 1)).tracked(today)
    assert [p.label for p in late] == quarters


def _status(today: date, due: date, **kwargs) -> ReturnStatus:
    facts = {"awaiting": False, "open_status": None, "approved": False, "received_on": None}
    return return_status(today=today, due=due, reminder_days=7, **{**facts, **kwargs})


def test_a_missing_return_is_not_due_then_due_soon_then_overdue_the_day_after_its_due_date():
    due = date(2026, 11, 15)
    assert _status(date(2026, 11, 7), due) is ReturnStatus.NOT_DUE
    assert _status(date(2026, 11, 8), due) is ReturnStatus.DUE_SOON  # 7 days before
    assert _status(due, due) is ReturnStatus.DUE_SOON
    assert _status(date(2026, 11, 16), due) is ReturnStatus.OVERDUE


def test_an_open_return_then_an_approval_then_a_national_release_decide_the_status():
    due, late = date(2026, 11, 15), date(2026, 12, 1)
    assert _status(late, due, open_status="draft") is ReturnStatus.DRAFT
    assert _status(late, due, open_status="sent_back", approved=True) is ReturnStatus.SENT_BACK
    assert _status(late, due, open_status="submitted") is ReturnStatus.SUBMITTED
    assert _status(late, due, approved=True, received_on=due) is ReturnStatus.APPROVED
    assert (
        _status(late, due, approved=True, received_on=due + timedelta(days=1))
        is ReturnStatus.APPROVED_LATE
    )
    assert _status(late, due, awaiting=True) is ReturnStatus.AWAITING_RELEASE


def test_reminders_go_from_the_reminder_days_before_and_the_day_after_the_due_date():
    due = date(2026, 11, 15)

    def kind(day: date, days: int = 7) -> ReminderKind | None:
        return reminder_kind(today=day, due=due, reminder_days=days)

    assert kind(date(2026, 11, 7)) is None
    assert kind(date(2026, 11, 8)) is ReminderKind.DUE_SOON
    assert kind(due) is ReminderKind.DUE_SOON
    assert kind(date(2026, 11, 16)) is ReminderKind.OVERDUE
    assert kind(date(2026, 11, 22)) is ReminderKind.OVERDUE  # a missed run caught up
    assert kind(date(2026, 11, 23)) is None  # long overdue: the digest chases it, not a reminder
    assert kind(due, days=0) is None  # no reminder in advance


def test_year_before_a_leap_day_is_the_28th():
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_every_yearly_type_has_a_default_release_month_and_every_other_a_default_lag():
    assert set(DEFAULT_RELEASE_MONTH) == YEARLY_PERIOD_TYPES
    assert set(DEFAULT_LAG_DAYS) | YEARLY_PERIOD_TYPES == set(PeriodType)


def test_the_admins_help_text_states_the_defaults():
    lag = str(Measure._meta.get_field("release_lag_days").help_text)
    month = str(Measure._meta.get_field("release_month").help_text)
    assert f"{DEFAULT_LAG_DAYS[M]} days for months" in lag
    assert f"{DEFAULT_LAG_DAYS[FQ]} days (about three months) for quarters" in lag
    assert "November for financial years" in month and DEFAULT_RELEASE_MONTH[FY] == 11
    assert "October for calendar years and spans of years" in month
    assert DEFAULT_RELEASE_MONTH[CY] == DEFAULT_RELEASE_MONTH[MY] == 10


@given(
    kind=st.sampled_from([M, CQ, FQ, FY, CY]),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    lag=st.one_of(st.none(), st.integers(0, 730)),
    month=st.one_of(st.none(), st.integers(1, 12)),
)
def test_figures_are_never_due_before_their_period_ends(kind, day, lag, month):
    period = Period.containing(kind, day)
    schedule = Schedule(kind, lag_days=lag, release_month=None if lag is not None else month)
    assert schedule.due(period) >= period.end
