"""Whether a measure's latest figure is stale, and how a release schedule reads in words:
collection.due.staleness and describe_schedule, on plain values (the one rule for due dates)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collection.due import Schedule, describe_schedule, staleness
from scorecard.periods import Period, PeriodType, parse_period

M, FQ, FY = PeriodType.MONTH, PeriodType.FINANCIAL_QUARTER, PeriodType.FINANCIAL_YEAR


def test_a_month_is_stale_the_day_after_the_next_month_falls_due():
    schedule = Schedule(M)  # 15 days after the month ends
    sept = parse_period("Sept 26")
    # Oct 26 is due on 15 November 2026: not stale on that day, stale from the next.
    assert staleness(schedule, sept, date(2026, 11, 15)) is None
    stale = staleness(schedule, sept, date(2026, 11, 29))
    assert stale is not None
    assert (stale.period.label, stale.due, stale.days, stale.missing) == (
        "Oct 26",
        date(2026, 11, 15),
        14,
        1,
    )
    assert stale.text == "Oct 26 figures 14 days overdue"


def test_several_missing_periods_are_counted_and_the_first_dates_the_overdue_days():
    # Latest Jun 26; Jul 26 due 15 August (106 days before 29 November), then Aug, Sept and
    # Oct 26 are due too (Oct on 15 November): four periods missing.
    stale = staleness(Schedule(M), parse_period("Jun 26"), date(2026, 11, 29))
    assert stale is not None
    assert (stale.days, stale.missing) == (106, 4)
    assert stale.text == "4 periods missing; Jul 26 figures 106 days overdue"


def test_a_single_day_overdue_is_one_day():
    stale = staleness(Schedule(M), parse_period("Sept 26"), date(2026, 11, 16))
    assert stale is not None and stale.text == "Oct 26 figures 1 day overdue"


def test_a_yearly_measure_follows_its_release_month():
    # 2025/26 financial-year figures are due by 30 November 2026 (the default month).
    schedule = Schedule(FY)
    latest = parse_period("2024/25")
    assert staleness(schedule, latest, date(2026, 11, 29)) is None
    assert staleness(schedule, latest, date(2026, 12, 1)).days == 1
    # With a 30-day release lag instead, the same figures were due on 30 April 2026.
    assert staleness(Schedule(FY, lag_days=30), latest, date(2026, 11, 29)).days == 213


def test_awaiting_a_national_release_is_not_stale_until_the_release():
    schedule = Schedule(FQ, awaiting_until=date(2027, 1, 28))
    latest = parse_period("2025/26 Q4")  # 2026/27 Q1 would be due on 29 September 2026
    assert staleness(schedule, latest, date(2026, 11, 29)) is None
    assert staleness(schedule, latest, date(2027, 2, 1)).due == date(2027, 1, 28)


def test_no_figure_at_all_is_awaiting_data_not_stale():
    assert staleness(Schedule(M), None, date(2026, 11, 29)) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)))
def test_the_figures_for_the_latest_period_due_are_never_stale(today):
    """Whatever the day, a measure holding the newest period already due is up to date."""
    schedule = Schedule(M)
    latest = Period.month(1999, 1)
    while schedule.due(latest.next()) < today:
        latest = latest.next()
    assert staleness(schedule, latest, today) is None


@pytest.mark.parametrize(
    ("schedule", "today", "words"),
    [
        (Schedule(M), date(2026, 11, 29), "Figures for each month are due 15 days after it ends."),
        (Schedule(M, lag_days=1), date(2026, 11, 29), "due 1 day after it ends."),
        (
            Schedule(FY),
            date(2026, 11, 29),
            "Figures for each financial year are due by the end of November after it ends.",
        ),
        (
            Schedule(FQ, awaiting_until=date(2027, 1, 28)),
            date(2026, 11, 29),
            "Awaiting a national release: figures that would be due sooner are due on "
            "28 January 2027.",
        ),
    ],
)
def test_a_release_schedule_in_words(schedule, today, words):
    assert words in describe_schedule(schedule, today)


def test_a_past_national_release_is_not_mentioned():
    text = describe_schedule(Schedule(FQ, awaiting_until=date(2026, 1, 1)), date(2026, 11, 29))
    assert text == "Figures for each quarter are due 90 days after it ends."
