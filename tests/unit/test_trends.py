"""The recent trend (scorecard.trends): the chi-squared test for trend over the latest five
consecutive periods, worked by hand, and every reason it cannot be calculated."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scorecard.compute import Trend
from scorecard.methods import (
    ComparisonMethod,
    ConfidenceLevel,
    Method,
    Observation,
    Polarity,
    ValueKind,
)
from scorecard.periods import Period, parse_period
from scorecard.trends import recent_trend

D = Decimal


def quarters(count: int, last: str = "2023/24 Q3") -> list[Period]:
    periods = [parse_period(last)]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def series(numerators: list[int], denominator: int, multiplier: int = 100) -> list[Observation]:
    return [
        Observation(period, D(x) / denominator * multiplier, D(x), D(denominator))
        for period, x in zip(quarters(len(numerators)), numerators, strict=True)
    ]


def percent(polarity: Polarity, level: ConfidenceLevel = ConfidenceLevel.C95) -> Method:
    return Method(ValueKind.PERCENTAGE, 100, level, places=1, polarity=polarity)


# Numerators 10, 12, 15, 18, 20 of 100 each, at t = 1..5 (2022/23 Q3 to 2023/24 Q3):
#   N = 500, X = 75, Σxt = 10 + 24 + 45 + 72 + 100 = 251, Σnt = 100 * 15 = 1,500,
#   Σnt² = 100 * 55 = 5,500.
#   N Σxt - X Σnt = 500 * 251 - 75 * 1,500 = 125,500 - 112,500 = 13,000 (> 0: increasing).
#   χ² = N (13,000)² / (X (N - X) (N Σnt² - (Σnt)²))
#      = 500 * 169,000,000 / (75 * 425 * (2,750,000 - 2,250,000))
#      = 84,500,000,000 / 15,937,500,000 = 5.3020,
# above 3.8415 (95%) but not 9.5495 (99.8%). Leaving out any one period keeps it increasing:
#   without t=1: 400 * 241 - 65 * 1,400 = 5,400; t=2: 400 * 227 - 63 * 1,300 = 8,900;
#   t=3: 400 * 206 - 60 * 1,200 = 10,400; t=4: 400 * 179 - 57 * 1,100 = 8,900;
#   t=5: 400 * 151 - 55 * 1,000 = 5,400.
RISING = [10, 12, 15, 18, 20]


@pytest.mark.parametrize(
    ("polarity", "trend"),
    [
        (Polarity.HIGHER_IS_BETTER, Trend.INCREASING_BETTER),
        (Polarity.LOWER_IS_BETTER, Trend.INCREASING_WORSE),
        (Polarity.NO_JUDGEMENT, Trend.INCREASING),
    ],
)
def test_a_rising_proportion_worked_by_hand(polarity: Polarity, trend: Trend) -> None:
    result = recent_trend(series(RISING, 100), percent(polarity))
    assert result.trend is trend
    assert result.chi_squared == pytest.approx(5.3020, abs=5e-5)
    assert result.note == (
        "Chi-squared test for trend over 2022/23 Q3 to 2023/24 Q3: χ² = 5.30 against 3.84, "
        "the critical value at 95%: significant"
    )


def test_the_same_rise_is_not_significant_at_99_8() -> None:
    result = recent_trend(
        series(RISING, 100), percent(Polarity.HIGHER_IS_BETTER, ConfidenceLevel.C998)
    )
    assert result.trend is Trend.NO_CHANGE
    assert result.note.endswith(
        "χ² = 5.30 against 9.55, the critical value at 99.8%: not significant"
    )


@pytest.mark.parametrize(
    ("polarity", "trend"),
    [
        (Polarity.HIGHER_IS_BETTER, Trend.DECREASING_WORSE),
        (Polarity.LOWER_IS_BETTER, Trend.DECREASING_BETTER),
        (Polarity.NO_JUDGEMENT, Trend.DECREASING),
    ],
)
def test_the_mirror_image_falls(polarity: Polarity, trend: Trend) -> None:
    # 20, 18, 15, 12, 10 has N Σxt - X Σnt = 500 * 199 - 75 * 1,500 = -13,000: the same χ².
    result = recent_trend(series(RISING[::-1], 100), percent(polarity))
    assert result.trend is trend
    assert result.chi_squared == pytest.approx(5.3020, abs=5e-5)


def test_a_crude_rate_by_the_poisson_form() -> None:
    # Events 20, 25, 30, 35, 40 in 10,000 people each (per 1,000):
    #   N = 50,000, X = 150, Σxt = 20 + 50 + 90 + 140 + 200 = 500, Σnt = 150,000,
    #   Σnt² = 550,000; N Σxt - X Σnt = 25,000,000 - 22,500,000 = 2,500,000.
    #   χ² = 2,500,000² / (X (N Σnt² - (Σnt)²)) = 6.25e12 / (150 * 5e9) = 8.3333:
    # significant at 95%, not at 99.8%. Lower is better: increasing and getting worse.
    rates = series([20, 25, 30, 35, 40], 10_000, 1000)
    method = Method(ValueKind.RATE, 1000, places=1, polarity=Polarity.LOWER_IS_BETTER)
    result = recent_trend(rates, method)
    assert (result.trend, round(result.chi_squared or 0, 4)) == (Trend.INCREASING_WORSE, 8.3333)
    strict = Method(ValueKind.RATE, 1000, ConfidenceLevel.C998, places=1)
    assert recent_trend(rates, strict).trend is Trend.NO_CHANGE


def test_a_standardised_rate_by_weighted_regression() -> None:
    # Rates 4.0, 4.5, 5.0, 5.5, 6.0 each with variance 0.25 (weight 4):
    #   Σw = 20, Σwt = 60, Σwt² = 220, Σwy = 100, Σwty = 4 * (4 + 9 + 15 + 22 + 30) = 320.
    #   slope = (20 * 320 - 60 * 100) / (20 * 220 - 60²) = 400 / 800 = 0.5 per period;
    #   its variance Σw / 800 = 0.025; χ² = 0.5² / 0.025 = 10.0, above 9.5495 too.
    rates = [
        Observation(period, D(value), D(40), D(800_000), D("0.25"))
        for period, value in zip(quarters(5), ["4.0", "4.5", "5.0", "5.5", "6.0"], strict=True)
    ]
    method = Method(
        ValueKind.DSR, 100_000, ConfidenceLevel.C998, places=1, polarity=Polarity.LOWER_IS_BETTER
    )
    result = recent_trend(rates, method)
    assert (result.trend, round(result.chi_squared or 0, 4)) == (Trend.INCREASING_WORSE, 10.0)


def test_one_odd_period_does_not_make_a_trend() -> None:
    # 12, 11, 10, 9 then 30 of 100: N Σxt - X Σnt = 500 * 250 - 72 * 1,500 = 17,000, and
    # χ² = 500 * 17,000² / (72 * 428 * 500,000) = 144,500,000,000 / 15,408,000,000 = 9.378,
    # significant at 95%; but without the last period 400 * 100 - 42 * 1,000 = -2,000: falling.
    result = recent_trend(series([12, 11, 10, 9, 30], 100), percent(Polarity.HIGHER_IS_BETTER))
    assert result.trend is Trend.NO_CHANGE
    assert result.chi_squared == pytest.approx(9.378, abs=5e-4)
    assert result.note.endswith(
        "but the direction changes when 2023/24 Q3 is left out: not significant"
    )


def test_no_events_at_all_is_no_change() -> None:
    result = recent_trend(series([0, 0, 0, 0, 0], 100), percent(Polarity.HIGHER_IS_BETTER))
    assert (result.trend, result.chi_squared) == (Trend.NO_CHANGE, 0.0)


def test_only_the_latest_five_periods_count() -> None:
    # An early fall before the five latest periods changes nothing.
    longer = series([50, 40, *RISING], 100)
    result = recent_trend(longer, percent(Polarity.HIGHER_IS_BETTER))
    assert result.chi_squared == pytest.approx(5.3020, abs=5e-5)


@pytest.mark.parametrize(
    ("points", "method", "why"),
    [
        (
            series([10, 12, 15, 18], 100),
            percent(Polarity.HIGHER_IS_BETTER),
            "it needs five consecutive periods and 4 periods are held",
        ),
        (
            series([10], 100),
            percent(Polarity.HIGHER_IS_BETTER),
            "it needs five consecutive periods and 1 period is held",
        ),
        ([], percent(Polarity.HIGHER_IS_BETTER), "there is no figure yet"),
        (
            [
                *series(RISING, 100)[:2],
                *series(RISING, 100)[3:],
                Observation(parse_period("2023/24 Q4"), D(21), D(21), D(100)),
            ],
            percent(Polarity.HIGHER_IS_BETTER),
            "the latest five periods are not consecutive: 2023/24 Q1 is missing",
        ),
        (
            [*series(RISING, 100)[:4], Observation(parse_period("2023/24 Q3"), D(20))],
            percent(Polarity.HIGHER_IS_BETTER),
            "there is no numerator and denominator for 2023/24 Q3",
        ),
        (
            series(RISING, 100),
            Method(ValueKind.COUNT),
            "a count has no numerators and denominators",
        ),
        (
            series(RISING, 100),
            Method(ValueKind.PERCENTAGE, 100, comparison=ComparisonMethod.VALUES),
            "the measure's method compares the values only",
        ),
        (
            series(RISING, 100),
            Method(ValueKind.DSR, 100_000),
            "there is no event count and variance for 2022/23 Q3",
        ),
    ],
)
def test_cannot_be_calculated_says_why(points: list[Observation], method: Method, why: str) -> None:
    result = recent_trend(points, method)
    assert (result.trend, result.note, result.chi_squared) == (Trend.CANNOT, why, None)
