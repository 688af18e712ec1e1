"""The scorecard's rules as pure functions.

Everything here is deterministic and free of Django so the rules can be unit- and property-tested
in isolation and called from a Celery task through a service. Only the standard library is used:
the confidence intervals (Wilson, Byar, exact Poisson) are implemented here rather than taken from
scipy, following the methods Public Health England's Fingertips uses for its "compared with
England" significance markers.

Figures are ``Decimal`` because the scorecard shows them at a fixed number of decimal places and
compares them *as displayed* (ROUND_HALF_UP), which binary floats cannot do reliably. The
statistics work in floats: they are approximations anyway.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from scorecard.figures import at_precision

__all__ = [
    "POLARITY_LABELS",
    "VALUE_KIND_LABELS",
    "Z_95",
    "Comparison",
    "Direction",
    "Judgement",
    "Polarity",
    "ValueKind",
    "byar_interval",
    "compare_with_england",
    "direction_of_travel",
    "exact_poisson_interval",
    "infer_value_kind",
    "is_comparable_kind",
    "judgement",
    "rate_multiplier",
    "wilson_interval",
]

#: Two-sided 95% standard normal quantile, as Fingertips uses (not the rounded 1.96).
Z_95 = 1.959963984540054

#: Below this many events Byar's approximation is poor, so exact Poisson limits are used instead.
BYAR_MIN_COUNT = 10


class Direction(StrEnum):
    """Direction of travel between the two most recent periods, as the scorecard's arrows."""

    UP = "↑"
    DOWN = "↓"
    SAME = "↔"
    UNKNOWN = "\N{MULTIPLICATION SIGN}"


class Comparison(StrEnum):
    """The local value compared with England's, as written in the scorecard."""

    HIGHER = "Higher"
    LOWER = "Lower"
    SIMILAR = "Similar"
    NOT_COMPARABLE = "Not Comparable"


class ValueKind(StrEnum):
    """What a measure's figure is; decides whether and how it may be compared with England."""

    COUNT = "count"
    VOLUME = "volume"
    PERCENTAGE = "percentage"
    RATE = "rate"
    AVERAGE = "average"
    OTHER = "other"


class Polarity(StrEnum):
    """Which way is good for a measure, so a comparison can be turned into a judgement."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NO_JUDGEMENT = "no_judgement"


class Judgement(StrEnum):
    """Whether the local value is better or worse than England's, given the polarity."""

    BETTER = "better"
    WORSE = "worse"
    SIMILAR = "similar"
    NONE = "none"


VALUE_KIND_LABELS: dict[ValueKind, str] = {
    ValueKind.COUNT: "Count (not compared with England)",
    ValueKind.VOLUME: "Volume, e.g. grams (not compared with England)",
    ValueKind.PERCENTAGE: "Percentage",
    ValueKind.RATE: "Rate per population",
    ValueKind.AVERAGE: "Average",
    ValueKind.OTHER: "Other",
}

POLARITY_LABELS: dict[Polarity, str] = {
    Polarity.HIGHER_IS_BETTER: "Higher is better",
    Polarity.LOWER_IS_BETTER: "Lower is better",
    Polarity.NO_JUDGEMENT: "No judgement (neither direction is better)",
}


# --- Units, precision and display -------------------------------------------------------------

# Checked in order: "Average count" is an average, "Percentage rate" a percentage.
_KIND_PATTERNS: tuple[tuple[re.Pattern[str], ValueKind], ...] = (
    (re.compile(r"\b(average|mean|median)\b"), ValueKind.AVERAGE),
    (re.compile(r"\b(percentage|percent|proportion)\b|%"), ValueKind.PERCENTAGE),
    (re.compile(r"\brates?\b|\bper\s+[\d,.]+\s*k?\b"), ValueKind.RATE),
    (re.compile(r"\bvolumes?\b"), ValueKind.VOLUME),
    (re.compile(r"\b(counts?|numbers?)\b"), ValueKind.COUNT),
)


def infer_value_kind(unit: str) -> ValueKind:
    """Infer the kind of figure from its unit as written ("Monthly count", "Rate per 1k ...").

    Scorecards state the unit in free text with a period prefix, so this matches key words rather
    than whole strings; anything unrecognised is OTHER, which is still compared with England.
    """
    text = unit.strip().lower()
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return ValueKind.OTHER


_PER = re.compile(r"\bper\s+([\d,]+(?:\.\d+)?)\s*(k\b)?", re.IGNORECASE)


def rate_multiplier(unit: str) -> Decimal | None:
    """The 'per N' of a rate's unit ("Rate per 1k population" → 1000), or None if unstated."""
    match = _PER.search(unit)
    if not match:
        return None
    number = Decimal(match[1].replace(",", ""))
    return number * 1000 if match[2] else number


#: Kinds of figure worked out from a numerator and a denominator, which data leads may give too.
RATIO_KINDS = frozenset({ValueKind.PERCENTAGE, ValueKind.RATE, ValueKind.AVERAGE})


def is_comparable_kind(kind: ValueKind) -> bool:
    """Say whether figures of this kind can be compared with England at all.

    A local count or volume depends on the size of the area, so comparing it with England's total
    is meaningless (reference row 35: 9 under-18s in treatment against England's 10987).
    """
    return kind not in (ValueKind.COUNT, ValueKind.VOLUME)


# --- Direction of travel and comparison with England ------------------------------------------


def direction_of_travel(latest: Decimal | None, previous: Decimal | None, places: int) -> Direction:
    """Arrow for the change between the two most recent periods.

    Compared at the displayed precision, so a reader never sees an arrow between two figures that
    look equal.
    """
    if latest is None or previous is None:
        return Direction.UNKNOWN
    new, old = at_precision(latest, places), at_precision(previous, places)
    if new > old:
        return Direction.UP
    if new < old:
        return Direction.DOWN
    return Direction.SAME


def _compare_with_interval(england: float, lower: float, upper: float) -> Comparison:
    """Place England against the local confidence interval (limits inclusive)."""
    if england < lower:
        return Comparison.HIGHER
    if england > upper:
        return Comparison.LOWER
    return Comparison.SIMILAR


def compare_with_england(
    local: Decimal | None,
    england: Decimal | None,
    *,
    kind: ValueKind,
    places: int,
    comparable: bool = True,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> Comparison:
    """Compare the local figure with England's.

    With the underlying numbers the comparison is statistical, as Fingertips does it: a
    percentage's 95% Wilson interval, or a rate's 95% Byar (exact Poisson below 10 events)
    interval scaled from the event count; England inside the interval is SIMILAR. Without them
    the published scorecard's plain rule applies: compare the figures as displayed.

    A rate with zero events cannot be scaled (local / numerator is 0 / 0), so it falls back to the
    plain rule. Invalid numerators (negative, or above the denominator) raise ValueError rather
    than produce a misleading marker.
    """
    if not comparable or not is_comparable_kind(kind) or local is None or england is None:
        return Comparison.NOT_COMPARABLE
    if (
        kind is ValueKind.PERCENTAGE
        and numerator is not None
        and denominator is not None
        and denominator > 0
    ):
        lower, upper = wilson_interval(float(numerator), float(denominator))
        return _compare_with_interval(float(england), lower * 100, upper * 100)
    if kind is ValueKind.RATE and numerator is not None and numerator != 0:
        count_lower, count_upper = byar_interval(float(numerator))
        scale = float(local) / float(numerator)
        return _compare_with_interval(float(england), count_lower * scale, count_upper * scale)
    shown_local, shown_england = at_precision(local, places), at_precision(england, places)
    if shown_local > shown_england:
        return Comparison.HIGHER
    if shown_local < shown_england:
        return Comparison.LOWER
    return Comparison.SIMILAR


def judgement(comparison: Comparison, polarity: Polarity) -> Judgement:
    """Turn a comparison into better / worse for the measure's polarity (for colouring cells)."""
    if comparison is Comparison.NOT_COMPARABLE or polarity is Polarity.NO_JUDGEMENT:
        return Judgement.NONE
    if comparison is Comparison.SIMILAR:
        return Judgement.SIMILAR
    higher_is_better = polarity is Polarity.HIGHER_IS_BETTER
    is_higher = comparison is Comparison.HIGHER
    return Judgement.BETTER if is_higher == higher_is_better else Judgement.WORSE


# --- Confidence intervals ----------------------------------------------------------------------


def wilson_interval(numerator: float, denominator: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for the proportion numerator / denominator, limits within 0..1.

    Fingertips' method for proportions: unlike the normal approximation it behaves at 0% and 100%
    and for small denominators.
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if not 0 <= numerator <= denominator:
        raise ValueError("numerator must be between 0 and the denominator")
    p = numerator / denominator
    z2 = z * z
    centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator)
    half_width = (z / (1 + z2 / denominator)) * math.sqrt(
        p * (1 - p) / denominator + z2 / (4 * denominator * denominator)
    )
    # The formula gives exactly 0 and 1 at the extremes; pin them against rounding error.
    lower = 0.0 if numerator == 0 else max(0.0, min(p, centre - half_width))
    upper = 1.0 if numerator == denominator else min(1.0, max(p, centre + half_width))
    return lower, upper


def byar_interval(count: float, z: float = Z_95) -> tuple[float, float]:
    """Confidence limits for an event count, by Byar's method.

    Fingertips' method for rates: Byar's approximation to the Poisson limits, replaced by the
    exact limits below 10 events where the approximation is poor. A zero count has lower limit 0.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count < BYAR_MIN_COUNT:
        return _exact_poisson_limits(count, _confidence_of(z))
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    after = count + 1
    upper = after * (1 - 1 / (9 * after) + z / (3 * math.sqrt(after))) ** 3
    return max(0.0, lower), upper


def exact_poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence limits for a Poisson count.

    These are the chi-squared quantiles chi2(a/2, 2k)/2 and chi2(1-a/2, 2k+2)/2, found by
    bisection on the regularised incomplete gamma function so no scipy is needed.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    return _exact_poisson_limits(float(count), confidence)


def _confidence_of(z: float) -> float:
    """Two-sided confidence level of a standard normal quantile (1.96 -> 0.95)."""
    return math.erf(z / math.sqrt(2))


def _exact_poisson_limits(count: float, confidence: float) -> tuple[float, float]:
    """Garwood limits, valid for non-integral counts too (the gamma form does not need k!)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be strictly between 0 and 1")
    tail = (1 - confidence) / 2
    # P(X >= k | L) = tail  <=>  P(k, L) = tail, with P the regularised lower incomplete gamma.
    lower = 0.0 if count == 0 else _solve_increasing(lambda m: _gamma_p(count, m), tail)
    # P(X <= k | U) = tail  <=>  P(k + 1, U) = 1 - tail.
    upper = _solve_increasing(lambda m: _gamma_p(count + 1, m), 1 - tail)
    return lower, upper


def _solve_increasing(function: Callable[[float], float], target: float) -> float:
    """Find x >= 0 with function(x) == target for an increasing function from 0 toward 1."""
    low, high = 0.0, 1.0
    while function(high) < target:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):  # converged to float resolution
            break
        if function(middle) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


_TINY = 1e-300


def _gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x), by series or continued fraction.

    The standard pairing (Numerical Recipes 6.2): the series converges fast for x < a + 1, the
    Lentz continued fraction for the complement elsewhere; both to double precision.
    """
    if x <= 0:
        return 0.0
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        denominator = a
        for _ in range(100_000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return min(1.0, total * math.exp(log_prefactor))
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    fraction = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        delta = d * c
        fraction *= delta
        if abs(delta - 1) < 1e-16:
            break
    return max(0.0, 1 - math.exp(log_prefactor) * fraction)
