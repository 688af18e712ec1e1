"""Unit and property tests for the scorecard's rules (scorecard.compute, scorecard.methods): each
measure's method, the comparison with England, better or worse, direction of travel and small
numbers.

Expected figures are worked by hand in comments (the intervals themselves are checked against
closed forms and tables in test_intervals.py). The whole published Southampton scorecard (May
2024) is replayed through compare_with_england with the demo catalogue's method for each of its
39 measures.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.compute import (
    Comparison,
    Direction,
    Judgement,
    StatedDirection,
    Trend,
    compare_with_england,
    direction_of_travel,
    judgement,
    travel,
)
from scorecard.figures import decimal_places_of, document_figure
from scorecard.methods import (
    POLARITY_LABELS,
    VALUE_KIND_LABELS,
    ComparisonMethod,
    ConfidenceLevel,
    Method,
    Observation,
    Polarity,
    ValueKind,
    describe_method,
    guess_method,
    infer_value_kind,
    is_comparable_kind,
    is_small_number,
    rate_multiplier,
)
from scorecard.periods import parse_period

D = Decimal

PROPERTY = settings(database=None, deadline=None, max_examples=200)

DEMO = Path(__file__).resolve().parents[2] / "scorecard" / "demo"
# The repository's own copy of the reference (its demo data) and catalogue; read here
# independently of the loader.
REFERENCE_TSV = DEMO / "southampton-rdhp-scorecard-2024-05.tsv"
CATALOGUE_CSV = DEMO / "catalogue.csv"

finite_decimals = st.decimals(
    min_value=D("-1000000"), max_value=D("1000000"), allow_nan=False, allow_infinity=False, places=4
)
places_strategy = st.integers(min_value=0, max_value=3)

Q = parse_period("2023/24 Q3")
FY = parse_period("2022/23")

PERCENT = Method(ValueKind.PERCENTAGE, 100, places=1)
PER_1000 = Method(ValueKind.RATE, 1000, places=1)
DSR = Method(ValueKind.DSR, 100_000, places=1)


def at(value: str, numerator: str | None = None, denominator: str | None = None, **kw: Any):
    """A figure for 2023/24 Q3."""
    return Observation(
        kw.pop("period", Q),
        D(value),
        None if numerator is None else D(numerator),
        None if denominator is None else D(denominator),
        **kw,
    )


# --- A measure's method, guessed only for a new measure ------------------------------------------


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("Monthly count", ValueKind.COUNT),
        ("Monthly volume (gm)", ValueKind.VOLUME),
        ("Count", ValueKind.COUNT),
        ("Annual count", ValueKind.COUNT),
        ("Quarterly count", ValueKind.COUNT),
        ("Annual percentage", ValueKind.PERCENTAGE),
        ("Quarterly percentage", ValueKind.PERCENTAGE),
        ("Percentage", ValueKind.PERCENTAGE),
        ("Rate per 1k population", ValueKind.RATE),
        ("Rate", ValueKind.RATE),
        ("Quarterly rate per 1,000", ValueKind.RATE),
        ("Average caseload", ValueKind.AVERAGE),
        ("  monthly COUNT  ", ValueKind.COUNT),
        ("Days", ValueKind.OTHER),
        ("", ValueKind.OTHER),
    ],
)
def test_infer_value_kind(unit: str, kind: ValueKind) -> None:
    assert infer_value_kind(unit) is kind


@pytest.mark.parametrize(
    ("unit", "multiplier"),
    [
        ("Rate per 1k population", 1000),
        ("Quarterly rate per 1,000", 1000),
        ("Rate per 100,000", 100_000),
        ("Rate", None),
    ],
)
def test_rate_multiplier_reads_the_unit(unit: str, multiplier: int | None) -> None:
    assert rate_multiplier(unit) == multiplier


def test_the_guess_for_a_new_measure() -> None:
    assert guess_method("Annual percentage") == (ValueKind.PERCENTAGE, 100, True)
    assert guess_method("Rate per 1k population") == (ValueKind.RATE, 1000, True)
    assert guess_method("Rate") == (ValueKind.RATE, None, True)  # an admin sets it
    assert guess_method("Quarterly count") == (ValueKind.COUNT, None, False)


@pytest.mark.parametrize(
    ("kind", "comparable"),
    [
        (ValueKind.COUNT, False),
        (ValueKind.VOLUME, False),
        (ValueKind.PERCENTAGE, True),
        (ValueKind.RATE, True),
        (ValueKind.DSR, True),
        (ValueKind.AVERAGE, True),
        (ValueKind.OTHER, True),
    ],
)
def test_is_comparable_kind(kind: ValueKind, comparable: bool) -> None:
    assert is_comparable_kind(kind) is comparable


def test_labels_cover_every_member() -> None:
    assert set(VALUE_KIND_LABELS) == set(ValueKind)
    assert set(POLARITY_LABELS) == set(Polarity)
    assert all(VALUE_KIND_LABELS.values()) and all(POLARITY_LABELS.values())


def test_words_are_the_contracts() -> None:
    assert [d.value for d in Direction] == ["↑", "↓", "↔", "\N{MULTIPLICATION SIGN}"]
    assert [c.value for c in Comparison] == ["Higher", "Lower", "Similar", "Not Comparable"]
    assert [j.value for j in Judgement] == [
        "Better",
        "Worse",
        "Similar",
        "Not tested",
        "Not judged",
    ]
    assert [t.value for t in Trend] == [
        "Increasing and getting better",
        "Increasing and getting worse",
        "Decreasing and getting better",
        "Decreasing and getting worse",
        "Increasing",
        "Decreasing",
        "No significant change",
        "Cannot be calculated",
    ]
    assert [c.label for c in ConfidenceLevel] == ["95%", "99.8%"]


# --- Comparison with England: the cases -------------------------------------------------


def test_a_rate_is_scaled_by_its_denominator_not_by_the_rounded_value() -> None:
    # 236 events in 252,500 people, entered as 0.9 per 1,000 against England's 0.8.
    # Byar for 236: lower = 236 (1 - 1/(9*236) - 1.959964 / (3 sqrt 236))^3
    #   = 236 (1 - 0.000471 - 0.042528)^3 = 236 * 0.957002^3 = 236 * 0.876472 = 206.847;
    # upper = 237 (1 - 1/(9*237) + 1.959964 / (3 sqrt 237))^3 = 237 * 1.041969^3 = 268.110.
    # Times 1,000 / 252,500: 0.8192 to 1.0618 per 1,000. England's 0.8 is below: Higher.
    # (Scaled by the rounded value, 0.9 / 236, the limits were 0.789 to 1.022: "Similar".)
    verdict = compare_with_england(PER_1000, at("0.9", "236", "252500"), D("0.8"))
    assert (verdict.compared, verdict.tested, verdict.method) == (
        Comparison.HIGHER,
        True,
        "Byar 95%",
    )
    assert verdict.lower == pytest.approx(0.81920, abs=5e-6)
    assert verdict.upper == pytest.approx(1.06182, abs=5e-6)
    assert verdict.reason is None


def test_zero_events_use_the_exact_upper_limit() -> None:
    # 0 events in 1,000 people per 1,000, against England's 0.7. The exact 95% upper limit for
    # zero events is -ln(0.025) = 3.6889 events, times 1,000 / 1,000: the interval is 0 to 3.69
    # and England's 0.7 is inside it: Similar (comparing the shown figures said Lower).
    verdict = compare_with_england(PER_1000, at("0.0", "0", "1000"), D("0.7"))
    assert (verdict.compared, verdict.tested, verdict.method) == (
        Comparison.SIMILAR,
        True,
        "exact Poisson 95%",
    )
    assert verdict.lower == 0.0
    assert verdict.upper == pytest.approx(3.6889, abs=5e-5)


# --- Comparison with England: each method --------------------------------------------------


@pytest.mark.parametrize(
    ("england", "expected"),
    [
        # Wilson 95% for 30 of 100 is 21.89%..39.58% (test_intervals.py works it by hand).
        (D("35.0"), Comparison.SIMILAR),  # inside, though the figures as shown say Lower
        (D("45.0"), Comparison.LOWER),
        (D("20.0"), Comparison.HIGHER),
        (D("21.9"), Comparison.SIMILAR),
        (D("39.6"), Comparison.LOWER),  # just above 39.58
    ],
)
def test_a_proportion_is_compared_by_its_wilson_interval(
    england: Decimal, expected: Comparison
) -> None:
    verdict = compare_with_england(PERCENT, at("30.0", "30", "100"), england)
    assert (verdict.compared, verdict.tested, verdict.method) == (expected, True, "Wilson 95%")
    assert (round(verdict.lower or 0, 2), round(verdict.upper or 0, 2)) == (21.89, 39.58)


def test_the_interval_limits_are_inclusive() -> None:
    lower = compare_with_england(PERCENT, at("30.0", "30", "100"), D("1")).lower
    upper = compare_with_england(PERCENT, at("30.0", "30", "100"), D("1")).upper
    for limit in (lower, upper):
        england = D(repr(limit))  # repr round-trips, so float(england) == the limit
        verdict = compare_with_england(PERCENT, at("30.0", "30", "100"), england)
        assert verdict.compared is Comparison.SIMILAR


def test_continuity_of_care_is_a_percentage_at_its_confidence_level() -> None:
    # Measure 31: 232 of 500 prison leavers, 46.4%, England 40.0. Wilson at 95%: 42.07%..50.78%,
    # England below: Higher. At 99.8% (z = 3.0902): 39.64%..53.29%, England inside: Similar.
    figure = at("46.4", "232", "500")
    at_95 = compare_with_england(PERCENT, figure, D("40.0"))
    at_998 = compare_with_england(
        Method(ValueKind.PERCENTAGE, 100, ConfidenceLevel.C998, places=1), figure, D("40.0")
    )
    assert (at_95.compared, at_95.method) == (Comparison.HIGHER, "Wilson 95%")
    assert (at_998.compared, at_998.method) == (Comparison.SIMILAR, "Wilson 99.8%")
    assert (round(at_998.lower or 0, 2), round(at_998.upper or 0, 2)) == (39.64, 53.29)


@pytest.mark.parametrize(
    ("numerator", "denominator", "england", "expected", "method"),
    [
        # 8 events in 2,500 people = 3.2 per 1,000. Exact 95% limits for 8 are 3.4538..15.7632
        # (Garwood tables), times 1,000 / 2,500 = 0.4: 1.38..6.31 per 1,000.
        ("8", "2500", "3.0", Comparison.SIMILAR, "exact Poisson 95%"),  # shown: Higher
        ("8", "2500", "6.4", Comparison.LOWER, "exact Poisson 95%"),
        ("8", "2500", "1.3", Comparison.HIGHER, "exact Poisson 95%"),
        # 1,225 events in 250,000 = 4.9 per 1,000 (reference row 4's rate). Byar: 1157.35 to
        # 1295.57 events (about 1225 +- 1.96 sqrt 1225), / 250: 4.63..5.18 per 1,000.
        ("1225", "250000", "3.0", Comparison.HIGHER, "Byar 95%"),
        ("1225", "250000", "5.0", Comparison.SIMILAR, "Byar 95%"),
        ("1225", "250000", "5.3", Comparison.LOWER, "Byar 95%"),
    ],
)
def test_a_crude_rate_is_compared_by_byar_or_exact_poisson(
    numerator: str, denominator: str, england: str, expected: Comparison, method: str
) -> None:
    value = str(Decimal(numerator) / Decimal(denominator) * 1000)
    verdict = compare_with_england(PER_1000, at(value, numerator, denominator), D(england))
    assert (verdict.compared, verdict.tested, verdict.method) == (expected, True, method)


@pytest.mark.parametrize(
    ("england", "expected"),
    [
        # Dobson for 5.2 per 100,000 on 40 deaths with variance 0.8: 3.5840..7.2464
        # (worked in test_intervals.py: 5.2 + (Byar(40) - 40) * sqrt(0.8 / 40)).
        ("3.5", Comparison.HIGHER),
        ("3.6", Comparison.SIMILAR),
        ("7.2", Comparison.SIMILAR),
        ("7.3", Comparison.LOWER),
    ],
)
def test_a_standardised_rate_is_compared_by_dobson(england: str, expected: Comparison) -> None:
    figure = at("5.2", "40", "180000", variance=D("0.8"))
    verdict = compare_with_england(DSR, figure, D(england))
    assert (verdict.compared, verdict.tested, verdict.method) == (expected, True, "Dobson 95%")
    assert (round(verdict.lower or 0, 4), round(verdict.upper or 0, 4)) == (3.5840, 7.2464)


@pytest.mark.parametrize(
    ("method", "figure", "reason"),
    [
        (PERCENT, at("30.0"), "no numerator and denominator for 2023/24 Q3"),
        (PER_1000, at("4.9"), "no numerator and denominator for 2023/24 Q3"),
        (DSR, at("5.2", "40", "180000"), "no event count and variance for 2023/24 Q3"),
        (
            DSR,
            at("5.2", "9", "180000", variance=D("3")),
            "fewer than 10 events in 2023/24 Q3, too few for a standardised rate's interval",
        ),
        (
            Method(ValueKind.RATE, None, places=1),
            at("4.9", "1225", "250000"),
            "the measure has no multiplier in the catalogue",
        ),
        (
            Method(ValueKind.AVERAGE, places=1),
            at("30.0", "300", "10"),
            "a mean has no confidence interval here",
        ),
        (PERCENT, at("30.0", "130", "100"), "the numerator for 2023/24 Q3 is larger than its"),
    ],
)
def test_without_the_inputs_for_an_interval_the_values_are_compared_untested(
    method: Method, figure: Observation, reason: str
) -> None:
    # Compared as shown: 30.0 > 25.0 (or 4.9 / 5.2 > 2.5), so Higher, but not tested.
    verdict = compare_with_england(method, figure, D("2.5") if figure.value < 10 else D("25.0"))
    assert (verdict.compared, verdict.tested, verdict.method) == (
        Comparison.HIGHER,
        False,
        "values only",
    )
    assert (verdict.lower, verdict.upper) == (None, None)
    assert verdict.reason is not None and verdict.reason.startswith(reason)
    assert verdict.reason.endswith("so the values were compared without a test")


def test_a_measure_compared_on_values_only_is_never_tested() -> None:
    # Unmet need (measures 12-15): the denominator is an estimate, so the method is values only,
    # numerator and denominator or not.
    method = Method(ValueKind.PERCENTAGE, 100, comparison=ComparisonMethod.VALUES, places=1)
    verdict = compare_with_england(method, at("30.0", "30", "100"), D("35.0"))
    assert (verdict.compared, verdict.tested, verdict.method, verdict.reason) == (
        Comparison.LOWER,
        False,
        "values only",
        "the measure's method compares the values only",
    )


@pytest.mark.parametrize(
    ("local", "england", "kind", "places", "expected"),
    [
        (D("36.9"), D("37.1"), ValueKind.PERCENTAGE, 1, Comparison.LOWER),  # reference row 17
        (D("46.4"), D("36.1"), ValueKind.PERCENTAGE, 1, Comparison.HIGHER),  # reference row 31
        (D("4.94"), D("4.9"), ValueKind.RATE, 1, Comparison.SIMILAR),  # equal as displayed
        (D("4.94"), D("4.9"), ValueKind.RATE, 2, Comparison.HIGHER),
        (D("12.5"), D("12.0"), ValueKind.AVERAGE, 0, Comparison.HIGHER),  # 13 vs 12
        (D("3"), D("3.0"), ValueKind.OTHER, 0, Comparison.SIMILAR),
    ],
)
def test_values_only_compares_the_figures_as_displayed(
    local: Decimal, england: Decimal, kind: ValueKind, places: int, expected: Comparison
) -> None:
    method = Method(kind, 100, places=places)
    verdict = compare_with_england(method, Observation(Q, local), england)
    assert (verdict.compared, verdict.tested) == (expected, False)


@pytest.mark.parametrize(
    ("method", "figure", "england", "reason"),
    [
        (PERCENT, None, D("30"), "there is no figure yet"),
        (
            Method(ValueKind.COUNT),
            at("9", "9", "10"),
            D("10987"),
            "a count depends on the size of the area",  # reference row 35
        ),
        (Method(ValueKind.VOLUME), at("84.0"), D("80"), "a volume depends on the size of the area"),
        (
            Method(ValueKind.PERCENTAGE, 100, comparable=False),
            at("46.4", "232", "500"),
            D("36.1"),
            "the measure is not compared with England (its catalogue setting)",
        ),
        (PERCENT, at("46.4", "232", "500"), None, "there is no England figure for 2023/24 Q3"),
    ],
)
def test_not_comparable_says_why(
    method: Method, figure: Observation | None, england: Decimal | None, reason: str
) -> None:
    verdict = compare_with_england(method, figure, england)
    assert (verdict.compared, verdict.tested, verdict.method, verdict.reason) == (
        Comparison.NOT_COMPARABLE,
        False,
        "not compared",
        reason,
    )


def test_an_england_figure_for_another_period_is_named() -> None:
    verdict = compare_with_england(PERCENT, at("46.4"), None, england_period=FY)
    assert verdict.reason == "England's latest figure is for 2022/23, not 2023/24 Q3"


# --- Small numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "suppressed"),
    [("0", False), ("1", True), ("4", True), ("4.5", True), ("5", False), (None, False)],
)
def test_small_numbers_are_one_to_below_the_threshold(
    numerator: str | None, suppressed: bool
) -> None:
    assert is_small_number(PERCENT, at("1.0", numerator, "400")) is suppressed


def test_a_small_number_is_suppressed_unless_publishable() -> None:
    # 3 of 400 = 0.75%, shown 0.8: Wilson 95% 0.26%..2.18%; England 5.0 above it.
    figure = at("0.8", "3", "400")
    hidden = compare_with_england(PERCENT, figure, D("5.0"))
    assert (hidden.compared, hidden.tested, hidden.suppressed, hidden.reason) == (
        Comparison.NOT_COMPARABLE,
        False,
        True,
        "suppressed (small numbers): fewer than 5 events",
    )
    publishable = Method(ValueKind.PERCENTAGE, 100, places=1, publish_small_numbers=True)
    shown = compare_with_england(publishable, figure, D("5.0"))
    assert (shown.compared, shown.tested, shown.suppressed) == (Comparison.LOWER, True, False)
    # A threshold of 3 lets 3 events through; counts are never suppressed (only flagged).
    assert not is_small_number(Method(ValueKind.PERCENTAGE, 100, small_number_threshold=3), figure)
    assert not is_small_number(Method(ValueKind.COUNT), at("3", "3", "4"))


# --- Judgement -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "polarity", "tested", "expected"),
    [
        (Comparison.HIGHER, Polarity.HIGHER_IS_BETTER, True, Judgement.BETTER),
        (Comparison.LOWER, Polarity.HIGHER_IS_BETTER, True, Judgement.WORSE),
        (Comparison.SIMILAR, Polarity.HIGHER_IS_BETTER, True, Judgement.SIMILAR),
        (Comparison.HIGHER, Polarity.LOWER_IS_BETTER, True, Judgement.WORSE),
        (Comparison.LOWER, Polarity.LOWER_IS_BETTER, True, Judgement.BETTER),
        (Comparison.SIMILAR, Polarity.LOWER_IS_BETTER, True, Judgement.SIMILAR),
        (Comparison.HIGHER, Polarity.NO_JUDGEMENT, True, Judgement.NOT_JUDGED),
        (Comparison.SIMILAR, Polarity.NO_JUDGEMENT, True, Judgement.NOT_JUDGED),
        # Untested, never better or worse: the board saw 17 such rows coloured before.
        (Comparison.HIGHER, Polarity.LOWER_IS_BETTER, False, Judgement.NOT_TESTED),
        (Comparison.LOWER, Polarity.HIGHER_IS_BETTER, False, Judgement.NOT_TESTED),
        (Comparison.HIGHER, Polarity.NO_JUDGEMENT, False, Judgement.NOT_TESTED),
        (Comparison.NOT_COMPARABLE, Polarity.LOWER_IS_BETTER, False, Judgement.NOT_TESTED),
        (Comparison.NOT_COMPARABLE, Polarity.NO_JUDGEMENT, True, Judgement.NOT_TESTED),
    ],
)
def test_judgement(
    comparison: Comparison, polarity: Polarity, tested: bool, expected: Judgement
) -> None:
    assert judgement(comparison, polarity, tested=tested) is expected


# --- Direction of travel -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "previous", "places", "direction"),
    [
        (D("60.0"), D("55.0"), 1, Direction.UP),
        (D("55.0"), D("60.0"), 1, Direction.DOWN),
        (D("2.25"), D("2.3"), 1, Direction.SAME),  # 2.25 shows as 2.3 (ROUND_HALF_UP)
        (D("2.24"), D("2.3"), 1, Direction.DOWN),
        (D("4.94"), D("4.9"), 1, Direction.SAME),
        (D("4.94"), D("4.9"), 2, Direction.UP),
        (None, D("4.9"), 1, Direction.UNKNOWN),
        (D("4.9"), None, 1, Direction.UNKNOWN),
        (None, None, 1, Direction.UNKNOWN),
    ],
)
def test_direction_of_travel(
    latest: Decimal | None, previous: Decimal | None, places: int, direction: Direction
) -> None:
    assert direction_of_travel(latest, previous, places) is direction


OPPOSITE_DIRECTION = {
    Direction.UP: Direction.DOWN,
    Direction.DOWN: Direction.UP,
    Direction.SAME: Direction.SAME,
    Direction.UNKNOWN: Direction.UNKNOWN,
}


@PROPERTY
@given(
    latest=st.none() | finite_decimals,
    previous=st.none() | finite_decimals,
    places=places_strategy,
)
def test_direction_is_antisymmetric(
    latest: Decimal | None, previous: Decimal | None, places: int
) -> None:
    forward = direction_of_travel(latest, previous, places)
    assert direction_of_travel(previous, latest, places) is OPPOSITE_DIRECTION[forward]


def months(*pairs: tuple[str, str]) -> list[Observation]:
    return [Observation(parse_period(label), D(value)) for label, value in pairs]


SEPT_23 = parse_period("Sept 23")
STATED = StatedDirection("May-2024", SEPT_23, D("84.0"), Direction.DOWN)


@pytest.mark.parametrize(
    ("series", "stated", "expected"),
    [
        # Consecutive periods: the arrow, nothing to explain.
        (months(("Aug 23", "80"), ("Sept 23", "84")), [], (Direction.UP, None)),
        # A gap: never an arrow stretched across it.
        (
            months(("Jul 23", "80"), ("Sept 23", "84")),
            [],
            (Direction.UNKNOWN, "Aug 23, the period before Sept 23, is not held"),
        ),
        # One value held, never published with a direction.
        (
            months(("Sept 23", "84")),
            [],
            (Direction.UNKNOWN, "only Sept 23 is held: Aug 23 is not"),
        ),
        # The imported edition stated ↓ for Sept 23 at 84.0: kept for that period and value.
        (months(("Sept 23", "84.000000")), [STATED], (Direction.DOWN, "as published in May-2024")),
        (
            months(("Jul 23", "70"), ("Sept 23", "84")),
            [STATED],
            (Direction.DOWN, "as published in May-2024"),
        ),
        # Corrected since: the stated arrow was for another value.
        (
            months(("Sept 23", "86")),
            [STATED],
            (
                Direction.UNKNOWN,
                "the Sept 23 figure is now 86, not the one May-2024 stated its direction for",
            ),
        ),
        # Stated for another period: not carried to a period it was not stated for.
        (
            months(("Oct 23", "84")),
            [STATED],
            (Direction.UNKNOWN, "only Oct 23 is held: Sept 23 is not"),
        ),
        # Consecutive periods win over a statement.
        (months(("Aug 23", "90"), ("Sept 23", "84")), [STATED], (Direction.DOWN, None)),
        ([], [], (Direction.UNKNOWN, "there is no figure yet")),
    ],
)
def test_travel(
    series: list[Observation], stated: list[StatedDirection], expected: tuple[Direction, str]
) -> None:
    assert travel(series, 0, stated) == expected


def test_no_arrow_tells_what_suppression_hides() -> None:
    series = months(("Aug 23", "80"), ("Sept 23", "84"))
    for hidden in ([SEPT_23], [parse_period("Aug 23")]):
        assert travel(series, 0, suppressed=hidden) == (
            Direction.UNKNOWN,
            "a figure is suppressed (small numbers)",
        )


# --- The method in words ------------------------------------------------------------------------


def test_the_method_in_words() -> None:
    assert describe_method(PER_1000)[0].startswith(
        "A crude rate: events per 1,000 people. Compared with England by Byar's method"
    )
    assert "at 95% confidence" in describe_method(PER_1000)[0]
    assert "Dobson's method" in describe_method(DSR)[0]
    assert describe_method(Method(ValueKind.COUNT)) == [
        "A count: it depends on the size of the area, so it is not compared with England."
    ]
    assert describe_method(PERCENT)[2] == (
        "A figure on 1 to 4 events is suppressed from the board's views and downloads."
    )
    assert "at 99.8%" in describe_method(Method(ValueKind.PERCENTAGE, 100, ConfidenceLevel.C998))[1]


# --- The published Southampton scorecard, row by row -------------------------------------------


class ReferenceRow(NamedTuple):
    number: int
    unit: str
    period: str
    local: str
    england: str
    comparison: str


def looks_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*\d+\s*", text) is not None


def reference_rows() -> list[ReferenceRow]:
    """Data rows of the published TSV, with rows 28-31 shifted back into place."""
    lines = REFERENCE_TSV.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("Priority area\t"))
    rows = []
    for line in lines[header_at + 1 :]:
        fields = line.split("\t")
        if len(fields) < 3:
            continue
        if not looks_numeric(fields[2]) and looks_numeric(fields[1]):
            # Lost its priority-area cell on export: everything sits one column to the left.
            fields = ["", *fields]
        rows.append(
            ReferenceRow(int(fields[2]), fields[4], fields[6], fields[8], fields[9], fields[11])
        )
    return rows


def catalogue_methods() -> dict[int, Method]:
    """The demo catalogue's method of each reference measure, read independently."""
    with CATALOGUE_CSV.open(encoding="utf-8", newline="") as file:
        return {
            int(row["number"]): Method(
                kind=ValueKind(row["value_kind"]),
                multiplier=int(row["multiplier"]) if row["multiplier"] else None,
                confidence=ConfidenceLevel(row["confidence_level"]),
                comparison=ComparisonMethod(row["comparison_method"]),
                comparable=row["comparable_with_england"] == "yes",
                polarity=Polarity(row["polarity"]),
            )
            for row in csv.DictReader(file)
        }


def reference_params() -> list[Any]:
    # Collected at import: a missing file fails collection loudly rather than skipping.
    return [pytest.param(row, id=f"row-{row.number}") for row in reference_rows()]


def test_reference_rows_are_all_parsed() -> None:
    rows = reference_rows()
    assert [row.number for row in rows] == list(range(1, 40))
    assert rows[27].unit == "Quarterly percentage" and rows[27].comparison == "Lower"  # row 28
    assert rows[30].unit == "Quarterly rate per 1,000"  # row 31
    assert sorted(catalogue_methods()) == list(range(1, 40))


#: What the 39 reference measures are, by their catalogue method, given the published figures
#: alone (no numerators or denominators): none can be tested until figures come with them.
UNTESTED_VALUES = {4, 5, 6, 12, 13, 14, 15, 16, 17, 18, 19, 20, 27, 28, 30, 31, 36, 37}


@pytest.mark.parametrize("row", reference_params())
def test_every_reference_row_is_compared_by_its_method_as_published(row: ReferenceRow) -> None:
    """The published words are reproduced; with no numerators the comparisons are untested,
    counts and volumes are not compared, and rows without figures have nothing to compare."""
    method = catalogue_methods()[row.number]
    local = document_figure(row.local)
    places = decimal_places_of(row.local)
    figure = None if local is None else Observation(parse_period(row.period), local)
    verdict = compare_with_england(
        Method(
            method.kind,
            method.multiplier,
            method.confidence,
            method.comparison,
            method.comparable,
            places,
        ),
        figure,
        document_figure(row.england),
    )
    assert verdict.compared == Comparison(row.comparison), row
    assert verdict.tested is False
    if row.number in UNTESTED_VALUES:
        assert verdict.method == "values only", row
    else:
        assert (verdict.method, verdict.compared) == ("not compared", Comparison.NOT_COMPARABLE)
    # And given numerators, every measure compared by interval would be tested.
    if figure is not None and row.number in UNTESTED_VALUES:
        tested = method.comparison is ComparisonMethod.INTERVAL
        assert (method.kind in (ValueKind.PERCENTAGE, ValueKind.RATE, ValueKind.DSR)) is True
        assert tested is (row.number not in {12, 13, 14, 15}), row
