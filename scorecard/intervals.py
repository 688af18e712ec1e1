"""Confidence intervals, as OHID's Fingertips computes them (PHEindicatormethods).

- proportions: the Wilson score interval;
- event counts (crude rates): Byar's approximation, replaced by the exact Poisson (Garwood)
  limits below 10 events, where the approximation is poor;
- directly standardised rates: Dobson's method, which moves the rate by the count's Byar limits
  scaled by the rate's standard error per event (Dobson et al., Stat Med 1991;10:457-62).

Pure standard library: the exact limits are found by bisection on the regularised incomplete
gamma function, so no scipy is needed. Floats throughout: the statistics are approximations.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = [
    "BYAR_MIN_COUNT",
    "DOBSON_MIN_COUNT",
    "Z_95",
    "Z_998",
    "byar_interval",
    "confidence_of",
    "dobson_interval",
    "exact_poisson_interval",
    "wilson_interval",
]

#: Two-sided 95% standard normal quantile, as Fingertips uses (not the rounded 1.96).
Z_95 = 1.959963984540054
#: Two-sided 99.8% quantile (qnorm(0.999)), Fingertips' other level ("3 standard deviations").
Z_998 = 3.090232306167813

#: Below this many events Byar's approximation is poor, so exact Poisson limits are used instead.
BYAR_MIN_COUNT = 10
#: Below this many events PHEindicatormethods (phe_dsr) gives no directly standardised rate.
DOBSON_MIN_COUNT = 10


def confidence_of(z: float) -> float:
    """Two-sided confidence level of a standard normal quantile (1.96 -> 0.95)."""
    return math.erf(z / math.sqrt(2))


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
    exact limits below 10 events where the approximation is poor. A zero count has lower limit 0
    and the exact upper limit (3.69 at 95%).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count < BYAR_MIN_COUNT:
        return _exact_poisson_limits(count, confidence_of(z))
    return _byar_limits(count, z)


def _byar_limits(count: float, z: float) -> tuple[float, float]:
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    after = count + 1
    upper = after * (1 - 1 / (9 * after) + z / (3 * math.sqrt(after))) ** 3
    return max(0.0, lower), upper


def dobson_interval(
    rate: float, count: float, variance: float, z: float = Z_95
) -> tuple[float, float]:
    """Dobson's limits for a directly standardised rate, in the rate's own units.

    `count` is the total of observed events and `variance` the variance of the standardised
    rate in the rate's units squared, i.e. Σ xᵢ(wᵢ/nᵢ)² / (Σ wᵢ)² * multiplier² for events xᵢ,
    populations nᵢ and standard-population weights wᵢ. The limits are the rate moved by
    (Byar limit - count) * √(variance / count), as phe_dsr computes them; below 10 events
    there is no reliable rate, so ValueError.
    """
    if count < DOBSON_MIN_COUNT:
        raise ValueError(f"a directly standardised rate needs at least {DOBSON_MIN_COUNT} events")
    if variance < 0:
        raise ValueError("variance must not be negative")
    count_lower, count_upper = _byar_limits(count, z)
    per_event = math.sqrt(variance / count)
    return rate + (count_lower - count) * per_event, rate + (count_upper - count) * per_event


def exact_poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence limits for a Poisson count.

    These are the chi-squared quantiles chi2(a/2, 2k)/2 and chi2(1-a/2, 2k+2)/2, found by
    bisection on the regularised incomplete gamma function so no scipy is needed.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    return _exact_poisson_limits(float(count), confidence)


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
