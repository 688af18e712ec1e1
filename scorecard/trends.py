"""The recent trend of a measure, as OHID's Fingertips reports it.

Over the latest five consecutive periods, the chi-squared test for trend at the measure's
confidence level (one degree of freedom, so the critical value is z²: 3.84 at 95%, 9.55 at
99.8%):

- proportions: the Cochran-Armitage test on numerators xᵢ of denominators nᵢ at times t = 1..5,
  χ² = N (N Σxt - X Σnt)² / (X (N - X) (N Σnt² - (Σnt)²)), with X = Σx and N = Σn;
- crude rates: its Poisson form, χ² = (N Σxt - X Σnt)² / (X (N Σnt² - (Σnt)²)), events xᵢ in
  populations nᵢ;
- directly standardised rates: the weighted regression of the rates on t with weights
  1 / variance, χ² = (slope / its standard error)², as Fingertips does for indicators that have
  no numerator and denominator to pool.

As in Fingertips, a significant trend must also keep its direction when any one of the five
periods is left out, so that a single odd period cannot make a trend; otherwise it is "No
significant change". Pure standard library, like `compute`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scorecard.compute import Trend
from scorecard.methods import ComparisonMethod, Method, Observation, Polarity, ValueKind

__all__ = ["TREND_PERIODS", "TrendResult", "recent_trend"]

#: Fingertips' recent trends use the latest five points.
TREND_PERIODS = 5


@dataclass(frozen=True)
class TrendResult:
    """The trend and a sentence saying why it cannot be calculated, or how it was tested."""

    trend: Trend
    note: str
    chi_squared: float | None = None


def recent_trend(series: Sequence[Observation], method: Method) -> TrendResult:
    """The recent trend of a local series (oldest first) by the measure's method."""
    if not series:
        return _cannot("there is no figure yet")
    if len(series) < TREND_PERIODS:
        held = f"{len(series)} period{'' if len(series) == 1 else 's'}"
        return _cannot(f"it needs five consecutive periods and {held} {_are(len(series))} held")
    points = list(series[-TREND_PERIODS:])
    for earlier, later in itertools.pairwise(points):
        if later.period != earlier.period.next():
            return _cannot(
                f"the latest five periods are not consecutive: {earlier.period.next().label} "
                "is missing"
            )
    if method.comparison is ComparisonMethod.VALUES:
        return _cannot("the measure's method compares the values only")
    statistic = _STATISTICS.get(method.kind)
    if statistic is None:
        return _cannot(f"a {method.kind.noun} has no numerators and denominators")
    missing = next((p for p in points if _missing_inputs(method.kind, p)), None)
    if missing is not None:
        needs = (
            "event count and variance"
            if method.kind is ValueKind.DSR
            else "numerator and denominator"
        )
        return _cannot(f"there is no {needs} for {missing.period.label}")
    times = list(range(1, TREND_PERIODS + 1))
    chi_squared, slope = statistic(points, times)
    critical = method.confidence.z**2
    span = f"{points[0].period.label} to {points[-1].period.label}"
    test = (
        f"Chi-squared test for trend over {span}: χ² = {chi_squared:.2f} against "
        f"{critical:.2f}, the critical value at {method.confidence.label}"
    )
    if chi_squared <= critical or slope == 0:
        return TrendResult(Trend.NO_CHANGE, f"{test}: not significant", chi_squared)
    for left_out in range(TREND_PERIODS):
        kept = [p for i, p in enumerate(points) if i != left_out]
        _, other = statistic(kept, [t for i, t in enumerate(times) if i != left_out])
        if (other < 0) != (slope < 0):  # as Fingertips: a flat subset counts as rising
            return TrendResult(
                Trend.NO_CHANGE,
                f"{test}, but the direction changes when {points[left_out].period.label} is "
                "left out: not significant",
                chi_squared,
            )
    return TrendResult(_worded(slope > 0, method.polarity), f"{test}: significant", chi_squared)


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def _cannot(why: str) -> TrendResult:
    return TrendResult(Trend.CANNOT, why)


def _missing_inputs(kind: ValueKind, point: Observation) -> bool:
    if kind is ValueKind.DSR:
        return point.numerator is None or point.variance is None or point.variance <= 0
    return point.numerator is None or point.denominator is None


def _worded(increasing: bool, polarity: Polarity) -> Trend:
    if polarity is Polarity.HIGHER_IS_BETTER:
        return Trend.INCREASING_BETTER if increasing else Trend.DECREASING_WORSE
    if polarity is Polarity.LOWER_IS_BETTER:
        return Trend.INCREASING_WORSE if increasing else Trend.DECREASING_BETTER
    return Trend.INCREASING if increasing else Trend.DECREASING


def _sums(points: Sequence[Observation], times: Sequence[int]) -> tuple[float, ...]:
    """N, X, Σxt, Σnt and Σnt² over the points."""
    pairs = [(float(p.numerator or 0), float(p.denominator or 0)) for p in points]
    total = sum(n for _, n in pairs)
    events = sum(x for x, _ in pairs)
    xt = sum(x * t for (x, _), t in zip(pairs, times, strict=True))
    nt = sum(n * t for (_, n), t in zip(pairs, times, strict=True))
    nt2 = sum(n * t * t for (_, n), t in zip(pairs, times, strict=True))
    return total, events, xt, nt, nt2


def _proportion_trend(points: Sequence[Observation], times: Sequence[int]) -> tuple[float, float]:
    """(χ², N Σxt - X Σnt): the sign of the second is the direction of the trend."""
    total, events, xt, nt, nt2 = _sums(points, times)
    slope = total * xt - events * nt
    spread = events * (total - events) * (total * nt2 - nt * nt)
    return (total * slope * slope / spread if spread else 0.0), slope


def _rate_trend(points: Sequence[Observation], times: Sequence[int]) -> tuple[float, float]:
    total, events, xt, nt, nt2 = _sums(points, times)
    slope = total * xt - events * nt
    spread = events * (total * nt2 - nt * nt)
    return (slope * slope / spread if spread else 0.0), slope


def _weighted_trend(points: Sequence[Observation], times: Sequence[int]) -> tuple[float, float]:
    """Weighted least squares of value on t, weights 1 / variance: (χ², slope)."""
    weights = [1 / float(p.variance or 0) for p in points]
    values = [float(p.value) for p in points]
    w = sum(weights)
    wt = sum(wi * t for wi, t in zip(weights, times, strict=True))
    wt2 = sum(wi * t * t for wi, t in zip(weights, times, strict=True))
    wy = sum(wi * y for wi, y in zip(weights, values, strict=True))
    wty = sum(wi * t * y for wi, t, y in zip(weights, times, values, strict=True))
    spread = w * wt2 - wt * wt
    slope = (w * wty - wt * wy) / spread
    return slope * slope / (w / spread), slope


_STATISTICS: dict[
    ValueKind, Callable[[Sequence[Observation], Sequence[int]], tuple[float, float]]
] = {
    ValueKind.PERCENTAGE: _proportion_trend,
    ValueKind.RATE: _rate_trend,
    ValueKind.DSR: _weighted_trend,
}
