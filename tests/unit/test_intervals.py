"""Unit and property tests for the confidence intervals (scorecard.intervals).

Expected figures are worked by hand or by an independent method in the test itself (closed forms,
a direct Poisson sum, published tables), never by calling the code under test twice.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.intervals import (
    Z_95,
    Z_998,
    byar_interval,
    dobson_interval,
    exact_poisson_interval,
    wilson_interval,
)

# No example database on disk, and no deadline: the exact intervals bisect, which is slow on a
# loaded CI machine but not wrong.
PROPERTY = settings(database=None, deadline=None, max_examples=200)


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), by the direct sum: independent of the gamma code."""
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


def test_the_quantiles_are_fingertips_own() -> None:
    # qnorm(0.975) and qnorm(0.999), independently from the standard library; squared they are
    # the critical values of chi-squared with one degree of freedom, 3.8415 and 9.5495
    # (Fingertips' TrendMarkerCalculator uses 9.54953570608324 for 99.8%).
    normal = NormalDist()
    assert math.isclose(Z_95, normal.inv_cdf(0.975), abs_tol=1e-12)
    assert math.isclose(Z_998, normal.inv_cdf(0.999), abs_tol=1e-12)
    assert (round(Z_95**2, 4), round(Z_998**2, 4)) == (3.8415, 9.5495)


# --- Confidence intervals -----------------------------------------------------------------------


def test_wilson_30_of_100() -> None:
    # Independent closed form used by Fingertips: (2x + z^2 +- z sqrt(z^2 + 4x(1 - x/n)))
    # / (2(n + z^2)), x = 30, n = 100: (60 + 3.8415 -+ 1.96 * sqrt(3.8415 + 84)) / 207.683
    # = (63.8415 -+ 18.3720) / 207.683 = 0.2189, 0.3958.
    x, n, z = 30, 100, Z_95
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    expected = (
        (2 * x + z * z - root) / (2 * (n + z * z)),
        (2 * x + z * z + root) / (2 * (n + z * z)),
    )
    lower, upper = wilson_interval(x, n)
    assert (round(lower, 4), round(upper, 4)) == (0.2189, 0.3958)
    assert lower == pytest.approx(expected[0], abs=1e-12)
    assert upper == pytest.approx(expected[1], abs=1e-12)


def test_wilson_extremes() -> None:
    # 0 of 10: lower exactly 0, upper z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.2775.
    lower, upper = wilson_interval(0, 10)
    assert lower == 0.0
    assert upper == pytest.approx(0.2775, abs=1e-4)
    # 10 of 10: the mirror image.
    lower, upper = wilson_interval(10, 10)
    assert lower == pytest.approx(0.7225, abs=1e-4)
    assert upper == 1.0


@pytest.mark.parametrize(("numerator", "denominator"), [(1, 0), (-1, 10), (11, 10)])
def test_wilson_rejects_impossible_input(numerator: float, denominator: float) -> None:
    with pytest.raises(ValueError):
        wilson_interval(numerator, denominator)


@PROPERTY
@given(data=st.data(), denominator=st.integers(min_value=1, max_value=100_000))
def test_wilson_contains_estimate_within_unit_interval(data: Any, denominator: int) -> None:
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    lower, upper = wilson_interval(numerator, denominator)
    assert 0.0 <= lower <= numerator / denominator <= upper <= 1.0


def test_byar_20() -> None:
    # By hand: lower = 20 (1 - 1/180 - 1.96 / (3 sqrt 20))^3 = 20 * 0.84835^3 = 12.21;
    # upper = 21 (1 - 1/189 + 1.96 / (3 sqrt 21))^3 = 21 * 1.13728^3 = 30.89.
    lower, upper = byar_interval(20)
    assert lower == pytest.approx(12.21, abs=0.005)
    assert upper == pytest.approx(30.89, abs=0.005)


def test_exact_poisson_zero() -> None:
    # Closed form for k = 0: P(X = 0 | U) = exp(-U) = 0.025, so U = -ln 0.025 = 3.6889.
    lower, upper = exact_poisson_interval(0)
    assert lower == 0.0
    assert upper == pytest.approx(-math.log(0.025), abs=1e-9)
    # Byar's method defers to the exact limits for so few events.
    lower, upper = byar_interval(0)
    assert lower == 0.0
    assert upper == pytest.approx(3.689, abs=5e-4)


def test_exact_poisson_five() -> None:
    # Standard exact 95% limits for 5 events (e.g. Fingertips / Garwood tables).
    lower, upper = exact_poisson_interval(5)
    assert lower == pytest.approx(1.6235, abs=5e-5)
    assert upper == pytest.approx(11.6683, abs=5e-5)
    # Independently, by their definition through a direct Poisson sum.
    assert 1 - poisson_cdf(4, lower) == pytest.approx(0.025, abs=1e-9)
    assert poisson_cdf(5, upper) == pytest.approx(0.025, abs=1e-9)


def test_byar_uses_exact_limits_below_ten() -> None:
    assert byar_interval(5) == pytest.approx(exact_poisson_interval(5), abs=1e-6)
    # At 10 and above it is Byar's formula, which is close to exact but not equal.
    assert byar_interval(10) != pytest.approx(exact_poisson_interval(10), abs=1e-6)
    assert byar_interval(10) == pytest.approx(exact_poisson_interval(10), rel=0.01)


def test_intervals_reject_negative_counts() -> None:
    with pytest.raises(ValueError):
        byar_interval(-0.5)
    with pytest.raises(ValueError):
        exact_poisson_interval(-1)


@PROPERTY
@given(count=st.integers(min_value=0, max_value=60))
def test_exact_limits_satisfy_their_definition(count: int) -> None:
    lower, upper = exact_poisson_interval(count)
    if count:
        assert 1 - poisson_cdf(count - 1, lower) == pytest.approx(0.025, abs=1e-8)
    else:
        assert lower == 0.0
    assert poisson_cdf(count, upper) == pytest.approx(0.025, abs=1e-8)


@PROPERTY
@given(
    count=st.integers(min_value=0, max_value=100_000),
    z_pair=st.tuples(
        st.floats(min_value=0.5, max_value=3.5), st.floats(min_value=0.5, max_value=3.5)
    ),
)
def test_byar_contains_count_and_widens_with_confidence(
    count: int, z_pair: tuple[float, float]
) -> None:
    narrow_z, wide_z = sorted(z_pair)
    narrow = byar_interval(count, narrow_z)
    wide = byar_interval(count, wide_z)
    assert 0.0 <= wide[0] <= narrow[0] <= count <= narrow[1] <= wide[1]


@PROPERTY
@given(
    count=st.integers(min_value=0, max_value=500),
    confidence_pair=st.tuples(
        st.floats(min_value=0.5, max_value=0.999), st.floats(min_value=0.5, max_value=0.999)
    ),
)
def test_exact_contains_count_and_widens_with_confidence(
    count: int, confidence_pair: tuple[float, float]
) -> None:
    low_confidence, high_confidence = sorted(confidence_pair)
    narrow = exact_poisson_interval(count, low_confidence)
    wide = exact_poisson_interval(count, high_confidence)
    assert 0.0 <= wide[0] <= narrow[0] <= count <= narrow[1] <= wide[1]


@PROPERTY
@given(count=st.integers(min_value=0, max_value=5_000))
def test_byar_limits_and_width_grow_with_the_count(count: int) -> None:
    # Includes the switch from exact (9) to Byar (10) limits.
    smaller, larger = byar_interval(count), byar_interval(count + 1)
    assert smaller[0] <= larger[0] and smaller[1] <= larger[1]
    assert smaller[1] - smaller[0] <= larger[1] - larger[0]


def test_dobson_by_hand() -> None:
    # A directly standardised rate of 5.2 per 100,000 on 40 deaths, its variance 0.8 (per
    # 100,000 squared). Byar for 40 events: lower 40 (1 - 1/360 - 1.959964 / (3 sqrt 40))^3
    # = 40 * 0.893923^3 = 40 * 0.714332 = 28.5733; upper 41 (1 - 1/369 + 1.959964 /
    # (3 sqrt 41))^3 = 41 * 1.099322^3 = 41 * 1.328539 = 54.4701. sqrt(0.8 / 40) = 0.141421, so
    # the limits are 5.2 + (28.5733 - 40) * 0.141421 = 5.2 - 1.6160 = 3.5840 and
    # 5.2 + (54.4701 - 40) * 0.141421 = 5.2 + 2.0464 = 7.2464.
    lower, upper = dobson_interval(5.2, 40, 0.8)
    assert lower == pytest.approx(3.5840, abs=5e-5)
    assert upper == pytest.approx(7.2464, abs=5e-5)


def test_dobson_reduces_to_byar_scaled_when_the_variance_is_a_crude_rates() -> None:
    # With variance rate^2 / count (an unweighted rate), Dobson is Byar's limits times
    # rate / count: for 4.8 on 25 events, 4.8 * Byar(25) / 25.
    lower, upper = dobson_interval(4.8, 25, 4.8**2 / 25)
    byar_lower, byar_upper = byar_interval(25)
    assert lower == pytest.approx(byar_lower * 4.8 / 25, rel=1e-12)
    assert upper == pytest.approx(byar_upper * 4.8 / 25, rel=1e-12)


def test_dobson_refuses_fewer_than_ten_events_and_negative_variance() -> None:
    with pytest.raises(ValueError, match="10 events"):
        dobson_interval(3.0, 9, 0.5)
    with pytest.raises(ValueError, match="variance"):
        dobson_interval(3.0, 12, -0.1)


def test_wilson_at_99_8_is_wider() -> None:
    # 232 of 500 (46.4%): at 95% 42.07%..50.78%; at 99.8% (z = 3.0902) 39.64%..53.29%, by the
    # closed form (2x + z^2 -+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)).
    x, n = 232, 500
    for z, expected in ((Z_95, (0.4207, 0.5078)), (Z_998, (0.3964, 0.5329))):
        root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
        closed = (
            (2 * x + z * z - root) / (2 * (n + z * z)),
            (2 * x + z * z + root) / (2 * (n + z * z)),
        )
        lower, upper = wilson_interval(x, n, z)
        assert (round(lower, 4), round(upper, 4)) == expected
        assert (lower, upper) == pytest.approx(closed, abs=1e-12)
