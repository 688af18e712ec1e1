"""The warnings a figure can raise: not errors (the figure may be right), but things a data lead
is asked to check and explain in a note before submitting, and an approver sees beside it."""

import statistics
from decimal import Decimal

from scorecard.compute import ValueKind
from scorecard.figures import uk_number
from scorecard.models import Measure
from scorecard.periods import Period

#: Outlier rule: modified z-score (Iglewicz and Hoaglin) over this many recent approved periods.
HISTORY_PERIODS = 8
MIN_HISTORY_FOR_Z = 4
Z_LIMIT = 3.5
#: With too little history for the z-score, a change of more than this fraction is flagged.
SHORT_HISTORY_CHANGE = Decimal("0.5")
#: Counts this small might identify people once published.
SMALL_COUNTS = (Decimal(1), Decimal(4))


def figure_warnings(
    measure: Measure, value: Decimal, history: list[tuple[Period, Decimal]]
) -> list[str]:
    """What a data lead is asked to check (and explain in a note) about a figure, given the
    measure's approved figures for the periods before it, oldest first."""
    warnings = []
    outlier = _outlier(measure, value, history)
    if outlier:
        warnings.append(outlier)
    low, high = SMALL_COUNTS
    if measure.kind is ValueKind.COUNT and low <= value <= high:
        warnings.append(
            f"A count of {uk_number(value)} is small enough that it might identify people: "
            "check it can be published, and add a note."
        )
    return warnings


def _outlier(measure: Measure, value: Decimal, history: list[tuple[Period, Decimal]]) -> str | None:
    """A robust check against recent history: the modified z-score using the median absolute
    deviation, which one earlier odd figure cannot distort the way a mean and standard deviation
    would; with too little history, a change of more than half from the previous figure."""
    if not history:
        return None
    places = measure.decimal_places
    recent = [v for _, v in history]
    if len(recent) >= MIN_HISTORY_FOR_Z:
        median = statistics.median(recent)
        mad = statistics.median(abs(v - median) for v in recent)
        if mad != 0:
            score = Decimal("0.6745") * (value - median) / mad
            if abs(score) > Decimal(str(Z_LIMIT)):
                return (
                    f"{uk_number(value)} is far from this measure's recent figures (median "
                    f"{uk_number(median, places)} over the last {len(recent)} periods): check it, "
                    "and add a note explaining it."
                )
            return None
    last_period, last = history[-1]
    if abs(value - last) > SHORT_HISTORY_CHANGE * abs(last) or (last == 0 and value != 0):
        direction = "higher" if value > last else "lower"
        return (
            f"{uk_number(value)} is more than half {direction} than the previous figure "
            f"({uk_number(last, places)} for {last_period.label}): check it, and add a note "
            "explaining it."
        )
    return None
