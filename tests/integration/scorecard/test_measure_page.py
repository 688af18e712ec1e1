"""A measure's page: what the measure is, its chart with England, and every approved value with
all its versions."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import transaction

from scorecard.models import Area, AreaKind, Measure
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import record_value
from submissions.approval import submission_approve
from submissions.models import Status
from tests.factories import Value, reporting_period, submission
from tests.integration.scorecard.helpers import body_rows, get

pytestmark = pytest.mark.django_db


def test_the_page_describes_the_measure(imported, board):
    Measure.objects.filter(number=4).update(
        definition="Drug offences recorded by the police per 1,000 residents.",
        polarity="lower_is_better",
    )
    content = get(board, "/scorecard/measures/4/").content.decode()
    for text in (
        "Rate of drug offences",
        "Drug offences recorded by the police per 1,000 residents.",
        "Rate per 1k population",
        "Home Office",
        "Integrated Commissioning Unit",
        "Lower is better",
        "Financial year",
        "Breaking drug supply chains",
        "2022/23",
        "Higher",
        "Crude rate, per 1,000",
        "A crude rate: events per 1,000 people. Compared with England by Byar&#x27;s method",
        "at 95% confidence",
        # The reference holds no numerators: compared on the values, untested, never judged.
        "Not tested: no numerator and denominator for 2022/23, so the values were compared "
        "without a test.",
        '<span class="app-not-judged">Not tested</span>',
        "Cannot be calculated",
        "It needs five consecutive periods and 1 period is held.",
    ):
        assert text in content, text
    assert "govuk-summary-list" in content


def test_a_measure_without_data_shows_its_status_and_no_chart(imported, board):
    content = get(board, "/scorecard/measures/21/").content.decode()
    assert "New data flows being established" in content
    assert "No approved figures yet: new data flows being established." in content
    assert 'class="app-chart"' not in content


def test_the_chart_draws_local_and_england_with_labels_and_a_legend(imported, board, new_figures):
    content = get(board, "/scorecard/measures/4/").content.decode()
    svg = content[content.index('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="chart-title">Rate of drug offences: Southampton and England' in svg
    assert '<desc id="chart-desc">Southampton: 2022/23 to 2023/24: from 4.9 to 5.3' in svg
    assert "England: 2022/23 to 2023/24: from 3.0 to 3.2" in svg
    # Two lines told apart by dash and marker shape, not only colour, and named in a legend.
    assert svg.count("<polyline ") == 2
    assert "stroke-dasharray" in svg
    assert "<circle " in svg and "<rect " in svg
    assert ">Southampton</text>" in svg and ">England</text>" in svg
    assert ">2022/23</text>" in svg and ">2023/24</text>" in svg
    assert "Rate per 1k population" in svg
    assert re.search(r">\d+(\.\d)?</text>", svg)  # value labels on the axis
    assert ' style="' not in svg  # the CSP forbids inline styles


def test_the_chart_has_a_table_of_its_figures(imported, board, new_figures):
    content = get(board, "/scorecard/measures/4/").content
    table = [row.texts for row in body_rows(content) if row.cells and row.cells[0].tag == "th"]
    assert [
        "2022/23",
        "4.9",
        "No intervalNo numerator and denominator for 2022/23.",
        "3.0",
    ] in table
    assert [
        "2023/24",
        "5.3",
        "No intervalNo numerator and denominator for 2023/24.",
        "3.2",
    ] in table


def _quarters(measure, approver, figures, england="5.7"):
    """Approved local figures (numerator of 1,000) and England's, for the labelled quarters."""
    local = Area.objects.get(kind=AreaKind.LOCAL)
    national = Area.objects.get(kind=AreaKind.ENGLAND)
    with transaction.atomic():
        for label, numerator in figures:
            period = reporting_period(label)
            value = Decimal(numerator) / 10
            record_value(
                measure,
                local,
                period,
                value,
                numerator=Decimal(numerator),
                denominator=Decimal(1000),
                origin="test",
                approved_by=approver,
            )
            record_value(measure, national, period, Decimal(england), origin="test")
    scorecard_recompute([measure.pk])


def test_the_page_shows_each_interval_the_verdict_and_the_trend_with_its_test(
    imported, board, approver
):
    # Successful completions (opiate), a proportion, higher is better: 50, 60, 70, 80, 90 of
    # 1,000 in five consecutive quarters. N = 5,000, X = 350, Σxt = 1,150, Σnt = 15,000,
    # Σnt² = 55,000: N Σxt - X Σnt = 5,750,000 - 5,250,000 = 500,000 and
    # χ² = 5,000 * 500,000² / (350 * 4,650 * (275,000,000 - 225,000,000)) = 15.36 > 3.84.
    measure = Measure.objects.get(number=16)
    measure.polarity = "higher_is_better"
    measure.save()
    quarters = ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1"]
    _quarters(measure, approver, zip(quarters, [50, 60, 70, 80, 90], strict=True))
    content = get(board, "/scorecard/measures/16/").content.decode()
    # 90 of 1,000: Wilson 95% 7.38%..10.93%; England's 5.7 below it.
    for text in (
        '9.0<span class="app-aside">95% CI 7.38 to 10.93</span>',
        "By Wilson 95%: England's 5.7 is outside the Southampton interval (95% CI 7.38 to 10.93).",
        '<strong class="app-tag app-tag--better">Better</strong>',
        "Increasing and getting better",
        "Chi-squared test for trend over 2022/23 Q1 to 2023/24 Q1: χ² = 15.36 against 3.84, the "
        "critical value at 95%: significant.",
    ):
        assert text in content, text
    table = [row.texts for row in body_rows(content.encode()) if row.cells[0].tag == "th"]
    assert ["2023/24 Q1", "9.0", "7.38 to 10.93Wilson 95%", "5.7"] in table
    # Each local figure's interval is a whisker on the chart.
    svg = content[content.index('class="app-chart"') : content.index("</svg>")]
    assert svg.count('stroke-width="1.5" fill="none"/>') == 5
    assert "has it drawn as a whisker" in svg


def test_a_missing_period_breaks_the_line_and_has_no_arrow(imported, board, approver):
    measure = Measure.objects.get(number=17)
    _quarters(measure, approver, [("2022/23 Q2", 380)], england="37.0")
    content = get(board, "/scorecard/measures/17/").content.decode()
    # The reference's 2021/22 Q4, then 2022/23 Q1 missing, then 2022/23 Q2.
    assert "2022/23 Q1, the period before 2022/23 Q2, is not held." in content
    table = [row.texts for row in body_rows(content.encode()) if row.cells[0].tag == "th"]
    assert ["2022/23 Q1", "No figure", "", "No value"] in table
    svg = content[content.index('class="app-chart"') : content.index("</svg>")]
    assert "<title>No figure for 2022/23 Q1</title>" in svg
    assert "No Southampton figure for 2022/23 Q1: the line breaks." in svg
    assert svg.count("<polyline ") == 0  # no two consecutive local figures to join


def test_a_correction_shows_every_version_with_who_and_why(
    imported, board, icu_lead, approver, second_approver, django_capture_on_commit_callbacks
):
    first = submission(
        by=icu_lead,
        values=[Value(4, "2023/24", "5.3")],
        status=Status.APPROVED,
        decided_by=approver,
    )
    correction = submission(
        by=icu_lead,
        values=[Value(4, "2023/24", "5.1", note="Population estimate revised")],
        status=Status.SUBMITTED,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the recompute, run eagerly
        submission_approve(correction.pk, by=second_approver)

    rows = [r.texts for r in body_rows(get(board, "/scorecard/measures/4/").content)]
    versions = [r for r in rows if len(r) == 11 and r[0] == "2023/24"]
    assert versions[0][:3] == ["2023/24", "Southampton", "5.1"]
    assert versions[0][5] == "2 Current"
    assert versions[0][6:8] == [icu_lead.display_name, second_approver.display_name]
    assert versions[0][9:] == [f"submission {correction.pk}", "Population estimate revised"]
    assert versions[1][:3] == ["2023/24", "Southampton", "5.3"]
    assert versions[1][5] == "1 Superseded"
    assert versions[1][6:8] == [icu_lead.display_name, approver.display_name]
    assert versions[1][9] == f"submission {first.pk}"
    imported_row = next(r for r in rows if len(r) == 11 and r[0] == "2022/23" and r[1] == "England")
    assert imported_row[2] == "3.0" and imported_row[9] == "import May-2024"


def test_the_page_explains_the_measure_and_prints_nothing_for_what_is_missing(
    frozen_today, imported, board
):
    """Measure 4 as the reference leaves it (no definition, caveats or link), then as an admin
    completes it. Its 2022/23 figure is its latest: 2023/24 was due by the end of November 2024
    (financial years' default release month), so it is stale."""
    bare = get(board, "/scorecard/measures/4/").content.decode()
    for absent in ("None", "Not recorded", "Definition", "Numerator", "Caveats"):
        assert f">{absent}<" not in bare, absent
    assert "Figures for each financial year are due by the end of November after it ends." in bare
    assert "Next: the 2023/24 figures, due on 30 November 2024 (overdue)." in bare
    assert "2023/24 figures 729 days overdue" in bare  # 30 November 2024 to 29 November 2026
    assert "Integrated Commissioning Unit" in bare and "No target has been set." in bare
    assert "No commentary has been approved for this measure yet." in bare

    Measure.objects.filter(number=4).update(
        definition="Drug offences recorded by the police.",
        numerator_definition="Drug offences recorded in the year.",
        denominator_definition="Mid-year resident population.",
        caveats="Proactive policing raises the count.",
        source_url="https://www.gov.uk/government/statistics/police-recorded-crime",
    )
    full = get(board, "/scorecard/measures/4/").content.decode()
    for label, text in (
        ("Definition", "Drug offences recorded by the police."),
        ("Numerator", "Drug offences recorded in the year."),
        ("Denominator", "Mid-year resident population."),
        ("Caveats", "Proactive policing raises the count."),
    ):
        assert f'<dt class="govuk-summary-list__key">{label}</dt>' in full
        assert text in full
    assert (
        '<a class="govuk-link" href="https://www.gov.uk/government/statistics/police-recorded-'
        'crime" rel="noopener noreferrer">Home Office' in full
    )


def test_a_measure_without_an_owner_says_who_assigns_one(imported, board):
    Measure.objects.filter(number=4).update(organisation=None)
    content = get(board, "/scorecard/measures/4/").content.decode()
    assert "No partner is responsible for it yet: an admin assigns one in the catalogue." in content


def test_a_status_note_past_its_date_is_flagged_but_kept_as_written_elsewhere(
    frozen_today, imported, board, approver
):
    from datetime import date

    from scorecard.services.publishing import edition_publish
    from tests.integration.scorecard.helpers import cell, measure_rows

    Measure.objects.filter(number=24).update(status_note_until=date(2024, 12, 31))
    note = "Data currently restricted, available 2024"
    row = measure_rows(get(board, "/scorecard/").content)[24]
    assert f"{note} Out of date This note applied until 31 December 2024." in (
        cell(row, "Measure").text
    )
    page = get(board, "/scorecard/measures/24/").content.decode()
    assert "This note applied until 31 December 2024." in page
    # Downloads and editions keep the note as it was written, without the flag.
    csv_text = get(board, "/scorecard/download.csv").content.decode("utf-8-sig")
    (line,) = [r for r in csv.reader(io.StringIO(csv_text)) if r[2:3] == ["24"]]
    assert line[7] == note and "Out of date" not in csv_text
    edition_publish("Jun-2024", by=approver)
    assert Measure.objects.get(number=24).edition_rows.get(edition__name="Jun-2024").note == note
    # A note still in date is not flagged.
    Measure.objects.filter(number=24).update(status_note_until=date(2027, 1, 1))
    assert (
        "Out of date"
        not in cell(measure_rows(get(board, "/scorecard/").content)[24], "Measure").text
    )
