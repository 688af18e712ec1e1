"""The demo the repository carries: `load_demo` gives the 39-measure May-2024 scorecard and the
contract's accounts from the repository alone; `--history` adds synthetic figures coherent with
today's date, labelled as such, never touching the reference's own figures or its edition."""

import io
import itertools
from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import User
from scorecard.demo import DEMO_SCORECARD, demo_load
from scorecard.figures import at_precision
from scorecard.methods import ValueKind
from scorecard.models import DataPoint, Edition, Measure, ScorecardRow
from scorecard.periods import Period
from submissions.selectors import period_choices
from tests.conftest import client_for
from tests.reference import rows_from_file, rows_from_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)
SYNTHETIC = DataPoint.SYNTHETIC_ORIGIN


def _edition_rows() -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("export_scorecard", "--edition", "May-2024", "--format", "tsv", stdout=out)
    return rows_from_text(out.getvalue())


def test_load_demo_alone_gives_the_reference_scorecard_and_the_accounts(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)  # idempotent

    assert "Demo ready: 39 measures, 3 organisations, 6 accounts" in out.getvalue()
    assert Measure.objects.count() == 39
    assert Edition.objects.get().name == "May-2024"
    assert User.objects.count() == 6
    assert not DataPoint.objects.filter(origin=SYNTHETIC).exists()
    assert _edition_rows() == rows_from_file(DEMO_SCORECARD)
    page = client_for(User.objects.get(username="board")).get("/scorecard/").content.decode()
    assert "Showing 39 of 39 measures" in page
    assert "Synthetic demo data" not in page


def test_history_runs_to_the_period_before_the_one_due_and_leaves_the_reference_alone():
    demo_load("a-password")
    reference = {
        (p.measure_id, p.area_id, p.period_id): (p.pk, p.value, p.version)
        for p in DataPoint.objects.all()
    }

    added = demo_load("a-password", history=True, today=TODAY).synthetic_values

    assert added > 500
    # Measure 1 is monthly: 24 months back from the reference's Oct 23, then on to Sept 26;
    # Oct 26, the latest ended month on 29 November 2026, is left for the police lead.
    months = sorted(
        p.period.period
        for p in DataPoint.objects.filter(measure__number=1, area__kind="local", is_current=True)
    )
    assert (months[0].label, months[-1].label) == ("Oct 21", "Sept 26")
    assert all(b == a.next() for a, b in itertools.pairwise(months))
    # Every figure the reference published is still current, as published, in version 1.
    for key, (pk, value, version) in reference.items():
        point = DataPoint.objects.get(pk=pk)
        assert (point.is_current, point.value, point.version) == (True, value, version), key
    assert _edition_rows() == rows_from_file(DEMO_SCORECARD)
    # Running it again adds nothing.
    assert demo_load("a-password", history=True, today=TODAY).synthetic_values == 0


def test_synthetic_figures_follow_from_their_numerators_and_denominators():
    demo_load("a-password", history=True, today=TODAY)

    points = DataPoint.objects.filter(origin=SYNTHETIC).select_related("measure")
    kinds = set()
    for point in points:
        measure = point.measure
        places = measure.decimal_places
        kinds.add(measure.kind)
        # The measure's multiplier as the catalogue states it, never its unit's text.
        if measure.kind in (ValueKind.PERCENTAGE, ValueKind.RATE):
            expected = point.numerator / point.denominator * measure.multiplier
            assert point.value == at_precision(expected, places), point
        elif measure.kind is ValueKind.DSR:
            # A standardised rate comes with its events and variance, for Dobson's interval.
            assert point.numerator is not None and point.variance is not None, point
            assert point.variance > 0
        elif measure.kind is ValueKind.COUNT:
            assert point.value == point.value.to_integral_value() and point.value >= 0
    assert {ValueKind.PERCENTAGE, ValueKind.RATE, ValueKind.DSR, ValueKind.COUNT} <= kinds
    # Measure 31 (continuity of care) is a percentage although its unit says "per 1,000".
    continuity = points.filter(measure__number=31, area__kind="local").first()
    assert continuity.value == at_precision(continuity.numerator / continuity.denominator * 100, 1)


def test_the_demo_history_shows_tested_verdicts_and_recent_trends():
    demo_load("a-password", history=True, today=TODAY)

    rows = {r.measure.number: r for r in ScorecardRow.objects.select_related("measure")}
    tested = {n for n, r in rows.items() if r.tested}
    # Every proportion and rate compared by interval, with synthetic inputs in its latest period.
    assert {4, 5, 6, 16, 17, 18, 19, 20, 27, 28, 30, 31, 36, 37} <= tested
    assert rows[20].method == "Dobson 95%"
    assert {rows[n].method for n in (4, 5, 6)} == {"Byar 95%"}
    assert {r.judgement for r in rows.values() if r.tested} >= {"Better", "Worse", "Similar"}
    # Quarterly measures hold five synthetic consecutive quarters: their trends are tested.
    assert all(rows[n].trend != "Cannot be calculated" for n in (16, 17, 18, 19, 27, 28, 31))
    # Unmet need stays on the values; counts are never compared.
    assert {rows[n].method for n in (12, 13, 14, 15)} == {"values only"}
    assert rows[1].method == "not compared"
    # Annual measures' five latest periods include the published year, which has no numerator.
    assert rows[4].trend_note == "there is no numerator and denominator for 2022/23"


def test_pages_say_which_figures_are_synthetic(settings):
    demo_load("a-password", history=True, today=TODAY)
    board = client_for(User.objects.get(username="board"))

    live = board.get("/scorecard/").content.decode()
    assert "Synthetic demo data" in live
    assert ScorecardRow.objects.filter(synthetic=True).count() > 0
    measure = board.get("/scorecard/measures/1/").content.decode()
    assert "Synthetic demo data" in measure and SYNTHETIC in measure
    edition = board.get("/scorecard/editions/May-2024/").content.decode()
    assert "Synthetic demo data" not in edition


def test_a_lead_can_pick_any_missing_past_period(settings):
    demo_load("a-password", history=True, today=TODAY)
    lead = User.objects.get(username="lead.police")
    # June 2022 goes missing for one police measure, as if it had never been entered.
    gap = Period.month(2022, 6)
    DataPoint.objects.filter(
        measure__number=2, area__kind="local", period__label=gap.label
    ).delete()

    months = dict(period_choices(lead.organisation_id, TODAY))["month"]

    recent = [Period.month(2026, 10)]
    while len(recent) < 12:
        recent.append(recent[-1].previous())
    assert months[:12] == recent  # the last twelve, newest first, whatever is held
    # Then only the earlier months still missing a figure for one of the police measures, back
    # to the earliest month they hold: June 2022 (the gap) and Sept 21 (measure 2's history
    # starts a month before measures 1 and 7, whose Sept 21 is therefore missing).
    assert months[12:] == [gap, Period.month(2021, 9)]


def test_the_demo_measures_get_release_schedules_and_the_leads_have_work_due():
    from collection.due import ReturnStatus, Schedule
    from collection.selectors import returns

    demo_load("a-password", history=True, today=TODAY)

    def due(number: int, label: str) -> date:
        measure = Measure.objects.get(number=number)
        [period] = [p for p in Schedule.of(measure).tracked(TODAY) if p.label == label]
        return Schedule.of(measure).due(period)

    assert due(1, "Oct 26") == date(2026, 11, 15)  # police monthly: the default 15 days
    assert due(16, "2026/27 Q1") == date(2026, 9, 28)  # NDTMS quarterly: the default 90 days
    assert due(8, "2025/26") == date(2026, 11, 30)  # NDTMS annual: by the end of November
    assert due(4, "2025/26") == date(2026, 7, 31)  # Home Office: July
    assert due(3, "2025/26") == date(2026, 4, 30)  # the police's own annual count: 30 days
    assert Measure.objects.get(number=24).awaiting_release_until == date(2027, 1, 28)

    rows = returns(today=TODAY)
    police = {(r.measure.number, r.period.label): r.status for r in rows if r.measure.number == 1}
    assert police[(1, "Oct 26")] is ReturnStatus.OVERDUE  # left for the lead
    assert police[(1, "Sept 26")] in (ReturnStatus.APPROVED, ReturnStatus.APPROVED_LATE)
    statuses = {r.status for r in rows}
    assert {
        ReturnStatus.APPROVED_LATE,
        ReturnStatus.DUE_SOON,
        ReturnStatus.AWAITING_RELEASE,
    } <= statuses
    # Synthetic figures were approved around their due dates, not on the day the demo loaded.
    september = DataPoint.objects.get(
        measure__number=1, area__kind="local", period__label="Sept 26", is_current=True
    )
    assert date(2026, 10, 1) <= september.approved_at.date() <= date(2026, 11, 14)
