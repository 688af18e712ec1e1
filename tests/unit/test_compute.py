"""Unit and property tests for the scorecard's pure rules (scorecard.compute).

Expected figures are worked by hand or by an independent method in the test itself (closed forms,
a direct Poisson sum, published tables), never by calling the code under test twice. The whole
published Southampton scorecard (May 2024) is replayed through compare_with_england.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.compute import (
    POLARITY_LABELS,
    VALUE_KIND_LABELS,
    Z_95,
    Comparison,
    Direction,
    Judgement,
    Polarity,
    ValueKind,
    byar_interval,
    compare_with_england,
    direction_of_travel,
    exact_poisson_interval,
    infer_value_kind,
    is_comparable_kind,
    judgement,
    wilson_interval,
)
from scorecard.figures import decimal_places_of, document_figure

D = Decimal

# No example database on disk, and no deadline: the exact intervals bisect, which is slow on a
# loaded CI machine but not wrong.
PROPERTY = settings(database=None, deadline=None, max_examples=200)

# The repository's own copy of the reference (its demo data); read here independently.
REFERENCE_TSV = (
    Path(__file__).resolve().parents[2]
    / "scorecard"
    / "demo"
    / "southampton-rdhp-scorecard-2024-05.tsv"
)

finite_decimals = st.decimals(
    min_value=D("-1000000"), max_value=D("1000000"), allow_nan=False, allow_infinity=False, places=4
)
places_strategy = st.integers(min_value=0, max_value=3)


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), by the direct sum: independent of compute's gamma code."""
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


# --- Units, precision, display -----------------------------------------------------------------


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
    ("kind", "comparable"),
    [
        (ValueKind.COUNT, False),
        (ValueKind.VOLUME, False),
        (ValueKind.PERCENTAGE, True),
        (ValueKind.RATE, True),
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


def test_enum_values_match_the_published_scorecard() -> None:
    assert [d.value for d in Direction] == ["↑", "↓", "↔", "\N{MULTIPLICATION SIGN}"]
    assert Comparison("Not Comparable") is Comparison.NOT_COMPARABLE


# --- Direction of travel -----------------------------------------------------------------------


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


# --- Comparison with England: plain rule -------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "england", "kind", "places", "expected"),
    [
        (D("36.9"), D("37.1"), ValueKind.PERCENTAGE, 1, Comparison.LOWER),  # reference row 17
        (D("46.4"), D("36.1"), ValueKind.RATE, 1, Comparison.HIGHER),  # reference row 31
        (D("9"), D("10987.0"), ValueKind.COUNT, 0, Comparison.NOT_COMPARABLE),  # row 35
        (D("84.0"), D("80.0"), ValueKind.VOLUME, 1, Comparison.NOT_COMPARABLE),
        (D("4.9"), None, ValueKind.RATE, 1, Comparison.NOT_COMPARABLE),
        (None, D("4.9"), ValueKind.RATE, 1, Comparison.NOT_COMPARABLE),
        (D("4.94"), D("4.9"), ValueKind.RATE, 1, Comparison.SIMILAR),  # equal as displayed
        (D("4.94"), D("4.9"), ValueKind.RATE, 2, Comparison.HIGHER),
        (D("12.5"), D("12.0"), ValueKind.AVERAGE, 0, Comparison.HIGHER),  # 13 vs 12
        (D("3"), D("3.0"), ValueKind.OTHER, 0, Comparison.SIMILAR),
    ],
)
def test_compare_with_england_plain_rule(
    local: Decimal | None,
    england: Decimal | None,
    kind: ValueKind,
    places: int,
    expected: Comparison,
) -> None:
    assert compare_with_england(local, england, kind=kind, places=places) is expected


def test_compare_respects_the_comparable_flag() -> None:
    result = compare_with_england(
        D("46.4"), D("36.1"), kind=ValueKind.PERCENTAGE, places=1, comparable=False
    )
    assert result is Comparison.NOT_COMPARABLE


OPPOSITE_COMPARISON = {
    Comparison.HIGHER: Comparison.LOWER,
    Comparison.LOWER: Comparison.HIGHER,
    Comparison.SIMILAR: Comparison.SIMILAR,
    Comparison.NOT_COMPARABLE: Comparison.NOT_COMPARABLE,
}


@PROPERTY
@given(
    local=st.none() | finite_decimals,
    england=st.none() | finite_decimals,
    kind=st.sampled_from(ValueKind),
    places=places_strategy,
)
def test_plain_comparison_is_antisymmetric(
    local: Decimal | None, england: Decimal | None, kind: ValueKind, places: int
) -> None:
    forward = compare_with_england(local, england, kind=kind, places=places)
    backward = compare_with_england(england, local, kind=kind, places=places)
    assert backward is OPPOSITE_COMPARISON[forward]


# --- Comparison with England: confidence intervals ---------------------------------------------


@pytest.mark.parametrize(
    ("england", "expected"),
    [
        # Wilson 95% for 30/100 is 21.89%..39.58% (worked below in test_wilson_30_of_100).
        (D("35.0"), Comparison.SIMILAR),  # inside, though the plain rule says LOWER
        (D("45.0"), Comparison.LOWER),
        (D("20.0"), Comparison.HIGHER),
        (D("21.9"), Comparison.SIMILAR),
        (D("39.6"), Comparison.LOWER),  # just above 39.58
    ],
)
def test_percentage_compared_by_wilson_interval(england: Decimal, expected: Comparison) -> None:
    result = compare_with_england(
        D("30.0"),
        england,
        kind=ValueKind.PERCENTAGE,
        places=1,
        numerator=D(30),
        denominator=D(100),
    )
    assert result is expected


def test_wilson_limits_are_inclusive() -> None:
    lower, upper = wilson_interval(30, 100)
    for limit in (lower, upper):
        england = D(repr(limit * 100))  # repr round-trips, so float(england) == limit * 100
        result = compare_with_england(
            D("30.0"),
            england,
            kind=ValueKind.PERCENTAGE,
            places=1,
            numerator=D(30),
            denominator=D(100),
        )
        assert result is Comparison.SIMILAR


def test_percentage_without_usable_denominator_uses_plain_rule() -> None:
    for numerator, denominator in [(D(30), None), (None, D(100)), (D(0), D(0))]:
        result = compare_with_england(
            D("30.0"),
            D("35.0"),
            kind=ValueKind.PERCENTAGE,
            places=1,
            numerator=numerator,
            denominator=denominator,
        )
        assert result is Comparison.LOWER


def test_percentage_with_impossible_numerator_raises() -> None:
    with pytest.raises(ValueError, match="numerator"):
        compare_with_england(
            D("130.0"),
            D("35.0"),
            kind=ValueKind.PERCENTAGE,
            places=1,
            numerator=D(130),
            denominator=D(100),
        )


@pytest.mark.parametrize(
    ("local", "numerator", "england", "expected"),
    [
        # 8 events in 2,500 people = 3.2 per 1,000. Exact 95% limits for 8 are 3.4538..15.7632
        # (standard tables), times 3.2 / 8 = 0.4 gives 1.38..6.31 per 1,000.
        (D("3.2"), D(8), D("3.0"), Comparison.SIMILAR),  # the plain rule would say HIGHER
        (D("3.2"), D(8), D("6.4"), Comparison.LOWER),
        (D("3.2"), D(8), D("1.3"), Comparison.HIGHER),
        # 1,225 events in 250,000 = 4.9 per 1,000 (reference row 4's rate). Byar: about
        # 1157.3..1295.7 events (roughly 1225 +- 1.96 * sqrt(1225)), i.e. 4.63..5.18 per 1,000.
        (D("4.9"), D(1225), D("3.0"), Comparison.HIGHER),
        (D("4.9"), D(1225), D("5.0"), Comparison.SIMILAR),
        (D("4.9"), D(1225), D("5.3"), Comparison.LOWER),
        # Zero events: local / numerator cannot scale the limits, so the plain rule applies.
        (D("0.0"), D(0), D("3.0"), Comparison.LOWER),
    ],
)
def test_rate_compared_by_byar_interval(
    local: Decimal, numerator: Decimal, england: Decimal, expected: Comparison
) -> None:
    result = compare_with_england(
        local, england, kind=ValueKind.RATE, places=1, numerator=numerator
    )
    assert result is expected


def test_counts_are_never_compared_even_with_numerators() -> None:
    result = compare_with_england(
        D("9"), D("10987.0"), kind=ValueKind.COUNT, places=0, numerator=D(9), denominator=D(10)
    )
    assert result is Comparison.NOT_COMPARABLE


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


# --- Judgement ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "polarity", "expected"),
    [
        (Comparison.HIGHER, Polarity.HIGHER_IS_BETTER, Judgement.BETTER),
        (Comparison.LOWER, Polarity.HIGHER_IS_BETTER, Judgement.WORSE),
        (Comparison.SIMILAR, Polarity.HIGHER_IS_BETTER, Judgement.SIMILAR),
        (Comparison.NOT_COMPARABLE, Polarity.HIGHER_IS_BETTER, Judgement.NONE),
        (Comparison.HIGHER, Polarity.LOWER_IS_BETTER, Judgement.WORSE),
        (Comparison.LOWER, Polarity.LOWER_IS_BETTER, Judgement.BETTER),
        (Comparison.SIMILAR, Polarity.LOWER_IS_BETTER, Judgement.SIMILAR),
        (Comparison.NOT_COMPARABLE, Polarity.LOWER_IS_BETTER, Judgement.NONE),
        (Comparison.HIGHER, Polarity.NO_JUDGEMENT, Judgement.NONE),
        (Comparison.LOWER, Polarity.NO_JUDGEMENT, Judgement.NONE),
        (Comparison.SIMILAR, Polarity.NO_JUDGEMENT, Judgement.NONE),
        (Comparison.NOT_COMPARABLE, Polarity.NO_JUDGEMENT, Judgement.NONE),
    ],
)
def test_judgement(comparison: Comparison, polarity: Polarity, expected: Judgement) -> None:
    assert judgement(comparison, polarity) is expected


# --- The published Southampton scorecard, row by row -------------------------------------------


class ReferenceRow(NamedTuple):
    number: int
    unit: str
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
        number, unit, local, england, comparison = (
            fields[2],
            fields[4],
            fields[8],
            fields[9],
            fields[11],
        )
        rows.append(ReferenceRow(int(number), unit, local, england, comparison))
    return rows


def reference_params() -> list[Any]:
    # Collected at import: a missing file fails collection loudly rather than skipping.
    return [pytest.param(row, id=f"row-{row.number}") for row in reference_rows()]


def test_reference_rows_are_all_parsed() -> None:
    rows = reference_rows()
    assert [row.number for row in rows] == list(range(1, 40))
    assert rows[27].unit == "Quarterly percentage" and rows[27].comparison == "Lower"  # row 28
    assert rows[30].unit == "Quarterly rate per 1,000"  # row 31


@pytest.mark.parametrize("row", reference_params())
def test_compare_with_england_matches_reference(row: ReferenceRow) -> None:
    kind = infer_value_kind(row.unit)
    computed = compare_with_england(
        document_figure(row.local),
        document_figure(row.england),
        kind=kind,
        places=decimal_places_of(row.local),
    )
    assert computed == Comparison(row.comparison), row
