"""Completeness and timeliness arithmetic (collection.completeness) on a hand-worked example."""

from datetime import date
from fractions import Fraction

from collection.completeness import Expected, completeness, days_text, percent


def test_completeness_and_timeliness_on_a_hand_worked_example():
    periods = [
        # due         approved  received
        Expected(date(2026, 1, 15), True, date(2026, 1, 10)),  # on time
        Expected(date(2026, 2, 15), True, date(2026, 2, 15)),  # on the day: on time
        Expected(date(2026, 3, 15), True, date(2026, 3, 18)),  # 3 days late
        Expected(date(2026, 4, 15), False, date(2026, 4, 25)),  # 10 days late, not approved yet
        Expected(date(2026, 5, 15), False, None),  # nothing received
    ]

    result = completeness(periods)

    # Expected 5; approved 3 → 3/5 = 60%; by the due date 2 → 2/5 = 40%;
    # late ones 3 and 10 days → median (3 + 10) / 2 = 6.5 days.
    assert (result.expected, result.approved, result.on_time, result.late) == (5, 3, 2, 2)
    assert result.approved_share == Fraction(3, 5) and percent(result.approved_share) == 60
    assert result.on_time_share == Fraction(2, 5) and percent(result.on_time_share) == 40
    assert result.median_days_late == Fraction(13, 2) and days_text(Fraction(13, 2)) == "6.5"


def test_nothing_expected_gives_no_shares_rather_than_zero():
    result = completeness([])
    assert (result.approved_share, result.on_time_share, result.median_days_late) == (
        None,
        None,
        None,
    )
    assert percent(None) is None


def test_percentages_round_halves_up():
    assert percent(Fraction(2, 3)) == 67
    assert percent(Fraction(1, 8)) == 13  # 12.5
    assert percent(Fraction(1, 3)) == 33
