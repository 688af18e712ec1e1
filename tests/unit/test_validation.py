"""The one validator (submissions.validation): every error and warning, the statuses of values
against approved figures, and loading what it needs once however many rows there are."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from scorecard.models import Area
from submissions.models import RowStatus
from submissions.validation import (
    FIELDS,
    RawRow,
    validate_rows,
)
from tests.factories import (
    MeasureFactory,
    UserFactory,
    approved_figure,
    england,
    local_area,
    value_history,
)

pytestmark = pytest.mark.django_db

TODAY = date(2024, 5, 15)


@pytest.fixture
def areas():
    return local_area(), england()


@pytest.fixture
def catalogue(organisation, other_organisation, areas):
    """Police's measures of each kind, one of OPCC's, and a retired one."""
    return {
        "count": MeasureFactory(number=1, code="drug-networks", organisation=organisation),
        "volume": MeasureFactory(
            number=2, code="seizures", value_kind="volume", unit="Monthly volume (gm)",
            organisation=organisation,
        ),
        "percentage": MeasureFactory(
            number=3, code="completions", value_kind="percentage", unit="Quarterly percentage",
            multiplier=100, period_type="financial_quarter", decimal_places=1,
            organisation=organisation,
        ),
        "rate": MeasureFactory(
            number=4, code="offences", value_kind="rate", unit="Rate per 1k population",
            multiplier=1000, period_type="financial_year", decimal_places=1,
            organisation=organisation,
        ),
        "average": MeasureFactory(
            number=5, code="caseload", value_kind="average", unit="Average caseload",
            period_type="financial_year", decimal_places=1, organisation=organisation,
        ),
        "theirs": MeasureFactory(number=6, code="arrests", organisation=other_organisation),
        "retired": MeasureFactory(number=7, code="old", organisation=organisation, active=False),
        # Continuity of care: a percentage although its unit says "rate per 1,000" (measure 31).
        "continuity": MeasureFactory(
            number=8, code="continuity", value_kind="percentage", unit="Quarterly rate per 1,000",
            multiplier=100, period_type="calendar_quarter", decimal_places=1,
            organisation=organisation,
        ),
        "deaths": MeasureFactory(
            number=9, code="deaths", value_kind="dsr", unit="Rate", multiplier=100_000,
            period_type="multi_year", decimal_places=1, organisation=organisation,
        ),
    }  # fmt: skip


def check(user, *rows, require_notes=False, today=TODAY):
    raw = [RawRow(i, {f: r.get(f, "") for f in FIELDS}) for i, r in enumerate(rows, start=1)]
    return validate_rows(raw, user=user, today=today, require_notes=require_notes)


def row(measure="1", period="Oct 23", value="12", **other):
    return {"measure": measure, "period": period, "value": value, **other}


def errors(result):
    return [(i.row, i.field, i.message) for i in result.errors]


def only_error(result, field):
    assert [(i.field) for i in result.errors] == [field], errors(result)
    return result.errors[0].message


# Clean values ---------------------------------------------------------------------------------


def test_a_good_row_becomes_a_clean_value_with_no_issues(lead, catalogue, areas):
    result = check(lead, row(note="as usual"))
    assert result.ok and result.issues == []
    (value,) = result.values
    assert (value.measure, value.area, value.period.label) == (
        catalogue["count"],
        areas[0],
        "Oct 23",
    )
    assert value.value == Decimal("12") and value.note == "as usual"


def test_measure_by_code_ignores_case_and_by_number_accepts_spreadsheet_floats(lead, catalogue):
    result = check(lead, row(measure="DRUG-Networks"), row(measure="2.0", value="5.5"))
    assert result.ok
    assert [v.measure for v in result.values] == [catalogue["count"], catalogue["volume"]]


def test_area_blank_is_the_local_area_and_england_matches_in_any_case(lead, catalogue, areas):
    result = check(lead, row(area=""), row(area="ENGLAND"))
    assert [v.area for v in result.values] == list(areas)


def test_thousands_separators_and_a_percent_sign_are_read(lead, catalogue):
    result = check(lead, row(value="1,234"), row(measure="3", period="2023/24 Q3", value="45.5%"))
    assert [v.value for v in result.values] == [Decimal("1234"), Decimal("45.5")]


def test_numbers_from_json_and_spreadsheets_are_read_as_written(lead, catalogue):
    result = check(lead, row(value=12), row(period="Nov 23", value=12.0))
    assert [v.value for v in result.values] == [Decimal(12), Decimal(12)]


# Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        (row(measure=""), "measure", "Enter the measure's number or code"),
        (row(measure="999"), "measure", "'999' is not the number or code of a measure we know"),
        (row(measure="no-such-code"), "measure", "is not the number or code of a measure"),
        (row(measure="6"), "measure", "Measure 6 is the responsibility of OPCC, not Police"),
        (row(measure="7"), "measure", "Measure 7 is no longer collected"),
        (row(area="Narnia"), "area", "'Narnia' is not an area we know: leave it blank for"),
        (row(period=""), "period", "Enter the period, as in 'Apr 24'"),
        (row(period="Smarch 23"), "period", "'Smarch 23' is not a period label we recognise"),
        (row(period="2022/23"), "period", "Measure 1 is reported by month, so the period must"),
        (row(period="May 24"), "period", "May 24 has not ended yet: its figures can be submitted"),
        (row(value=""), "value", "Enter the value"),
        (row(value="lots"), "value", "'lots' is not a number"),
        (row(value="1,5"), "value", "'1,5' is not a number: write the value with a full stop"),
        (row(value="NaN"), "value", "must be a finite number"),
        (row(value="Infinity"), "value", "must be a finite number"),
        (row(value=True), "value", "must be a number, not true"),
        (row(value="1e20"), "value", "too large"),
        (row(value="-3"), "value", "A count cannot be negative: -3"),
        (row(measure="2", value="-0.5"), "value", "A volume cannot be negative"),
        (
            row(measure="4", period="2022/23", value="-1"),
            "value",
            "A crude rate cannot be negative",
        ),
        (row(value="12.5"), "value", "Measure 1 is a count: 12.5 is not a whole number"),
        (row(measure="3", period="2023/24 Q3", value="100.1"), "value", "between 0 and 100"),
        (
            row(measure="3", period="2023/24 Q3", value="-1"),
            "value",
            "A proportion cannot be negative",
        ),
        (
            row(measure="9", period="2020 - 2022", value="4.8", variance="0.9"),
            "numerator",
            "Give the number of events as the numerator",
        ),
        (
            row(
                measure="9",
                period="2020 - 2022",
                value="4.8",
                numerator="12",
                denominator="250000",
                variance="-1",
            ),
            "variance",
            "The variance cannot be negative",
        ),
        (
            row(
                measure="4",
                period="2022/23",
                value="4.9",
                numerator="1225",
                denominator="250000",
                variance="1",
            ),
            "variance",
            "Measure 4 is not a directly standardised rate: leave the variance blank",
        ),
        (
            row(measure="9", period="2020 - 2022", value="4.8", variance="x"),
            "variance",
            "'x' is not a number",
        ),
        (
            row(measure="3", period="2023/24 Q3", value="50", numerator="12", denominator="6"),
            "numerator",
            "The numerator (12) cannot be larger than the denominator (6)",
        ),
        (
            row(measure="3", period="2023/24 Q3", value="50", numerator="1", denominator="4"),
            "value",
            "does not match the numerator and denominator: 1 ÷ 4 × 100 = 25.00",
        ),
        (
            row(measure="4", period="2022/23", value="4.9", numerator="120", denominator="1000"),
            "value",
            "120 ÷ 1,000 × 1,000 = 120.00",
        ),
        (
            row(measure="5", period="2022/23", value="9", numerator="30", denominator="3"),
            "value",
            "30 ÷ 3 = 10.00",
        ),
        (row(numerator="3"), "denominator", "Give the denominator too, or leave both blank"),
        (row(denominator="3"), "numerator", "Give the numerator too, or leave both blank"),
        (row(numerator="-1", denominator="3"), "numerator", "cannot be negative"),
        (row(numerator="1", denominator="0"), "denominator", "must be more than 0"),
    ],
)
def test_each_error_names_the_field_and_the_reason(lead, catalogue, fields, field, fragment):
    result = check(lead, fields)
    assert fragment in only_error(result, field)
    assert result.values == []
    assert result.rows_with_errors == {1}


def test_a_value_that_matches_its_numerator_and_denominator_after_rounding_passes(lead, catalogue):
    result = check(
        lead,
        row(measure="3", period="2023/24 Q3", value="33.3", numerator="1", denominator="3"),
        row(measure="3", period="2023/24 Q2", value="33.4", numerator="1", denominator="3"),
        row(measure="4", period="2022/23", value="4.9", numerator="4900", denominator="1000000"),
    )
    assert result.ok, errors(result)


def test_a_rate_whose_multiplier_is_not_set_is_not_checked_against_its_ratio(lead, catalogue):
    # A measure migrated from a unit without "per N" keeps no multiplier until an admin sets one;
    # the unit text is never read for it.
    catalogue["rate"].multiplier = None
    catalogue["rate"].save()
    result = check(
        lead, row(measure="4", period="2022/23", value="7", numerator="1", denominator="2")
    )
    assert result.ok


def test_the_same_measure_area_and_period_twice_is_an_error_on_the_second(lead, catalogue):
    result = check(lead, row(), row(value="13"), row(area="England"))
    assert errors(result) == [
        (2, "period", "Measure 1, Southampton, Oct 23 appears twice: it is also in row 1. "
         "Give each figure once."),
    ]  # fmt: skip
    assert [v.row for v in result.values] == [1, 3]


def test_an_unknown_measure_still_gets_its_period_checked(lead, catalogue):
    result = check(lead, row(measure="999", period="Smarch 23"))
    assert {i.field for i in result.errors} == {"measure", "period"}


def test_no_rows_is_an_error(lead, catalogue):
    result = validate_rows([], user=lead, today=TODAY)
    assert errors(result) == [(None, "values", result.errors[0].message)]
    assert "no figures" in result.errors[0].message


def test_a_user_without_an_organisation_owns_no_measure(approver, catalogue):
    approver.organisation = None
    result = check(approver, row())
    assert "not your organisation" in only_error(result, "measure")


def test_every_row_is_checked_and_issues_come_in_row_order(lead, catalogue):
    result = check(lead, row(value="x"), row(period="Nov 23", value="1"), row(measure="999"))
    assert [(i.row, i.level) for i in result.issues] == [
        (1, "error"),
        (2, "warning"),
        (3, "error"),
    ]


# Warnings -------------------------------------------------------------------------------------


TWELVE = ["50", "52", "49", "51", "50", "48", "53", "50", "47", "52", "51", "50"]


def test_a_value_far_from_twelve_consecutive_periods_of_history_is_a_warning(lead, catalogue):
    # Median 50; absolute deviations 0,2,1,1,0,2,3,0,3,2,1,0 have a median (MAD) of 1, so 80's
    # modified z-score is 0.6745 * 30 / 1 = 20.2, far over 3.5.
    value_history(catalogue["count"], TWELVE)
    result = check(lead, row(period="Nov 23", value="80"))
    assert result.ok
    (warning,) = result.warnings
    assert warning.field == "value" and warning.level == "warning"
    assert warning.message == (
        "80 is 60% higher than the usual figure for this measure: over the last 12 months "
        "(Nov 22 to Oct 23) the median was 50, and figures ranged from 47 to 53. Check it, and "
        "if it is right, say why in the note."
    )
    (stored,) = result.values[0].warnings
    assert stored.reviewer.startswith("Unusually high: 80 is 60% higher than this measure's ")
    assert stored.reviewer.endswith(
        "The data lead was asked to check it and explain it in the note."
    )


def test_the_z_score_limit_is_three_and_a_half(lead, catalogue):
    value_history(catalogue["count"], TWELVE)
    # 55: 0.6745 * 5 = 3.37, within; 56: 0.6745 * 6 = 4.05, beyond.
    assert check(lead, row(period="Nov 23", value="55")).warnings == []
    assert len(check(lead, row(period="Nov 23", value="56")).warnings) == 1
    assert len(check(lead, row(period="Nov 23", value="44")).warnings) == 1


def test_only_the_twelve_periods_just_before_count_as_history(lead, catalogue):
    # The thirteenth, older figure (1000) is outside the window: with it the spread would be
    # wider and 42 unremarkable. Median of the twelve is 15, MAD 5: 40 scores 3.37, 42 scores 3.64.
    value_history(catalogue["count"], ["1000"] + ["10"] * 6 + ["20"] * 6)
    assert check(lead, row(period="Nov 23", value="40")).warnings == []
    assert len(check(lead, row(period="Nov 23", value="42")).warnings) == 1


def test_with_no_median_deviation_the_mean_absolute_deviation_is_used(lead, catalogue):
    # Nine 10s and 20, 30, 40: median 10, MAD 0; mean absolute deviation (10+20+30)/12 = 5,
    # so z = (x - 10) / (1.253314 * 5): 30 scores 3.19, 40 scores 4.79.
    value_history(catalogue["count"], ["10"] * 9 + ["20", "30", "40"])
    assert check(lead, row(period="Nov 23", value="30")).warnings == []
    (warning,) = check(lead, row(period="Nov 23", value="40")).warnings
    assert warning.message.startswith("40 is 4 times the usual figure for this measure")


def test_a_spread_finer_than_the_measures_precision_counts_as_rounding(lead, catalogue):
    measure = MeasureFactory(
        number=10,
        code="one-place",
        value_kind="other",
        decimal_places=1,
        organisation=lead.organisation,
    )
    # Median 30.05 and MAD 0.05: the spread is under one unit of the last place (0.1), so 0.1 is
    # used. 30.4 is 3.5 of those from the median, not over the limit; 30.5 is 4.5.
    value_history(measure, ["30.0", "30.1"] * 6)
    assert check(lead, row(measure="10", period="Nov 23", value="30.4")).warnings == []
    assert len(check(lead, row(measure="10", period="Nov 23", value="30.5")).warnings) == 1


def test_six_periods_in_the_window_use_the_z_score_and_five_the_half_rule(lead, catalogue):
    value_history(catalogue["count"], ["20", "30", "40", "50", "60"])  # Jun 23 to Oct 23
    # Five periods: the half rule, and 95 is more than half above 60.
    assert len(check(lead, row(period="Nov 23", value="95")).warnings) == 1
    approved_figure(catalogue["count"], "May 23", "10")  # a sixth, approved late
    # Median 35, MAD 15: 95 scores 2.7, no warning, although it is more than half above 60.
    assert check(lead, row(period="Nov 23", value="95")).warnings == []


def test_history_with_a_gap_says_how_many_periods_it_has(lead, catalogue):
    # Nov 22 to Oct 23 but for Jan 23 and Feb 23, never entered.
    value_history(catalogue["count"], TWELVE[:2], last=date(2022, 12, 1))
    value_history(catalogue["count"], TWELVE[4:], last=date(2023, 10, 1))
    (warning,) = check(lead, row(period="Nov 23", value="80")).warnings
    assert "over the 10 months with figures between Nov 22 and Oct 23 the median" in (
        warning.message
    )


def test_history_is_the_periods_before_the_value_not_after(lead, catalogue):
    value_history(catalogue["count"], TWELVE)
    # Oct 22 is before all of the history (Nov 22 to Oct 23): nothing to judge it by.
    assert check(lead, row(period="Oct 22", value="500")).warnings == []


def test_with_short_history_a_change_of_more_than_half_is_a_warning(lead, catalogue):
    value_history(catalogue["count"], ["40", "60"])
    (warning,) = check(lead, row(period="Nov 23", value="91")).warnings
    assert warning.message == (
        "91 is 52% higher than the figure for Oct 23 (60). Check it, and if it is right, say "
        "why in the note."
    )
    assert check(lead, row(period="Nov 23", value="89")).warnings == []
    (lower,) = check(lead, row(period="Nov 23", value="29")).warnings
    assert lower.message.startswith("29 is 52% lower than the figure for Oct 23 (60).")


def test_a_figure_years_older_is_compared_only_saying_how_old_it_is(lead, catalogue):
    value_history(catalogue["count"], ["33"])  # Oct 23
    (warning,) = check(lead, row(period="Oct 26", value="3300"), today=date(2026, 11, 20)).warnings
    assert warning.message == (
        "3,300 is about 100 times the latest approved figure, 33 for Oct 23, which is 3 years "
        "before Oct 26 with no figures in between, so the comparison may be out of date. Check "
        "it, and if it is right, say why in the note."
    )


def test_with_no_spread_in_history_the_half_rule_applies(lead, catalogue):
    value_history(catalogue["count"], ["50"] * 12)
    assert check(lead, row(period="Nov 23", value="74")).warnings == []
    assert len(check(lead, row(period="Nov 23", value="76")).warnings) == 1


def test_without_history_there_is_no_outlier_warning(lead, catalogue):
    assert check(lead, row(value="1000000")).warnings == []


def test_a_figure_for_the_first_months_a_period_may_have_is_checked_not_crashed_on(lead, catalogue):
    # Its window of history would reach back before 1900, where no period can be.
    result = check(lead, row(period="Jan 1900"), row(period="Mar 1900"))
    assert result.ok, errors(result)
    assert [v.period.label for v in result.values] == ["Jan 1900", "Mar 1900"]


@pytest.mark.parametrize("value", ["1", "2", "3", "4"])
def test_a_count_of_one_to_four_is_a_warning_that_it_might_identify_people(lead, catalogue, value):
    result = check(lead, row(value=value))
    (warning,) = result.warnings
    assert f"A count of {value} is small enough that it might identify people" in warning.message
    assert result.values[0].warnings[0].reviewer.startswith(f"Small count: {value} might")


@pytest.mark.parametrize(
    ("measure", "period", "value"),
    [("1", "Oct 23", "0"), ("1", "Oct 23", "5"), ("3", "2023/24 Q3", "3.0"), ("2", "Oct 23", "2")],
)
def test_zero_five_and_small_figures_that_are_not_counts_are_not_small_numbers(
    lead, catalogue, measure, period, value
):
    assert check(lead, row(measure=measure, period=period, value=value)).warnings == []


def test_at_submit_a_warning_without_a_note_is_an_error_on_the_note(lead, catalogue):
    result = check(lead, row(value="3"), require_notes=True)
    assert [(i.row, i.field) for i in result.errors] == [(1, "note")]
    assert "a value with a warning needs a note" in result.errors[0].message
    assert check(lead, row(value="3", note="Three networks: true"), require_notes=True).ok


def test_at_submit_a_correction_of_an_approved_figure_needs_a_reason_in_the_note(lead, catalogue):
    approved_figure(catalogue["count"], "Oct 23", "60")
    assert check(lead, row(value="61")).ok  # a draft may wait for its reason
    result = check(lead, row(value="61"), require_notes=True)
    assert errors(result) == [
        (
            1,
            "note",
            "Give the reason for the correction in the note: this changes the approved figure "
            "for Oct 23 from 60 to 61.",
        )
    ]
    assert check(lead, row(value="61", note="Late arrests added"), require_notes=True).ok
    assert check(lead, row(value="60"), require_notes=True).ok  # the same figure: no correction


def test_a_note_longer_than_two_thousand_characters_is_refused(lead, catalogue):
    assert check(lead, row(note="x" * 2000)).ok
    message = only_error(check(lead, row(note="x" * 2001)), "note")
    assert message == "The note must be 2,000 characters or fewer; it has 2,001."


def test_warnings_are_allowed_in_a_draft(lead, catalogue):
    result = check(lead, row(value="3"))
    assert result.ok and len(result.warnings) == 1


# Against the approved figures -----------------------------------------------------------------


def test_values_are_new_changed_or_unchanged_against_the_current_approved_figure(
    lead, catalogue, areas
):
    value_history(catalogue["count"], ["55", "60"])  # Sept and Oct 23
    result = check(
        lead,
        row(period="Oct 23", value="60.0"),
        row(period="Sept 23", value="56"),
        row(period="Nov 23", value="61"),
    )
    unchanged, changed, new = result.values
    assert (unchanged.status, changed.status, new.status) == (
        RowStatus.UNCHANGED,
        RowStatus.CHANGED,
        RowStatus.NEW,
    )
    assert changed.is_correction and changed.current == Decimal("55")
    assert not unchanged.is_correction
    assert (new.previous, new.previous_period.label) == (Decimal("60"), "Oct 23")


def test_a_different_numerator_for_the_same_value_is_a_change(lead, catalogue):
    approved_figure(catalogue["percentage"], "2023/24 Q3", "50", numerator="1", denominator="2")
    (value,) = check(
        lead, row(measure="3", period="2023/24 Q3", value="50", numerator="2", denominator="4")
    ).values
    assert value.status is RowStatus.CHANGED


# Loading once ---------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_rows(lead, catalogue, django_assert_num_queries):
    value_history(catalogue["count"], ["50", "52", "49", "51", "50", "48", "53", "50"])
    lead = type(lead).objects.select_related("organisation").get(pk=lead.pk)

    def months(n):
        out, year, month = [], 2023, 9
        for _ in range(n):
            out.append(row(period=f"{date(year, month, 1):%b %Y}", value="50"))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return out

    with django_assert_num_queries(3):  # measures, areas, approved history
        small = check(lead, *months(5))
    with django_assert_num_queries(3):
        large = check(lead, *months(500))
    assert small.ok and large.ok and len(large.values) == 500


def test_the_ratio_check_uses_the_measures_multiplier_not_its_unit(lead, catalogue):
    # Measure 31's unit says "rate per 1,000", but it is a percentage: 232 of 500 is 46.4.
    good = row(measure="8", period="2022 Q1", value="46.4", numerator="232", denominator="500")
    assert check(lead, good).ok
    wrong = row(measure="8", period="2022 Q1", value="4.6", numerator="232", denominator="500")
    assert "232 ÷ 500 × 100 = 46.40" in only_error(check(lead, wrong), "value")


def test_a_standardised_rate_is_not_checked_against_its_crude_rate(lead, catalogue):
    # 12 deaths in 250,000 is 4.8 per 100,000 crude; the standardised rate differs, rightly.
    result = check(
        lead,
        row(
            measure="9",
            period="2020 - 2022",
            value="5.6",
            numerator="12",
            denominator="250000",
            variance="2.6",
        ),
    )
    assert result.ok
    assert result.values[0].variance == Decimal("2.6")


@pytest.mark.parametrize(
    ("numerator", "denominator", "value", "warned"),
    [("1", "400", "0.3", True), ("4", "400", "1.0", True), ("5", "400", "1.3", False)],
)
def test_a_percentage_on_few_events_is_flagged_as_suppressed(
    lead, catalogue, numerator, denominator, value, warned
):
    result = check(
        lead,
        row(
            measure="3",
            period="2023/24 Q3",
            value=value,
            numerator=numerator,
            denominator=denominator,
        ),
    )
    assert result.ok
    messages = [w.message for w in result.warnings]
    assert bool(messages) is warned
    if warned:
        assert messages == [
            f"The numerator {numerator} is fewer than 5: a figure on so few events might identify "
            "people, and the board will see it as 'Suppressed (small numbers)'. Check it, and add "
            "a note."
        ]


def test_a_publishable_measure_is_still_flagged_at_its_own_threshold(lead, catalogue):
    measure = catalogue["percentage"]
    measure.small_number_threshold = 10
    measure.publish_small_numbers = True
    measure.save()
    (warning,) = check(
        lead, row(measure="3", period="2023/24 Q3", value="2.3", numerator="9", denominator="400")
    ).warnings
    assert "is fewer than 10" in warning.message
    assert "it will be published, as the measure allows" in warning.message


def test_an_area_added_later_is_known(lead, catalogue):
    Area.objects.create(name="Portsmouth", kind="comparator")
    assert check(lead, row(area="portsmouth")).ok


def test_a_data_lead_of_another_organisation_sees_police_measures_as_not_theirs(
    other_organisation, catalogue
):
    opcc = UserFactory(username="opcc2", role=Role.DATA_LEAD, organisation=other_organisation)
    result = check(opcc, row(), row(measure="6", period="Nov 23"))
    assert [i.field for i in result.errors] == ["measure"]
    assert "responsibility of Police, not OPCC" in result.errors[0].message
