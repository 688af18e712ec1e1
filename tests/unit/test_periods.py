"""Reporting periods: parsing scorecard labels, canonical labels, ordering and stepping.

Pure Python: no database and no Django, so this runs with `pytest -p no:django`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PERIOD_TYPE_LABELS,
    Period,
    PeriodError,
    PeriodType,
    infer_period_type,
    latest_ended,
    parse_period,
)

M = PeriodType.MONTH
CQ = PeriodType.CALENDAR_QUARTER
FQ = PeriodType.FINANCIAL_QUARTER
FY = PeriodType.FINANCIAL_YEAR
CY = PeriodType.CALENDAR_YEAR
MY = PeriodType.MULTI_YEAR


# Strategies --------------------------------------------------------------------------------------


def span(first: int, length: int, financial: bool) -> Period:
    """A multi-year span of `length` years starting with `first`."""
    return Period.multi_year(first, first + length - 1, financial)


def periods_of(period_type: PeriodType, *, margin: int = 0) -> st.SearchStrategy[Period]:
    """Any period of `period_type` within the supported years, `margin` years clear of the ends.

    Multi-year spans are 2 to 10 years long, calendar or financial.
    """
    years = st.integers(MIN_YEAR + margin, MAX_YEAR - 10 - margin)
    quarters = st.integers(1, 4)
    strategies: dict[PeriodType, st.SearchStrategy[Period]] = {
        M: st.builds(Period.month, years, st.integers(1, 12)),
        CQ: st.builds(Period.calendar_quarter, years, quarters),
        FQ: st.builds(Period.financial_quarter, years, quarters),
        FY: st.builds(Period.financial_year, years),
        CY: st.builds(Period.calendar_year, years),
        MY: st.builds(span, years, st.integers(2, 10), st.booleans()),
    }
    return strategies[period_type]


any_period = st.sampled_from(list(PeriodType)).flatmap(periods_of)
inner_period = st.sampled_from(list(PeriodType)).flatmap(lambda t: periods_of(t, margin=1))
days = st.dates(min_value=date(MIN_YEAR + 12, 1, 1), max_value=date(MAX_YEAR - 12, 12, 31))


@st.composite
def same_shape_periods(draw: st.DrawFn) -> list[Period]:
    """Several periods of one type; multi-year spans all of one length, so they can tile."""
    period_type = draw(st.sampled_from(list(PeriodType)))
    if period_type is MY:
        length = draw(st.integers(2, 10))
        firsts = st.integers(MIN_YEAR, MAX_YEAR - 10)
        return draw(
            st.lists(
                st.builds(span, firsts, st.just(length), st.booleans()),
                min_size=2,
            )
        )
    return draw(st.lists(periods_of(period_type), min_size=2))


# Every label in the Southampton RDHP scorecard (May 2024), column "Latest time period" -----------

REFERENCE_LABELS = [
    ("Oct 23", M, date(2023, 10, 1), date(2023, 10, 31)),
    ("Sept 23", M, date(2023, 9, 1), date(2023, 9, 30)),
    ("2022/23", FY, date(2022, 4, 1), date(2023, 3, 31)),
    ("2020/21", FY, date(2020, 4, 1), date(2021, 3, 31)),
    ("2021/22", FY, date(2021, 4, 1), date(2022, 3, 31)),
    ("2021/22 Q4", FQ, date(2022, 1, 1), date(2022, 3, 31)),
    ("2023/24 Q2", FQ, date(2023, 7, 1), date(2023, 9, 30)),
    ("2023/24 Q3", FQ, date(2023, 10, 1), date(2023, 12, 31)),
    ("2022 Q1", CQ, date(2022, 1, 1), date(2022, 3, 31)),
    ("2020 - 2022", MY, date(2020, 1, 1), date(2022, 12, 31)),
]


@pytest.mark.parametrize(("label", "period_type", "start", "end"), REFERENCE_LABELS)
def test_every_reference_label_parses_to_its_dates_and_writes_back_unchanged(
    label: str, period_type: PeriodType, start: date, end: date
) -> None:
    period = parse_period(label)
    assert (period.type, period.start, period.end) == (period_type, start, end)
    assert period.label == label
    assert str(period) == label


def test_reference_labels_sort_chronologically_by_end_date() -> None:
    periods = sorted(parse_period(label) for label, *_ in REFERENCE_LABELS)
    assert [p.label for p in periods] == [
        "2020/21",
        "2021/22",  # ends 31 Mar 2022 like the two quarters below, but started earlier
        "2022 Q1",  # calendar before financial when the dates are the same
        "2021/22 Q4",
        "2020 - 2022",
        "2022/23",
        "2023/24 Q2",
        "Sept 23",  # ends with 2023/24 Q2 but started later
        "Oct 23",
        "2023/24 Q3",
    ]


# Every accepted way of writing each kind of period ------------------------------------------------

OCT_23 = Period.month(2023, 10)
SEPT_23 = Period.month(2023, 9)
FY_2022 = Period.financial_year(2022)
FQ_2021_Q4 = Period.financial_quarter(2021, 4)
CQ_2022_Q1 = Period.calendar_quarter(2022, 1)
CY_2022 = Period.calendar_year(2022)
SPAN_2020_2022 = Period.multi_year(2020, 2022)
FINANCIAL_SPAN = Period.multi_year(2019, 2021, financial=True)

ACCEPTED_FORMS = [
    ("Oct 23", OCT_23),
    ("Oct 2023", OCT_23),
    ("October 2023", OCT_23),
    ("Oct-23", OCT_23),
    ("2023-10", OCT_23),
    ("OCT 23", OCT_23),
    ("  oct   23 ", OCT_23),
    ("Oct. 23", OCT_23),
    ("Sept 23", SEPT_23),
    ("Sep 23", SEPT_23),
    ("September 2023", SEPT_23),
    ("2023-09", SEPT_23),
    ("2023-9", SEPT_23),
    ("2022/23", FY_2022),
    ("2022/2023", FY_2022),
    ("2022-23", FY_2022),
    ("FY2022/23", FY_2022),
    ("fy 2022/23", FY_2022),
    ("2022 / 23", FY_2022),
    ("2022-2023", FY_2022),
    ("2021/22 Q4", FQ_2021_Q4),
    ("Q4 2021/22", FQ_2021_Q4),
    ("2021/22 q4", FQ_2021_Q4),
    ("2021/2022 Q4", FQ_2021_Q4),
    ("2021-22 Q4", FQ_2021_Q4),
    ("2022 Q1", CQ_2022_Q1),
    ("Q1 2022", CQ_2022_Q1),
    ("2022-Q1", CQ_2022_Q1),
    ("2022q1", CQ_2022_Q1),
    ("2022", CY_2022),
    (" 2022 ", CY_2022),
    ("2020 - 2022", SPAN_2020_2022),
    ("2020-2022", SPAN_2020_2022),
    ("2020 to 2022", SPAN_2020_2022),
    ("2020 TO 2022", SPAN_2020_2022),
    ("2020 \u2013 2022", SPAN_2020_2022),  # en dash, as spreadsheets autocorrect it
    ("2019/20 - 2021/22", FINANCIAL_SPAN),
    ("2019/20 to 2021/22", FINANCIAL_SPAN),
    ("2019/2020 - 2021/2022", FINANCIAL_SPAN),
]


@pytest.mark.parametrize(("label", "period"), ACCEPTED_FORMS)
def test_every_accepted_form_parses_to_the_same_period(label: str, period: Period) -> None:
    assert parse_period(label) == period


@pytest.mark.parametrize(
    ("period", "label", "start", "end"),
    [
        (OCT_23, "Oct 23", date(2023, 10, 1), date(2023, 10, 31)),
        (Period.month(2024, 2), "Feb 24", date(2024, 2, 1), date(2024, 2, 29)),
        (FY_2022, "2022/23", date(2022, 4, 1), date(2023, 3, 31)),
        (FQ_2021_Q4, "2021/22 Q4", date(2022, 1, 1), date(2022, 3, 31)),
        (Period.financial_quarter(2022, 1), "2022/23 Q1", date(2022, 4, 1), date(2022, 6, 30)),
        (CQ_2022_Q1, "2022 Q1", date(2022, 1, 1), date(2022, 3, 31)),
        (Period.calendar_quarter(2022, 4), "2022 Q4", date(2022, 10, 1), date(2022, 12, 31)),
        (CY_2022, "2022", date(2022, 1, 1), date(2022, 12, 31)),
        (SPAN_2020_2022, "2020 - 2022", date(2020, 1, 1), date(2022, 12, 31)),
        (FINANCIAL_SPAN, "2019/20 - 2021/22", date(2019, 4, 1), date(2022, 3, 31)),
    ],
)
def test_constructors_give_the_right_dates_and_canonical_label(
    period: Period, label: str, start: date, end: date
) -> None:
    assert (period.label, period.start, period.end) == (label, start, end)


def test_september_is_written_sept() -> None:
    assert Period.month(2023, 9).label == "Sept 23"
    assert [Period.month(2023, m).label[:-3] for m in range(1, 13)] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec",
    ]  # fmt: skip


def test_two_digit_years_mean_this_century() -> None:
    assert parse_period("Jan 00") == Period.month(2000, 1)
    assert parse_period("Dec 99") == Period.month(2099, 12)


def test_months_outside_2000s_keep_four_digit_years_so_their_labels_round_trip() -> None:
    assert Period.month(1999, 12).label == "Dec 1999"
    assert parse_period("Dec 1999") == Period.month(1999, 12)


@pytest.mark.parametrize(
    "period",
    [
        Period.month(1900, 1),
        Period.month(2200, 12),
        Period.calendar_quarter(2200, 4),
        Period.financial_quarter(2199, 4),
        Period.financial_year(1900),
        Period.financial_year(2199),
        Period.calendar_year(2200),
        Period.multi_year(1900, 2200),
        Period.multi_year(1900, 2199, financial=True),
    ],
    ids=str,
)
def test_periods_at_the_ends_of_the_supported_years_round_trip(period: Period) -> None:
    assert parse_period(period.label) == period


def test_financial_year_crossing_a_century_is_written_with_00() -> None:
    assert Period.financial_year(2099).label == "2099/00"
    assert parse_period("2099/00") == Period.financial_year(2099)


def test_financial_and_calendar_quarters_can_cover_the_same_months_but_stay_distinct() -> None:
    assert (FQ_2021_Q4.start, FQ_2021_Q4.end) == (CQ_2022_Q1.start, CQ_2022_Q1.end)
    assert FQ_2021_Q4 != CQ_2022_Q1
    assert CQ_2022_Q1 < FQ_2021_Q4


def test_financial_span_is_flagged_as_such() -> None:
    assert FINANCIAL_SPAN.is_financial_span
    assert not SPAN_2020_2022.is_financial_span
    assert not FY_2022.is_financial_span


# Ambiguous labels and the `expected` tie-breaker --------------------------------------------------


def test_consecutive_year_pair_is_a_financial_year_unless_a_span_is_expected() -> None:
    assert parse_period("2022-2023") == FY_2022
    assert parse_period("2022-2023", FY) == FY_2022
    assert parse_period("2022-2023", MY) == Period.multi_year(2022, 2023)


def test_canonical_two_year_span_label_is_a_span_unless_a_financial_year_is_expected() -> None:
    assert parse_period("2022 - 2023") == Period.multi_year(2022, 2023)
    assert parse_period("2022 - 2023", FY) == FY_2022


def test_to_always_means_a_span() -> None:
    assert parse_period("2022 to 2023", FY) == Period.multi_year(2022, 2023)


def test_non_consecutive_year_pair_is_always_a_span() -> None:
    assert parse_period("2020-2022", FY) == SPAN_2020_2022


def test_iso_month_that_could_be_a_financial_year_prefers_the_expected_type() -> None:
    assert parse_period("2011-12") == Period.month(2011, 12)
    assert parse_period("2011-12", M) == Period.month(2011, 12)
    assert parse_period("2011-12", FY) == Period.financial_year(2011)


def test_expected_type_does_not_turn_a_clear_label_into_another_type() -> None:
    # The validator reports the mismatch; the parser only breaks ties.
    assert parse_period("Oct 23", FY) == OCT_23
    assert parse_period("2022 Q1", FQ) == CQ_2022_Q1
    assert parse_period("2022/23", MY) == FY_2022


# Errors a data lead can act on -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (
            "Sptember 23",
            "'Sptember 23' is not a period label we recognise: write a month as 'Oct 23'",
        ),
        ("No Value", "'No Value' is not a period label we recognise"),
        ("Oct", "a financial year as '2022/23'"),
        ("", "The period is blank: write a month as 'Oct 23'"),
        ("   ", "The period is blank"),
        ("2023-13", "'2023-13' is neither a month (months run 1 to 12"),
        ("2023-00", "is neither a month"),
        ("2022/24", "'2022/24' is not a financial year: the two years must be consecutive"),
        ("2022/2024", "the two years must be consecutive, as in '2022/23'"),
        ("2021/23 Q4", "the two years must be consecutive"),
        ("Q5 2022", "'Q5 2022' has quarter 5, but quarters run Q1 to Q4."),
        ("2022 Q0", "has quarter 0, but quarters run Q1 to Q4"),
        ("2021/22 Q5", "has quarter 5"),
        (
            "2022 - 2020",
            "'2022 - 2020' is not a span of years: the last year must be after the first",
        ),
        ("2022 to 2022", "the last year must be after the first"),
        ("2021/22 - 2019/20", "as in '2019/20 - 2021/22'"),
        ("1899", "'1899' uses the year 1899: years must be between 1900 and 2200."),
        ("Oct 1850", "uses the year 1850"),
        ("2201", "uses the year 2201"),
        ("2150 - 2201", "uses the year 2201"),
        ("2200/01", "2200/01 runs from 1 April 2200 to 31 March 2201"),
    ],
)
def test_nonsense_labels_are_rejected_with_a_message_saying_what_to_write(
    label: str, message: str
) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(label)
    assert message in str(raised.value)


def test_period_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a period label we recognise"):
        parse_period("soon")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Period.month(2023, 13), "There is no month 13: months run 1 (January) to 12"),
        (lambda: Period.month(2023, 0), "There is no month 0"),
        (lambda: Period.calendar_quarter(2022, 5), "There is no quarter 5: quarters run Q1 to Q4."),
        (lambda: Period.financial_quarter(2022, 0), "There is no quarter 0"),
        (lambda: Period.calendar_year(1899), "The year 1899 is out of range"),
        (lambda: Period.financial_year(2201), "years must be between 1900 and 2200"),
        (lambda: Period.multi_year(2022, 2022), "A span of years must end after it starts"),
        (lambda: Period.multi_year(2021, 2019, financial=True), "as in '2019/20 - 2021/22'"),
        (lambda: Period.month(1900, 1).previous(), "must fall within the years 1900 to 2200"),
        (lambda: Period.calendar_year(2200).next(), "must fall within the years 1900 to 2200"),
    ],
)
def test_constructors_reject_impossible_periods(build: Callable[[], Period], message: str) -> None:
    with pytest.raises(PeriodError) as raised:
        build()
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("period_type", "start", "end", "kind"),
    [
        (M, date(2023, 10, 1), date(2023, 11, 30), "month"),
        (M, date(2023, 10, 2), date(2023, 10, 31), "month"),
        (CQ, date(2022, 2, 1), date(2022, 4, 30), "calendar quarter"),
        (FY, date(2022, 1, 1), date(2022, 12, 31), "financial year (April to March)"),
        (CY, date(2022, 4, 1), date(2023, 3, 31), "calendar year"),
        (MY, date(2022, 1, 1), date(2022, 12, 31), "multi-year span"),
        (MY, date(2020, 7, 1), date(2022, 6, 30), "multi-year span"),
    ],
)
def test_periods_rebuilt_from_dates_must_be_whole_periods_of_their_type(
    period_type: PeriodType, start: date, end: date, kind: str
) -> None:
    with pytest.raises(PeriodError) as raised:
        Period(period_type, start, end)
    assert str(raised.value) == f"{start} to {end} is not a whole {kind}."


def test_periods_can_be_rebuilt_from_stored_type_text_and_dates() -> None:
    period = Period("financial_year", date(2022, 4, 1), date(2023, 3, 31))  # type: ignore[arg-type]
    assert period == FY_2022
    assert period.type is FY


# previous() and next() ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "previous", "following"),
    [
        ("Jan 24", "Dec 23", "Feb 24"),
        ("Dec 23", "Nov 23", "Jan 24"),
        ("Oct 23", "Sept 23", "Nov 23"),
        ("2022/23 Q1", "2021/22 Q4", "2022/23 Q2"),
        ("2021/22 Q4", "2021/22 Q3", "2022/23 Q1"),
        ("2022/23 Q3", "2022/23 Q2", "2022/23 Q4"),
        ("2022 Q1", "2021 Q4", "2022 Q2"),
        ("2022 Q4", "2022 Q3", "2023 Q1"),
        ("2022/23", "2021/22", "2023/24"),
        ("1999/00", "1998/99", "2000/01"),
        ("2022", "2021", "2023"),
        ("2020 - 2022", "2019 - 2021", "2021 - 2023"),
        ("2019/20 - 2021/22", "2018/19 - 2020/21", "2020/21 - 2022/23"),
    ],
)
def test_previous_and_next_step_one_period_across_year_boundaries(
    label: str, previous: str, following: str
) -> None:
    period = parse_period(label)
    assert period.previous().label == previous
    assert period.next().label == following
    assert period.previous().type is period.next().type is period.type


# has_ended() and latest_ended() ------------------------------------------------------------------


def test_a_period_has_ended_only_once_its_last_day_is_over() -> None:
    assert not OCT_23.has_ended(date(2023, 10, 31))
    assert OCT_23.has_ended(date(2023, 11, 1))
    assert not FY_2022.has_ended(date(2023, 3, 31))
    assert FY_2022.has_ended(date(2023, 4, 1))


@pytest.mark.parametrize(
    ("period_type", "today", "expected"),
    [
        (M, date(2023, 11, 1), "Oct 23"),
        (M, date(2023, 10, 31), "Sept 23"),
        (M, date(2024, 1, 1), "Dec 23"),
        (CQ, date(2024, 4, 1), "2024 Q1"),
        (CQ, date(2024, 3, 31), "2023 Q4"),
        (FQ, date(2024, 4, 1), "2023/24 Q4"),
        (FQ, date(2024, 3, 31), "2023/24 Q3"),
        (FQ, date(2023, 7, 1), "2023/24 Q1"),
        (FY, date(2024, 4, 1), "2023/24"),
        (FY, date(2024, 3, 31), "2022/23"),
        (CY, date(2024, 1, 1), "2023"),
        (CY, date(2023, 12, 31), "2022"),
        (MY, date(2024, 1, 1), "2021 - 2023"),
        (MY, date(2023, 12, 31), "2020 - 2022"),
    ],
)
def test_latest_ended_is_the_last_period_over_by_today(
    period_type: PeriodType, today: date, expected: str
) -> None:
    assert latest_ended(period_type, today).label == expected


def test_latest_ended_multi_year_span_length_can_be_chosen() -> None:
    assert latest_ended(MY, date(2024, 5, 1), span_years=5).label == "2019 - 2023"


def test_containing_finds_the_period_a_day_falls_in() -> None:
    assert Period.containing(FQ, date(2024, 2, 29)).label == "2023/24 Q4"
    assert Period.containing(FY, date(2024, 4, 1)).label == "2024/25"
    assert Period.containing(MY, date(2024, 6, 1)).label == "2022 - 2024"


# infer_period_type() -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "period_type"),
    [
        ("Monthly count", M),
        ("Monthly volume (gm)", M),
        ("Quarterly percentage", FQ),
        ("Quarterly count", FQ),
        ("Quarterly rate per 1,000", FQ),
        ("Annual count", FY),
        ("Annual percentage", FY),
        ("Count", FY),
        ("Rate", FY),
        ("Rate per 1k population", FY),
        ("Percentage", FY),
        ("", FY),
        ("  MONTHLY COUNT ", M),
    ],
)
def test_period_type_is_inferred_from_the_scorecard_unit(
    unit: str, period_type: PeriodType
) -> None:
    assert infer_period_type(unit) is period_type


def test_every_period_type_has_a_human_label() -> None:
    assert set(PERIOD_TYPE_LABELS) == set(PeriodType)
    assert PERIOD_TYPE_LABELS[FY] == "Financial year (April to March)"


# Properties --------------------------------------------------------------------------------------


@given(any_period)
def test_canonical_label_parses_back_to_the_same_period(period: Period) -> None:
    assert parse_period(period.label) == period
    assert parse_period(period.label, period.type) == period


@given(any_period)
def test_labels_parse_whatever_the_case_and_spacing(period: Period) -> None:
    assert parse_period(f"  {period.label.upper()} ") == period
    assert parse_period(period.label.lower().replace(" ", "   ")) == period


@given(inner_period)
def test_previous_then_next_returns_to_the_same_period(period: Period) -> None:
    assert period.previous().next() == period
    assert period.next().previous() == period


@given(inner_period)
def test_previous_sorts_before_and_next_after(period: Period) -> None:
    assert period.previous() < period < period.next()
    assert period.next() > period >= period.previous()


@given(inner_period)
def test_periods_of_one_type_tile_time_without_gaps(period: Period) -> None:
    if period.type is MY:
        # Rolling spans overlap: the one before is the same span a year earlier.
        assert period.previous().start.replace(year=period.start.year) == period.start
        assert period.previous().start.year == period.start.year - 1
        assert period.previous().end.year == period.end.year - 1
    else:
        assert period.previous().end + timedelta(days=1) == period.start
        assert period.end + timedelta(days=1) == period.next().start


@given(same_shape_periods())
def test_sorting_periods_of_one_shape_orders_them_by_start_date(periods: list[Period]) -> None:
    assert [p.start for p in sorted(periods)] == sorted(p.start for p in periods)


@given(any_period, any_period)
def test_ordering_is_total_and_consistent_with_equality(a: Period, b: Period) -> None:
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a <= b) == (a < b or a == b)

    def key(p: Period) -> tuple[date, date, int]:
        return (p.end, p.start, list(PeriodType).index(p.type))

    assert (a < b) == (key(a) < key(b))


@given(st.sampled_from(list(PeriodType)), days)
def test_latest_ended_has_ended_and_the_one_after_has_not(
    period_type: PeriodType, today: date
) -> None:
    latest = latest_ended(period_type, today)
    assert latest.type is period_type
    assert latest.has_ended(today)
    assert not latest.next().has_ended(today)


@given(st.sampled_from(list(PeriodType)), days)
def test_containing_period_includes_the_day(period_type: PeriodType, day: date) -> None:
    period = Period.containing(period_type, day)
    assert period.start <= day <= period.end
