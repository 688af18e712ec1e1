"""A measure's page: what the measure is, its chart with England, and every approved value with
all its versions."""

import re

import pytest

from scorecard.models import Measure
from submissions.approval import submission_approve
from submissions.models import Status
from tests.factories import Value, submission
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
        '<strong class="app-tag app-tag--worse">Worse</strong>',
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
    assert ["2022/23", "4.9", "3.0"] in table
    assert ["2023/24", "5.3", "3.2"] in table


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
