"""The one module for figures (scorecard.figures): reading them as typed or as a document
writes them, writing them back, UK number and date formats and formula neutralising.

Expected results are written out by hand.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.figures import (
    DOCUMENT_NO_VALUE,
    NO_VALUE,
    FigureError,
    at_precision,
    decimal_places_of,
    decimal_text,
    document_figure,
    format_value,
    json_number,
    neutralise,
    read_figure,
    uk_date,
    uk_number,
)

D = Decimal
PROPERTY = settings(database=None, deadline=None, max_examples=200)
finite_decimals = st.decimals(
    min_value=D("-1000000"), max_value=D("1000000"), allow_nan=False, allow_infinity=False, places=4
)
places_strategy = st.integers(min_value=0, max_value=3)


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("60.0", 1),
        ("530", 0),
        ("4.9", 1),
        ("10987.0", 1),
        ("0.25", 2),
        (" 7.10 ", 2),
        ("10,987.0", 1),
        ("-3.5", 1),
        ("No Value", 0),
        ("", 0),
    ],
)
def test_decimal_places_of(text: str, places: int) -> None:
    assert decimal_places_of(text) == places


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("60.0", D("60.0")),
        ("10,987.0", D("10987.0")),
        ("No Value", None),
        ("no value", None),
        ("", None),
    ],
)
def test_document_figure(text: str, value: Decimal | None) -> None:
    assert document_figure(text) == value


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("2.25"), 1, "2.3"),  # half up, where banker's rounding would give 2.2
        (D("2.35"), 1, "2.4"),
        (D("-2.25"), 1, "-2.3"),  # half away from zero, as Excel does
        (D("60"), 1, "60.0"),
        (D("4.94"), 1, "4.9"),
        (D("529.5"), 0, "530"),
        (D("123456789012345678901234567890.5"), 0, "123456789012345678901234567891"),
    ],
)
def test_at_precision_rounds_half_up(value: Decimal, places: int, expected: str) -> None:
    assert str(at_precision(value, places)) == expected


def test_at_precision_rejects_non_finite() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        at_precision(D("NaN"), 1)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("60"), 1, "60.0"),
        (D("10987"), 1, "10987.0"),  # no thousands separator
        (D("530"), 0, "530"),
        (D("0.125"), 2, "0.13"),
        (D("-0.04"), 1, "0.0"),  # never "-0.0"
        (D("1E+3"), 0, "1000"),  # fixed point, not scientific
        (None, 1, DOCUMENT_NO_VALUE),
    ],
)
def test_format_value(value: Decimal | None, places: int, expected: str) -> None:
    assert format_value(value, places) == expected


@PROPERTY
@given(value=finite_decimals, places=places_strategy)
def test_at_precision_is_idempotent(value: Decimal, places: int) -> None:
    once = at_precision(value, places)
    assert at_precision(once, places) == once
    assert abs(once - value) <= D("0.5") * D(10) ** -places


@pytest.mark.parametrize("text", ["New data flows being established", "NaN", "17.4%", "1e"])
def test_document_figure_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(FigureError):
        document_figure(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", D("42")),
        (" 1,234.5 ", D("1234.5")),
        ("17.4%", D("17.4")),
        (3.5, D("3.5")),
        (7, D("7")),
        ("0.0000004", D("0")),  # rounded to the stored six places
        ("", None),
        (None, None),
    ],
)
def test_read_figure_accepts_what_people_type(raw: object, expected: Decimal | None) -> None:
    assert read_figure(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,5", "with a full stop for decimals"),
        ("abc", "'abc' is not a number"),
        (True, "must be a number, not true"),
        ("inf", "must be a finite number"),
        ("1e14", "too large"),
        ("99999999999999.9999999", "too large"),
        ("1234567890.1234567", "more than 15 significant digits"),
    ],
)
def test_read_figure_says_what_is_wrong_with_the_label(raw: object, message: str) -> None:
    with pytest.raises(FigureError, match=message) as caught:
        read_figure(raw, "numerator")
    assert "numerator" in str(caught.value) or "'abc'" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("60.000000"), "60"),
        (D("4.900000"), "4.9"),
        (D("0E-6"), "0"),
        (None, ""),
        (D("1E+3"), "1000"),
    ],
)
def test_decimal_text_drops_the_columns_trailing_zeros(
    value: Decimal | None, expected: str
) -> None:
    assert decimal_text(value) == expected


def test_json_number_keeps_whole_numbers_whole() -> None:
    assert json_number(D("65.000000")) == 65
    assert json_number(D("4.9")) == 4.9
    assert json_number(D("4.94"), 1) == 4.9
    assert json_number(D("529.5"), 0) == 530
    assert json_number(None) is None


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("1234.5"), 1, "1,234.5"),
        (D("1234"), None, "1,234"),
        (D("4.900000"), None, "4.9"),  # the stored column's zeros are not shown
        (D("2.25"), 1, "2.3"),
        (D("-0.04"), 1, "0.0"),
        (1234567, 0, "1,234,567"),
        (None, 1, NO_VALUE),
        (D("NaN"), None, NO_VALUE),
        ("not a number", None, "not a number"),
    ],
)
def test_uk_number(value: object, places: int | None, expected: str) -> None:
    assert uk_number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 29), "29 November 2026"),
        (dt.datetime(2026, 11, 29, 14, 5, tzinfo=dt.UTC), "29 November 2026 at 2:05pm"),
        # British Summer Time: 11:00 UTC is midday in London.
        (dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC), "1 July 2026 at midday"),
        (
            dt.datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("Europe/London")),
            "1 January 2026 at midnight",
        ),
        (None, ""),
    ],
)
def test_uk_date(value: object, expected: str) -> None:
    assert uk_date(value) == expected


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_numbers_and_plain_text_are_not_neutralised() -> None:
    assert neutralise(-1) == -1
    assert neutralise("Southampton") == "Southampton"


@pytest.mark.parametrize(
    "text",
    ["0", "-0", "61", "007", "-3.25", "0.000001", "99999999999999", "12345678901.234", "1.5"],
)
def test_a_plain_figure_reads_exactly_as_the_same_figure_padded_with_spaces(text: str) -> None:
    # Plain cells take a shorter path; padded ones the general one. Both must agree exactly,
    # to the stored precision.
    fast, general = read_figure(text), read_figure(f" {text} ")
    assert fast is not None and general is not None
    assert (fast, fast.as_tuple()) == (general, general.as_tuple())


@pytest.mark.parametrize("text", ["100000000000000", "-100000000000000", "123456789012.3456"])
def test_figures_beyond_the_plain_ones_are_still_judged_by_every_limit(text: str) -> None:
    with pytest.raises(FigureError):
        read_figure(text)
