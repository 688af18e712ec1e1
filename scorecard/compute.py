"""The scorecard's rules as pure functions: comparison with England by each measure's method,
better or worse, direction of travel, and the words the board reads.

Everything here is deterministic and free of Django so the rules can be unit- and property-tested
in isolation and called from a Celery task through a service. A measure's method is in
`scorecard.methods`, the intervals in `scorecard.intervals`, the recent trend in
`scorecard.trends`.

Figures are ``Decimal`` because the scorecard shows them at a fixed number of decimal places and
compares untested figures *as displayed* (ROUND_HALF_UP), which binary floats cannot do reliably.
The statistics work in floats: they are approximations anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from scorecard import intervals
from scorecard.figures import at_precision, uk_number
from scorecard.methods import (
    RATIO_KINDS,
    ComparisonMethod,
    Method,
    Observation,
    Polarity,
    ValueKind,
    is_comparable_kind,
    is_small_number,
)
from scorecard.periods import Period

__all__ = [
    "AS_PUBLISHED",
    "NOT_COMPARED",
    "SUPPRESSED",
    "VALUES_ONLY",
    "Comparison",
    "Direction",
    "Interval",
    "Judgement",
    "NoInterval",
    "StatedDirection",
    "Trend",
    "Verdict",
    "as_published",
    "compare_with_england",
    "confidence_interval",
    "direction_of_travel",
    "judgement",
    "travel",
]


class Direction(StrEnum):
    """Direction of travel between two consecutive periods, as the scorecard's arrows."""

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


class Judgement(StrEnum):
    """Whether the local value is better or worse than England's, given the polarity; only a
    tested comparison is judged."""

    BETTER = "Better"
    WORSE = "Worse"
    SIMILAR = "Similar"
    NOT_TESTED = "Not tested"
    NOT_JUDGED = "Not judged"


class Trend(StrEnum):
    """The recent trend in Fingertips' words (scorecard.trends tests it)."""

    INCREASING_BETTER = "Increasing and getting better"
    INCREASING_WORSE = "Increasing and getting worse"
    DECREASING_BETTER = "Decreasing and getting better"
    DECREASING_WORSE = "Decreasing and getting worse"
    INCREASING = "Increasing"
    DECREASING = "Decreasing"
    NO_CHANGE = "No significant change"
    CANNOT = "Cannot be calculated"


#: Method of a row compared without an interval, of a row not compared, and of a row as an
#: imported document published it (the document does not say how it compared).
VALUES_ONLY = "values only"
NOT_COMPARED = "not compared"
AS_PUBLISHED = "as published"

#: The words a suppressed figure reads as, on pages and in files.
SUPPRESSED = "Suppressed (small numbers)"


def as_published(edition: str, compared: str) -> dict[str, object]:
    """The verdict fields of a row that an imported document judged itself: its comparison and
    arrow as published, untested since the document does not say how it compared."""
    return {
        "method": AS_PUBLISHED,
        "tested": False,
        "judgement": Judgement.NOT_TESTED.value,
        "trend": Trend.CANNOT.value,
        "comparison_reason": (
            f"not compared in {edition}"
            if compared == Comparison.NOT_COMPARABLE
            else f"compared as published in {edition}, which does not say how"
        ),
        "direction_reason": f"as published in {edition}",
        "trend_note": f"{edition} does not state one",
    }


# --- Confidence intervals of a figure -------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A figure's confidence interval in the measure's units, and the method that gave it."""

    lower: float
    upper: float
    method: str


@dataclass(frozen=True)
class NoInterval:
    """Why a figure has no interval (the clause completes "not tested: …")."""

    reason: str


def confidence_interval(method: Method, observation: Observation) -> Interval | NoInterval:
    """The figure's interval by its measure's method, or why there is none.

    Proportions: Wilson on numerator / denominator, times the multiplier. Crude rates: Byar on
    the event count (exact Poisson below 10, so zero events have the exact upper limit), times
    multiplier ÷ denominator, never scaled by the rounded value. Directly standardised rates:
    Dobson on the event count and the rate's variance. Anything else has none.
    """
    kind, level = method.kind, method.confidence
    if method.comparison is ComparisonMethod.VALUES:
        return NoInterval("the measure's method compares the values only")
    if kind not in RATIO_KINDS:
        return NoInterval(f"a {kind.noun} has no confidence interval here")
    label = observation.period.label
    numerator, denominator = observation.numerator, observation.denominator
    if kind is ValueKind.DSR:
        if numerator is None or observation.variance is None:
            return NoInterval(f"no event count and variance for {label}")
        if numerator < intervals.DOBSON_MIN_COUNT:
            return NoInterval(
                f"fewer than {intervals.DOBSON_MIN_COUNT} events in {label}, too few for a "
                "standardised rate's interval"
            )
        lower, upper = intervals.dobson_interval(
            float(observation.value), float(numerator), float(observation.variance), level.z
        )
        return Interval(lower, upper, f"Dobson {level.label}")
    if numerator is None or denominator is None:
        return NoInterval(f"no numerator and denominator for {label}")
    if method.multiplier is None:
        return NoInterval("the measure has no multiplier in the catalogue")
    if numerator > denominator:
        return NoInterval(f"the numerator for {label} is larger than its denominator")
    if kind is ValueKind.PERCENTAGE:
        low, high = intervals.wilson_interval(float(numerator), float(denominator), level.z)
        return Interval(low * method.multiplier, high * method.multiplier, f"Wilson {level.label}")
    count_lower, count_upper = intervals.byar_interval(float(numerator), level.z)
    scale = method.multiplier / float(denominator)
    name = "Byar" if numerator >= intervals.BYAR_MIN_COUNT else "exact Poisson"
    return Interval(count_lower * scale, count_upper * scale, f"{name} {level.label}")


# --- Comparison with England ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A figure compared with England's: the scorecard's word, whether a confidence interval
    decided it, how, the interval, and why it is not compared or not tested (else None)."""

    compared: Comparison
    tested: bool
    method: str
    lower: float | None = None
    upper: float | None = None
    reason: str | None = None
    suppressed: bool = False


def compare_with_england(
    method: Method,
    local: Observation | None,
    england: Decimal | None,
    *,
    england_period: Period | None = None,
) -> Verdict:
    """Compare the local figure with England's figure for the same period.

    By the measure's method: England inside the local interval (limits included) is SIMILAR,
    below it the local figure is HIGHER, above it LOWER. A figure without an interval is compared
    on the values as displayed and is not tested. `england_period` is England's latest period
    when it has no figure for the local one, to say so.
    """
    if local is None:
        return _not_compared("there is no figure yet")
    if is_small_number(method, local):
        return Verdict(
            Comparison.NOT_COMPARABLE,
            False,
            NOT_COMPARED,
            reason=f"suppressed (small numbers): fewer than {method.small_number_threshold} events",
            suppressed=True,
        )
    if not is_comparable_kind(method.kind):
        return _not_compared(f"a {method.kind.value} depends on the size of the area")
    if not method.comparable:
        return _not_compared("the measure is not compared with England (its catalogue setting)")
    if england is None:
        label = local.period.label
        if england_period is not None and england_period != local.period:
            return _not_compared(
                f"England's latest figure is for {england_period.label}, not {label}"
            )
        return _not_compared(f"there is no England figure for {label}")
    interval = confidence_interval(method, local)
    if isinstance(interval, NoInterval):
        return Verdict(
            _compare_values(local.value, england, method.places),
            False,
            VALUES_ONLY,
            reason=interval.reason
            if method.comparison is ComparisonMethod.VALUES
            else f"{interval.reason}, so the values were compared without a test",
        )
    return Verdict(
        _compare_with_interval(float(england), interval.lower, interval.upper),
        True,
        interval.method,
        interval.lower,
        interval.upper,
    )


def _not_compared(reason: str) -> Verdict:
    return Verdict(Comparison.NOT_COMPARABLE, False, NOT_COMPARED, reason=reason)


def _compare_with_interval(england: float, lower: float, upper: float) -> Comparison:
    """Place England against the local confidence interval (limits inclusive)."""
    if england < lower:
        return Comparison.HIGHER
    if england > upper:
        return Comparison.LOWER
    return Comparison.SIMILAR


def _order_as_shown(first: Decimal, second: Decimal, places: int) -> int:
    """1, 0 or -1 as `first` is above, equal to or below `second` at the displayed precision."""
    shown_first, shown_second = at_precision(first, places), at_precision(second, places)
    return (shown_first > shown_second) - (shown_first < shown_second)


def _compare_values(local: Decimal, england: Decimal, places: int) -> Comparison:
    """The published scorecard's plain rule: the figures as displayed."""
    return (Comparison.LOWER, Comparison.SIMILAR, Comparison.HIGHER)[
        _order_as_shown(local, england, places) + 1
    ]


def judgement(comparison: Comparison, polarity: Polarity, *, tested: bool) -> Judgement:
    """Better / worse for the measure's polarity, given only for a tested comparison."""
    if not tested or comparison is Comparison.NOT_COMPARABLE:
        return Judgement.NOT_TESTED
    if polarity is Polarity.NO_JUDGEMENT:
        return Judgement.NOT_JUDGED
    if comparison is Comparison.SIMILAR:
        return Judgement.SIMILAR
    higher_is_better = polarity is Polarity.HIGHER_IS_BETTER
    is_higher = comparison is Comparison.HIGHER
    return Judgement.BETTER if is_higher == higher_is_better else Judgement.WORSE


# --- Direction of travel --------------------------------------------------------------------------


def direction_of_travel(latest: Decimal | None, previous: Decimal | None, places: int) -> Direction:
    """Arrow for the change between two figures.

    Compared at the displayed precision, so a reader never sees an arrow between two figures that
    look equal.
    """
    if latest is None or previous is None:
        return Direction.UNKNOWN
    return (Direction.DOWN, Direction.SAME, Direction.UP)[
        _order_as_shown(latest, previous, places) + 1
    ]


@dataclass(frozen=True)
class StatedDirection:
    """The direction an imported edition stated for a period and the value it stated it for."""

    edition: str
    period: Period
    value: Decimal | None
    direction: Direction


def travel(
    series: Sequence[Observation],
    places: int,
    stated: Sequence[StatedDirection] = (),
    *,
    suppressed: Sequence[Period] = (),
) -> tuple[Direction, str | None]:
    """The direction of travel of a series (oldest first) and, where it is not computed from two
    consecutive periods, why.

    Only between the latest period and the one just before it. Where that one is not held, the
    direction an imported edition stated for the latest period and value is kept ("as published
    in May-2024"); otherwise, or when the value was corrected since, there is no direction.
    Neither figure may be suppressed, or the arrow would tell what was hidden.
    """
    if not series:
        return Direction.UNKNOWN, "there is no figure yet"
    latest = series[-1]
    previous = series[-2] if len(series) > 1 else None
    consecutive = previous is not None and previous.period == latest.period.previous()
    if latest.period in suppressed or (consecutive and previous and previous.period in suppressed):
        return Direction.UNKNOWN, "a figure is suppressed (small numbers)"
    if consecutive and previous is not None:
        return direction_of_travel(latest.value, previous.value, places), None
    for statement in stated:
        if statement.period != latest.period:
            continue
        if statement.value is None or statement.value != latest.value:
            shown = uk_number(latest.value, places)
            return Direction.UNKNOWN, (
                f"the {latest.period.label} figure is now {shown}, not the one "
                f"{statement.edition} stated its direction for"
            )
        return statement.direction, f"as published in {statement.edition}"
    before = latest.period.previous().label
    if previous is None:
        return Direction.UNKNOWN, f"only {latest.period.label} is held: {before} is not"
    return Direction.UNKNOWN, f"{before}, the period before {latest.period.label}, is not held"
