"""The wording of figure warnings (submissions.warnings) and the period gaps they quote: how much
a figure differs, in plain words, and how old the figure it is compared with is."""

from decimal import Decimal

import pytest

from scorecard.models import Measure
from scorecard.periods import Period, gap_text, parse_period, period_in_words, steps_between
from submissions.warnings import figure_warnings, history_start, how_different


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("330", "33", "about 10 times"),
        ("3300", "33", "about 100 times"),
        ("25", "10", "2.5 times"),
        ("40", "10", "4 times"),
        ("145", "100", "45% higher than"),
        ("40", "100", "60% lower than"),
        ("100.2", "100", "about the same as"),
        ("5", "0", "5 higher than"),
        ("-3", "-1", "2 lower than"),
        ("-1", "-1", "the same as"),
    ],
)
def test_how_different_says_by_how_much_in_words(value, base, expected):
    assert how_different(Decimal(value), Decimal(base), 0) == expected


@pytest.mark.parametrize(
    ("earlier", "later", "steps", "gap"),
    [
        ("Oct 23", "Nov 23", 1, "1 month"),
        ("Oct 23", "Apr 25", 18, "18 months"),
        ("Oct 23", "Oct 26", 36, "3 years"),
        ("Oct 23", "Dec 26", 38, "over 3 years"),
        ("2019/20 Q4", "2020/21 Q1", 1, "3 months"),
        ("2019/20", "2023/24", 4, "4 years"),
    ],
)
def test_periods_apart_in_steps_and_in_words(earlier, later, steps, gap):
    a, b = parse_period(earlier), parse_period(later)
    assert steps_between(a, b) == steps
    assert gap_text(a, b) == gap


def test_the_window_of_history_is_the_twelve_periods_before():
    assert history_start(Period.month(2023, 11)).label == "Nov 22"
    assert history_start(Period.financial_year(2023)).label == "2011/12"


def test_a_percentage_jump_is_worded_for_the_lead_and_for_the_reviewer_without_a_database():
    measure = Measure(number=9, value_kind="percentage", decimal_places=1, period_type="month")
    history = [(Period.month(2023, 9), Decimal("20")), (Period.month(2023, 10), Decimal("21"))]
    (warning,) = figure_warnings(measure, Period.month(2023, 11), Decimal("42.5"), history)
    assert warning.kind == "change"
    assert warning.lead == (
        "42.5 is 2 times the figure for Oct 23 (21.0). Check it, and if it is right, say why in "
        "the note."
    )
    assert warning.reviewer == (
        "Large change: 42.5 is 2 times the figure for Oct 23 (21.0). The data lead was asked to "
        "check it and explain it in the note."
    )
    assert warning.stored() == {
        "field": "value",
        "kind": "change",
        "message": warning.lead,
        "review": warning.reviewer,
    }


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("Oct 26", "October 2026"),
        ("2025/26 Q2", "July to September 2025"),
        ("2025 Q3", "July to September 2025"),
        ("2025/26", "April 2025 to March 2026"),
        ("2020 - 2022", "January 2020 to December 2022"),
    ],
)
def test_a_period_in_words_says_the_months_it_covers(label, words):
    assert period_in_words(parse_period(label)) == words
