"""The warnings a figure can raise: not errors (the figure may be right), but things a data lead
is asked to check and explain in a note before submitting, and an approver sees beside it."""

import statistics
from decimal import Decimal

from scorecard.figures import uk_number
from scorecard.methods import RATIO_KINDS, ValueKind
from scorecard.models import Measure
from scorecard.periods import Period

#: Outlier rule: modified z-score (Iglewicz and Hoaglin) over this many recent approved periods.
HISTORY_PERIODS = 8
MIN_HISTORY_FOR_Z = 4
Z_LIMIT = 3.5
#: With too little history for the z-score, a change of more than this fraction is flagged.
SHORT_HISTORY_CHANGE = Decimal("0.5")


def figure_warnings(
    measure: Measure,
    value: Decimal,
    history: list[tuple[Period, Decimal]],
    *,
    numerator: Decimal | None = None,
    local: bool = True,
) -> list[str]:
    """What a data lead is asked to check (and explain in a note) about a figure, given the
    measure's approved figures for the periods before it, oldest first; `local` says whether it
    is the local area's figure (the one the board sees) rather than England's."""
    found = [_outlier(measure, value, history), _small_numbers(measure, value, numerator, local)]
    return [warning for warning in found if warning]


def _small_numbers(
    measure: Measure, value: Decimal, numerator: Decimal | None, local: bool
) -> str | None:
    """A count, or the numerator of a percentage or rate, of at least 1 and below the measure's
    small-number threshold might identify people. A local percentage or rate on it is
    suppressed from the board's views (scorecard.methods.is_small_number) unless the measure
    is publishable."""
    threshold = measure.small_number_threshold
    if measure.kind is ValueKind.COUNT and 1 <= value < threshold:
        return (
            f"A count of {uk_number(value)} is small enough that it might identify people: "
            "check it can be published, and add a note."
        )
    if measure.kind not in RATIO_KINDS or numerator is None or not 1 <= numerator < threshold:
        return None
    shown = (
        "it will be published, as the measure allows"
        if measure.publish_small_numbers or not local
        else "the board will see it as 'Suppressed (small numbers)'"
    )
    return (
        f"The numerator {uk_number(numerator)} is fewer than {threshold}: a figure on so few "
        f"events might identify people, and {shown}. Check it, and add a note."
    )


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
