"""The warnings a figure can raise: not errors (the figure may be right), but things a data lead
is asked to check and explain in a note before submitting, and an approver sees beside it.

Each warning is written twice: for the data lead (what looks odd and what to do) and for the
approver (what looks odd and what the lead was asked). Both say by how much in plain words.

The outlier rule follows DHIS2's outlier detection: a modified z-score (Iglewicz and Hoaglin),
the distance from the median in units of the median absolute deviation, over the measure's own
last HISTORY_PERIODS consecutive periods. A median and MAD are not dragged by one earlier odd
figure the way a mean and standard deviation are. With too few of those periods filled in, the
figure is compared with the latest approved one, saying how old it is when it is not the period
just before.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from scorecard.figures import uk_number
from scorecard.methods import RATIO_KINDS, ValueKind
from scorecard.models import Measure
from scorecard.periods import PERIOD_NOUNS, Period, PeriodError, gap_text, steps_between

#: The window of history: this many consecutive periods just before the figure's own.
HISTORY_PERIODS = 12
#: How many of those periods must have an approved figure for the z-score to be used.
MIN_HISTORY_FOR_Z = 6
#: |modified z| above this is an outlier (Iglewicz and Hoaglin's recommendation).
Z_LIMIT = Decimal("3.5")
#: 0.6745 is the 75th percentile of the standard normal: it makes the MAD comparable with a
#: standard deviation. When the MAD is 0 (over half the figures identical), Iglewicz and Hoaglin
#: use the mean absolute deviation scaled by 1.253314 instead.
MAD_SCALE = Decimal("0.6745")
MEAN_AD_SCALE = Decimal("1.253314")
#: With too little history, a change of more than this fraction from the latest figure is flagged.
SHORT_HISTORY_CHANGE = Decimal("0.5")
#: A figure compared with one from at least this long before is said to be possibly out of date.
STALE_DAYS = 365

ASK_LEAD = "Check it, and if it is right, say why in the note."
TOLD_LEAD = "The data lead was asked to check it and explain it in the note."


@dataclass(frozen=True)
class FigureWarning:
    """One warning about a figure, worded for the data lead and for the approver."""

    kind: Literal["outlier", "change", "small_count", "small_numerator"]
    lead: str
    reviewer: str

    def stored(self) -> dict[str, str]:
        """As kept on a submitted value (`message` is the data lead's wording, as the API gives)."""
        return {"field": "value", "kind": self.kind, "message": self.lead, "review": self.reviewer}


@lru_cache(maxsize=4096)
def history_start(period: Period) -> Period:
    """The first period of the window of history a figure for `period` is judged against.
    Cached: a large file asks it of the same few hundred periods again and again."""
    start = period
    for _ in range(HISTORY_PERIODS):
        try:
            start = start.previous()
        except PeriodError:  # the window ends where periods begin (MIN_YEAR)
            break
    return start


def figure_warnings(
    measure: Measure,
    period: Period,
    value: Decimal,
    history: list[tuple[Period, Decimal]],
    *,
    numerator: Decimal | None = None,
    local: bool = True,
) -> list[FigureWarning]:
    """What to check about `value` for `period`, given the measure's approved figures before it,
    oldest first: those within the window, or (when the window has none) the latest before it.
    `local` says whether it is the local area's figure (the one the board sees) or England's."""
    found = [
        _outlier(measure, period, value, history),
        _small_numbers(measure, value, numerator, local),
    ]
    return [warning for warning in found if warning]


def _small_numbers(
    measure: Measure, value: Decimal, numerator: Decimal | None, local: bool
) -> FigureWarning | None:
    """A count, or the numerator of a percentage or rate, of at least 1 and below the measure's
    small-number threshold might identify people. A local percentage or rate on it is
    suppressed from the board's views (scorecard.methods.is_small_number) unless the measure
    is publishable."""
    threshold = measure.small_number_threshold
    if measure.kind is ValueKind.COUNT and 1 <= value < threshold:
        count = uk_number(value)
        return FigureWarning(
            "small_count",
            f"A count of {count} is small enough that it might identify people: check it "
            "can be published, and add a note.",
            f"Small count: {count} might identify people once published. The data lead was "
            "asked to check it can be published and to say so in the note.",
        )
    if measure.kind not in RATIO_KINDS or numerator is None or not 1 <= numerator < threshold:
        return None
    events = uk_number(numerator)
    shown = (
        "it will be published, as the measure allows"
        if measure.publish_small_numbers or not local
        else "the board will see it as 'Suppressed (small numbers)'"
    )
    return FigureWarning(
        "small_numerator",
        f"The numerator {events} is fewer than {threshold}: a figure on so few events might "
        f"identify people, and {shown}. Check it, and add a note.",
        f"Small numbers: the numerator {events} is fewer than {threshold}, and {shown}. The "
        "data lead was asked to check it and to say so in the note.",
    )


def _outlier(
    measure: Measure, period: Period, value: Decimal, history: list[tuple[Period, Decimal]]
) -> FigureWarning | None:
    start = history_start(period)
    recent = [(p, v) for p, v in history if start <= p < period]
    if len(recent) >= MIN_HISTORY_FOR_Z:
        figures = [v for _, v in recent]
        median: Decimal = statistics.median(figures)
        outlying = _is_outlier(value, median, figures, measure.decimal_places)
        if outlying is not None:
            return _far_from_usual(measure, period, value, recent, median) if outlying else None
    earlier = [(p, v) for p, v in history if p < period]
    return _large_change(measure, period, value, *earlier[-1]) if earlier else None


def _is_outlier(
    value: Decimal, median: Decimal, figures: list[Decimal], places: int
) -> bool | None:
    """Whether |modified z| exceeds Z_LIMIT; None when every figure is the median (no spread).

    The spread is the MAD (or, when that is 0, the mean absolute deviation), scaled to a
    standard deviation, and never less than one unit of the measure's last decimal place:
    figures are rounded to it, so a smaller spread is rounding, not a signal.
    """
    mad: Decimal = statistics.median([abs(v - median) for v in figures])
    if mad:
        spread = mad / MAD_SCALE
    else:
        mean_ad = sum((abs(v - median) for v in figures), Decimal(0)) / len(figures)
        if not mean_ad:
            return None
        spread = MEAN_AD_SCALE * mean_ad
    spread = max(spread, Decimal(1).scaleb(-places))
    return abs((value - median) / spread) > Z_LIMIT


def _far_from_usual(
    measure: Measure,
    period: Period,
    value: Decimal,
    recent: list[tuple[Period, Decimal]],
    median: Decimal,
) -> FigureWarning:
    places = measure.decimal_places
    figure, usual = uk_number(value, places), uk_number(median, places)
    low = uk_number(min(v for _, v in recent), places)
    high = uk_number(max(v for _, v in recent), places)
    span = _span(period, recent)
    how = how_different(value, median, places)
    direction = "high" if value > median else "low"
    return FigureWarning(
        "outlier",
        f"{figure} is {how} the usual figure for this measure: over {span} the median was "
        f"{usual}, and figures ranged from {low} to {high}. {ASK_LEAD}",
        f"Unusually {direction}: {figure} is {how} this measure's median of {usual} over "
        f"{span} (range {low} to {high}). {TOLD_LEAD}",
    )


def _span(period: Period, recent: list[tuple[Period, Decimal]]) -> str:
    """The window in words: "the last 12 months (Oct 22 to Sept 23)", or, with gaps, "the 8
    months with figures between Oct 22 and Sept 23"."""
    _, plural = PERIOD_NOUNS[period.type]
    first, last = recent[0][0], recent[-1][0]
    if len(recent) == HISTORY_PERIODS:
        return f"the last {HISTORY_PERIODS} {plural} ({first.label} to {last.label})"
    return f"the {len(recent)} {plural} with figures between {first.label} and {last.label}"


def _large_change(
    measure: Measure, period: Period, value: Decimal, last_period: Period, last: Decimal
) -> FigureWarning | None:
    if last == 0:
        if value == 0:
            return None
    elif abs(value - last) <= SHORT_HISTORY_CHANGE * abs(last):
        return None
    places = measure.decimal_places
    figure, before = uk_number(value, places), uk_number(last, places)
    how = how_different(value, last, places)
    if steps_between(last_period, period) <= 1:
        told = f"{figure} is {how} the figure for {last_period.label} ({before})."
        return FigureWarning("change", f"{told} {ASK_LEAD}", f"Large change: {told} {TOLD_LEAD}")
    told = (
        f"{figure} is {how} the latest approved figure, {before} for {last_period.label}, which "
        f"is {gap_text(last_period, period)} before {period.label} with no figures in between"
    )
    if (period.start - last_period.start).days >= STALE_DAYS:
        told += ", so the comparison may be out of date"
    return FigureWarning(
        "change",
        f"{told}. {ASK_LEAD}",
        f"Large change against an older figure: {told}. {TOLD_LEAD}",
    )


def how_different(value: Decimal, base: Decimal, places: int) -> str:
    """How `value` compares with `base`, in words that go before "the …": "about 10 times",
    "2.5 times", "4 times", "45% higher than", "60% lower than"; a difference when `base` is
    not positive."""
    if base > 0 and value >= 0:
        ratio = value / base
        if ratio >= 10:
            return f"about {uk_number(ratio, 0)} times"
        if ratio >= 2:
            return f"{uk_number(ratio, 1).removesuffix('.0')} times"
        percent = (ratio - 1) * 100
        if round(percent) == 0:
            return "about the same as"
        word = "higher" if percent > 0 else "lower"
        return f"{uk_number(abs(percent), 0)}% {word} than"
    difference = value - base
    if difference == 0:
        return "the same as"
    word = "higher" if difference > 0 else "lower"
    return f"{uk_number(abs(difference), places)} {word} than"
