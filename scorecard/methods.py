"""What a measure's figures are and how they are to be read: its method, as the catalogue
states it (value type, multiplier, confidence level, comparison method, polarity, small-number
rule), never guessed from the unit when a figure is read.

`guess_method` only proposes a method for a measure that an imported document creates, for an
admin to confirm. Pure standard library, like `compute`, which applies these methods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from scorecard import intervals
from scorecard.periods import Period

__all__ = [
    "COMPARISON_METHOD_LABELS",
    "NUMERATOR_KINDS",
    "POLARITY_LABELS",
    "RATIO_KINDS",
    "VALUE_KIND_LABELS",
    "ComparisonMethod",
    "ConfidenceLevel",
    "GuessedMethod",
    "Method",
    "Observation",
    "Polarity",
    "ValueKind",
    "describe_method",
    "guess_method",
    "infer_value_kind",
    "is_comparable_kind",
    "is_small_number",
    "rate_multiplier",
]


class ValueKind(StrEnum):
    """What a measure's figure is; decides whether and how it may be compared with England."""

    COUNT = "count"
    VOLUME = "volume"
    PERCENTAGE = "percentage"
    RATE = "rate"
    DSR = "dsr"
    AVERAGE = "average"
    OTHER = "other"

    @property
    def label(self) -> str:
        return VALUE_KIND_LABELS[self]

    @property
    def noun(self) -> str:
        """The kind in a sentence: "a {noun}"."""
        return _KIND_NOUNS[self]


_KIND_NOUNS = {
    "count": "count",
    "volume": "volume",
    "percentage": "proportion",
    "rate": "crude rate",
    "dsr": "directly standardised rate",
    "average": "mean",
    "other": "figure of another kind",
}


class Polarity(StrEnum):
    """Which way is good for a measure, so a comparison can be turned into a judgement."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NO_JUDGEMENT = "no_judgement"


class ConfidenceLevel(StrEnum):
    """The confidence level of a measure's intervals and trend test (Fingertips uses both)."""

    C95 = "95"
    C998 = "99.8"

    @property
    def z(self) -> float:
        return intervals.Z_95 if self is ConfidenceLevel.C95 else intervals.Z_998

    @property
    def label(self) -> str:
        return f"{self.value}%"


class ComparisonMethod(StrEnum):
    """How a measure is compared with England when it is compared at all."""

    INTERVAL = "interval"
    VALUES = "values"


VALUE_KIND_LABELS: dict[ValueKind, str] = {
    ValueKind.COUNT: "Count (not compared with England)",
    ValueKind.VOLUME: "Volume, e.g. grams (not compared with England)",
    ValueKind.PERCENTAGE: "Proportion or percentage",
    ValueKind.RATE: "Crude rate",
    ValueKind.DSR: "Directly standardised rate",
    ValueKind.AVERAGE: "Mean",
    ValueKind.OTHER: "Other",
}

POLARITY_LABELS: dict[Polarity, str] = {
    Polarity.HIGHER_IS_BETTER: "Higher is better",
    Polarity.LOWER_IS_BETTER: "Lower is better",
    Polarity.NO_JUDGEMENT: "No judgement",
}

COMPARISON_METHOD_LABELS: dict[ComparisonMethod, str] = {
    ComparisonMethod.INTERVAL: "Confidence interval (Wilson, Byar or Dobson, by value type)",
    ComparisonMethod.VALUES: "Values only (never tested)",
}

#: Kinds whose figures rest on a numerator: they have intervals and small numbers.
RATIO_KINDS = (ValueKind.PERCENTAGE, ValueKind.RATE, ValueKind.DSR)
#: Kinds a data lead may give with a numerator and a denominator (a mean too: a total over a
#: count), so the entry grid offers those inputs.
NUMERATOR_KINDS = (*RATIO_KINDS, ValueKind.AVERAGE)


@dataclass(frozen=True)
class Method:
    """How a measure's figures are read, compared and judged: what the catalogue states."""

    kind: ValueKind
    multiplier: int | None = None
    confidence: ConfidenceLevel = ConfidenceLevel.C95
    comparison: ComparisonMethod = ComparisonMethod.INTERVAL
    comparable: bool = True
    places: int = 0
    polarity: Polarity = Polarity.NO_JUDGEMENT
    small_number_threshold: int = 5
    publish_small_numbers: bool = False


class Observation(NamedTuple):
    """A figure of one period with what an interval needs: the numerator (events), the
    denominator (people) and, for a directly standardised rate, the rate's variance. A tuple:
    a full recompute makes one for each of hundreds of thousands of figures."""

    period: Period
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    variance: Decimal | None = None


# Checked in order: "Average count" is an average, "Percentage rate" a percentage.
_KIND_PATTERNS: tuple[tuple[re.Pattern[str], ValueKind], ...] = (
    (re.compile(r"\b(average|mean|median)\b"), ValueKind.AVERAGE),
    (re.compile(r"\b(percentage|percent|proportion)\b|%"), ValueKind.PERCENTAGE),
    (re.compile(r"\brates?\b|\bper\s+[\d,.]+\s*k?\b"), ValueKind.RATE),
    (re.compile(r"\bvolumes?\b"), ValueKind.VOLUME),
    (re.compile(r"\b(counts?|numbers?)\b"), ValueKind.COUNT),
)


def infer_value_kind(unit: str) -> ValueKind:
    """A first guess at the kind of figure from its unit as written ("Monthly count").

    Only for proposing the method of a measure an imported document creates; an admin states the
    method in the catalogue. Anything unrecognised is OTHER.
    """
    text = unit.strip().lower()
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return ValueKind.OTHER


_PER = re.compile(r"\bper\s+([\d,]+(?:\.\d+)?)\s*(k\b)?", re.IGNORECASE)


def rate_multiplier(unit: str) -> int | None:
    """The 'per N' of a unit ("Rate per 1k population" → 1000), or None if it states none."""
    match = _PER.search(unit)
    if not match:
        return None
    number = Decimal(match[1].replace(",", ""))
    return int(number * 1000 if match[2] else number)


def is_comparable_kind(kind: ValueKind) -> bool:
    """Say whether figures of this kind can be compared with England at all.

    A local count or volume depends on the size of the area, so comparing it with England's total
    is meaningless (reference row 35: 9 under-18s in treatment against England's 10987).
    """
    return kind not in (ValueKind.COUNT, ValueKind.VOLUME)


class GuessedMethod(NamedTuple):
    kind: ValueKind
    multiplier: int | None
    comparable: bool


def guess_method(unit: str) -> GuessedMethod:
    """The method proposed for a new measure from its unit: percentages per 100, rates per the
    unit's 'per N' (none when it states none: an admin sets it), counts not compared."""
    kind = infer_value_kind(unit)
    multiplier = {ValueKind.PERCENTAGE: 100, ValueKind.RATE: rate_multiplier(unit)}.get(kind)
    return GuessedMethod(kind, multiplier, is_comparable_kind(kind))


def describe_method(method: Method) -> list[str]:
    """The method in words, for a measure's page: what the figure is, how it is compared with
    England and at what confidence, what happens to small numbers."""
    kind, level = method.kind, method.confidence.label
    per = f" per {method.multiplier:,}" if method.multiplier else ""
    what = {
        ValueKind.PERCENTAGE: f"A proportion, shown{per or ' per 100'}",
        ValueKind.RATE: f"A crude rate: events{per} people",
        ValueKind.DSR: f"A directly standardised rate{per}",
    }.get(kind, f"A {kind.noun}")
    if not is_comparable_kind(kind):
        return [f"{what}: it depends on the size of the area, so it is not compared with England."]
    if not method.comparable:
        return [f"{what}. It is not compared with England (its setting in the catalogue)."]
    if method.comparison is ComparisonMethod.VALUES or kind not in RATIO_KINDS:
        return [
            f"{what}. It is compared with England on the values as displayed, never tested, so "
            "never judged better or worse."
        ]
    how = {
        ValueKind.PERCENTAGE: "the Wilson score interval of its numerator and denominator",
        ValueKind.RATE: (
            "Byar's method on its event count (exact Poisson limits below 10 events), scaled by "
            "the multiplier ÷ the population"
        ),
        ValueKind.DSR: (
            "Dobson's method on its event count (at least 10) and the variance of the rate"
        ),
    }[kind]
    threshold = method.small_number_threshold
    if method.publish_small_numbers or threshold <= 1:
        small = "Figures on few events are published (the catalogue allows it)."
    else:
        events = "1 event" if threshold == 2 else f"1 to {threshold - 1} events"
        small = f"A figure on {events} is suppressed from the board's views and downloads."
    return [
        f"{what}. Compared with England by {how}, at {level} confidence: England inside the "
        "interval (its limits included) is similar. A figure without those inputs is compared "
        "on the values only and reads 'Not tested'.",
        f"Recent trend: the chi-squared test for trend over the latest five consecutive "
        f"periods, at {level}.",
        small,
    ]


def is_small_number(method: Method, observation: Observation) -> bool:
    """Whether a local figure must be suppressed: a percentage or rate built on at least one and
    fewer than the threshold's events, unless the measure is marked publishable. Zero events
    identify nobody, so a zero is shown."""
    if method.publish_small_numbers or method.kind not in RATIO_KINDS:
        return False
    numerator = observation.numerator
    return numerator is not None and 0 < numerator < method.small_number_threshold
