"""The live scorecard's rules, applied to data in the database by scorecard_recompute."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecard.models import ScorecardRow
from scorecard.selectors import stale_measure_ids
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import record_value
from tests.factories import (
    MeasureFactory,
    england,
    local_area,
    record_history,
    reporting_period,
    value_history,
)

pytestmark = pytest.mark.django_db


def row_for(measure) -> ScorecardRow:
    scorecard_recompute([measure.pk])
    return ScorecardRow.objects.get(measure=measure)


def test_direction_compares_the_two_most_recent_local_periods():
    measure = MeasureFactory(decimal_places=1)
    value_history(measure, ["50", "58.0", "60.0"])
    row = row_for(measure)
    assert (row.latest_period.label, row.local_value, row.direction) == (
        "Oct 23",
        Decimal("60"),
        "↑",
    )
    assert [p["period"] for p in row.series] == ["Aug 23", "Sept 23", "Oct 23"]


def test_equal_at_displayed_precision_is_level():
    measure = MeasureFactory(decimal_places=1)
    value_history(measure, ["2.25", "2.3"])
    assert row_for(measure).direction == "↔"


def test_a_single_period_without_a_published_edition_has_no_direction():
    measure = MeasureFactory()
    value_history(measure, ["5"])
    assert row_for(measure).direction == "×"


def test_no_data_gives_no_period_and_not_comparable():
    row = row_for(MeasureFactory())
    assert (row.latest_period, row.direction, row.compared, row.series) == (
        None,
        "×",
        "Not Comparable",
        [],
    )


def test_england_value_is_taken_for_the_latest_local_period():
    measure = MeasureFactory(
        unit="Annual percentage",
        value_kind="percentage",
        period_type="financial_year",
        comparable_with_england=True,
        decimal_places=1,
    )
    old, new = reporting_period("2021/22"), reporting_period("2022/23")
    for period, local, national in ((old, "40.0", "45.0"), (new, "47.0", "44.0")):
        record_value(measure, local_area(), period, Decimal(local), origin="test")
        record_value(measure, england(), period, Decimal(national), origin="test")
    row = row_for(measure)
    assert (row.england_value, row.compared, row.direction) == (Decimal("44"), "Higher", "↑")


def test_counts_are_never_compared_with_england():
    measure = MeasureFactory(comparable_with_england=True)
    period = reporting_period("Oct 23")
    record_value(measure, local_area(), period, Decimal("9"), origin="test")
    record_value(measure, england(), period, Decimal("10987"), origin="test")
    assert row_for(measure).compared == "Not Comparable"


def test_a_correction_becomes_current_and_keeps_the_old_version():
    measure = MeasureFactory()
    period = reporting_period("Oct 23")
    record_value(measure, local_area(), period, Decimal("9"), origin="test")
    assert record_value(measure, local_area(), period, Decimal("9"), origin="again") == 0
    record_value(measure, local_area(), period, Decimal("11"), origin="correction")
    versions = list(
        measure.data_points.order_by("version").values_list("value", "version", "is_current")
    )
    assert versions == [(Decimal("9"), 1, False), (Decimal("11"), 2, True)]
    assert row_for(measure).local_value == Decimal("11")


def test_recompute_is_idempotent_and_heals_only_stale_rows():
    measure = MeasureFactory()
    value_history(measure, ["1", "2"])
    assert measure.pk in stale_measure_ids()
    assert scorecard_recompute([measure.pk]) == 1
    assert scorecard_recompute([measure.pk]) == 0
    assert measure.pk not in stale_measure_ids()
    record_value(measure, local_area(), reporting_period("Nov 23"), Decimal("3"), origin="test")
    assert stale_measure_ids() == [measure.pk]


def test_imported_arrows_carry_forward_until_new_data(imported):
    from scorecard.models import Measure

    measure = Measure.objects.get(number=2)  # Sept 23, 84.0, published ↓
    assert measure.row.direction == "↓"
    record_value(measure, local_area(), reporting_period("Oct 23"), Decimal("90"), origin="test")
    row = row_for(measure)
    assert (row.latest_period.label, row.direction) == ("Oct 23", "↑")


def test_every_reference_row_is_reproduced_by_the_rules(imported, reference_path):
    """Arrows come from the edition, comparisons are recomputed: both must match the reference."""
    from tests.reference import rows_from_file

    rows = {
        r.measure.number: r for r in ScorecardRow.objects.select_related("measure", "latest_period")
    }
    for expected in rows_from_file(reference_path):
        row = rows[expected["number"]]
        assert row.compared == expected["compared"], expected["number"]
        assert row.direction == expected["direction"], expected["number"]
        assert row.local_value == expected["local_value"], expected["number"]


def _recompute_queries(measures: list) -> tuple[list[str], list[str]]:
    """The statements a recompute of `measures` (rows deleted first) issues: (reads, writes)."""
    ScorecardRow.objects.all().delete()
    with CaptureQueriesContext(connection) as context:
        assert scorecard_recompute([m.pk for m in measures]) == len(measures)
    statements = [q["sql"] for q in context.captured_queries]
    writes = [s for s in statements if s.startswith('INSERT INTO "scorecard_scorecardrow"')]
    return [s for s in statements if s not in writes], writes


def test_a_recompute_costs_the_same_queries_for_40_or_400_measures():
    """Figures are read in one query however many measures there are, and rows written in one
    upsert (on PostgreSQL; SQLite splits it by its limit on parameters)."""
    local, national = local_area(), england()
    months = [reporting_period(m) for m in ("Aug 23", "Sept 23", "Oct 23")]
    measures = [MeasureFactory() for _ in range(400)]
    record_history(
        (measure, area, period, str(10 + i))
        for measure in measures
        for area in (local, national)
        for i, period in enumerate(months)
    )

    small_reads, small_writes = _recompute_queries(measures[:40])
    large_reads, large_writes = _recompute_queries(measures)

    assert len(large_reads) == len(small_reads) <= 14
    if connection.vendor == "postgresql":
        assert len(large_writes) == len(small_writes) == 1
