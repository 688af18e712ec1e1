"""The board's scorecard page: who may read it, the grouped rows as the reference has them,
sparklines, arrows, better/worse, the "changed" marker, filters and the board pack."""

import io
import re
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from scorecard.models import Area, AreaKind, Measure, PriorityArea
from scorecard.periods import parse_period
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import record_value
from tests.conftest import client_for
from tests.factories import Value, reporting_period, submission
from tests.integration.scorecard.helpers import (
    READING_PERSONAS,
    anonymous,
    body_rows,
    cell,
    figure_and_period,
    get,
    measure_rows,
)
from tests.reference import rows_from_file

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/scorecard/",
    "/scorecard/?source=Police&compared=Not+Comparable&changed=on",
    "/scorecard/changes/",
    "/scorecard/board-pack/",
    "/scorecard/measures/1/",
    "/scorecard/editions/",
    "/scorecard/editions/May-2024/",
    "/scorecard/editions/May-2024/changes/",
    "/scorecard/editions/May-2024/board-pack/",
    "/scorecard/download.csv",
    "/scorecard/download.xlsx",
    "/scorecard/editions/May-2024/download.csv",
    "/scorecard/editions/May-2024/download.xlsx",
]


@pytest.mark.parametrize("persona", READING_PERSONAS)
def test_every_role_reads_every_scorecard_page(persona, request, imported):
    client = client_for(request.getfixturevalue(persona))
    for url in READ_URLS:
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(imported):
    for url in [*READ_URLS, "/scorecard/publish/"]:
        response = anonymous().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_unknown_measure_and_edition_are_not_found(imported, board):
    assert get(board, "/scorecard/measures/999/").status_code == 404
    assert get(board, "/scorecard/editions/Dec-1999/").status_code == 404
    assert get(board, "/scorecard/editions/Dec-1999/download.csv").status_code == 404
    assert get(board, "/scorecard/download.pdf").status_code == 404


def test_all_39_reference_rows_are_grouped_with_their_values_arrows_and_comparisons(
    imported, board, reference_path
):
    content = get(board, "/scorecard/").content
    reference = rows_from_file(reference_path)
    rows = measure_rows(content)
    assert sorted(rows) == list(range(1, 40))

    groups = [row for row in body_rows(content) if row.is_group]
    priorities = [g.cells[0].text for g in groups if "app-group-row--priority" in g.attrs["class"]]
    commitments = [g.cells[0].text for g in groups if "priority" not in g.attrs["class"]]
    assert priorities == [
        f"Priority area: {p}" for p in dict.fromkeys(r["priority_area"] for r in reference)
    ]
    assert commitments == [
        f"Commitment: {c}" for c in dict.fromkeys(r["commitment"] for r in reference)
    ]
    for group in groups:
        assert group.cells[0].tag == "th"
        assert group.cells[0].attrs["scope"] == "rowgroup"
        # No., measure, sparkline, two values, direction, comparison, trend, changed.
        assert int(group.cells[0].attrs["colspan"]) == 9

    words = {"Higher": "Higher than England", "Lower": "Lower than England"}
    for expected in reference:
        row = rows[expected["number"]]
        measure = cell(row, "Measure")
        assert measure.attrs["scope"] == "row"
        assert measure.text.startswith(expected["measure"] + f"{expected['unit']} · ")
        assert f'href="/scorecard/measures/{expected["number"]}/"' in measure.html
        assert f"{expected['unit']} · {expected['source']}" in measure.text
        local, period = figure_and_period(row)
        if expected["latest_period"] is None:
            assert period == "No figures yet"
        else:
            assert parse_period(period) == expected["latest_period"]
        england = cell(row, "England value").text
        for shown, value in (
            (local, expected["local_value"]),
            (england, expected["england_value"]),
        ):
            if value is None:
                assert shown == "No value"
            else:
                assert Decimal(shown.replace(",", "")) == value
        assert cell(row, "Direction of travel").text[0] == expected["direction"]
        compared = cell(row, "Compared with England").text
        if expected["compared"] == "Not Comparable":
            assert compared.startswith("Not compared")
        else:  # the reference's comparisons were never tested
            assert compared.startswith(f"Not tested{words.get(expected['compared'], 'Similar')}")


def test_numbers_are_shown_in_uk_format_at_the_measures_places(imported, board):
    rows = measure_rows(get(board, "/scorecard/").content)
    assert figure_and_period(rows[1]) == ("60.0", "Oct 23")
    assert figure_and_period(rows[3])[0] == "530"
    assert cell(rows[35], "England value").text == "10,987"


def test_arrows_have_a_text_alternative_and_say_where_they_come_from(imported, board):
    rows = measure_rows(get(board, "/scorecard/").content)
    # One period held, its arrow as the imported May-2024 edition stated it for that value.
    assert cell(rows[1], "Direction of travel").html == (
        '<span class="app-direction" aria-hidden="true">↑</span>'
        '<span class="govuk-visually-hidden">Up since the previous period</span>'
        '<span class="app-aside">As published in May-2024.</span>'
    )
    assert "Down since the previous period" in cell(rows[2], "Direction of travel").text
    assert "No change since the previous period" in cell(rows[13], "Direction of travel").text
    assert (
        cell(rows[21], "Direction of travel").text
        == "×No direction of travelThere is no figure yet."
    )


def test_sparklines_are_server_rendered_svg_with_a_title(imported, board, new_figures):
    rows = measure_rows(get(board, "/scorecard/").content)
    trend = cell(rows[1], "Sparkline").html
    assert re.search(r'<svg [^>]*role="img"', trend)
    assert "<polyline " in trend
    assert "<title>Oct 23 to Nov 23: from 60.0 to 64.0, lowest 60.0, highest 64.0" in trend
    # A single period would be a lone dot: the period is named instead.
    assert cell(rows[2], "Sparkline").text == "Only Sept 23 so far"
    assert "<svg" not in cell(rows[2], "Sparkline").html


def test_a_measure_without_data_shows_its_status_note(imported, board):
    rows = measure_rows(get(board, "/scorecard/").content)
    assert "New data flows being established" in cell(rows[21], "Measure").text
    assert "<svg" not in cell(rows[21], "Sparkline").html
    assert cell(rows[21], "Sparkline").text == "No figures yet"
    assert cell(rows[22], "Sparkline").text == "No figures yet"


def test_untested_rows_are_never_better_or_worse_and_say_why(imported, board):
    # The reference carries no numerators: its comparisons were never tested.
    Measure.objects.filter(number__in=[4, 15]).update(polarity="lower_is_better")
    scorecard_recompute()
    rows = measure_rows(get(board, "/scorecard/").content)
    assert cell(rows[4], "Compared with England").html == (
        '<span class="app-not-judged">Not tested</span><span class="app-aside">Higher than '
        'England.</span><span class="app-aside">No numerator and denominator for 2022/23, so '
        "the values were compared without a test.</span>"
    )
    assert cell(rows[15], "Compared with England").text.startswith("Not tested")
    assert (
        cell(rows[1], "Compared with England").text
        == "Not comparedA count depends on the size of the area."
    )
    assert "app-tag" not in cell(rows[1], "Compared with England").html


def test_tested_rows_are_judged_by_polarity_with_the_interval_shown(imported, board, approver):
    local = Area.objects.get(kind=AreaKind.LOCAL)
    england = Area.objects.get(kind=AreaKind.ENGLAND)
    Measure.objects.filter(number=4).update(polarity="lower_is_better")
    Measure.objects.filter(number__in=[16, 17]).update(polarity="higher_is_better")
    year, quarter = reporting_period("2023/24"), reporting_period("2022/23 Q1")
    figures = [
        # 1,325 offences in 250,000 = 5.3 per 1,000; Byar 5.02..5.59; England 3.2: Higher,
        # and lower is better: Worse.
        (4, year, "5.3", "1325", "250000", "3.2"),
        # 62 of 1,000 = 6.2%; Wilson 4.87%..7.87%; England 3.0: Higher, higher is better.
        (16, quarter, "6.2", "62", "1000", "3.0"),
        # 369 of 1,000 = 36.9%; Wilson 33.97%..39.93%; England 37.1 inside: Similar.
        (17, quarter, "36.9", "369", "1000", "37.1"),
    ]
    with transaction.atomic():
        for number, period, value, numerator, denominator, national in figures:
            measure = Measure.objects.get(number=number)
            record_value(
                measure,
                local,
                period,
                Decimal(value),
                numerator=Decimal(numerator),
                denominator=Decimal(denominator),
                origin="test",
                approved_by=approver,
            )
            record_value(measure, england, period, Decimal(national), origin="test")
    scorecard_recompute()
    rows = measure_rows(get(board, "/scorecard/").content)
    assert cell(rows[4], "Southampton value").text == "5.32023/2495% CI 5.02 to 5.59"
    assert cell(rows[4], "Compared with England").html == (
        '<strong class="app-tag app-tag--worse">Worse</strong>'
        '<span class="app-aside">Higher than England; Byar 95%.</span>'
    )
    assert cell(rows[16], "Compared with England").html.startswith(
        '<strong class="app-tag app-tag--better">Better</strong>'
    )
    assert (
        cell(rows[16], "Southampton value").text,
        cell(rows[16], "Compared with England").text,
    ) == ("6.22022/23 Q195% CI 4.87 to 7.87", "BetterHigher than England; Wilson 95%.")
    assert cell(rows[17], "Compared with England").text.startswith("SimilarSimilar to England")


def test_a_suppressed_figure_is_hidden_from_the_board_everywhere(imported, board, approver):
    """3 of 400 completions: below the threshold of 5, so not on the page, the board pack,
    the API, the downloads or an edition published afterwards; a publishable measure shows it."""
    from scorecard.services.publishing import edition_publish

    measure = Measure.objects.get(number=16)
    local = Area.objects.get(kind=AreaKind.LOCAL)
    record_value(
        measure,
        local,
        reporting_period("2022/23 Q1"),
        Decimal("0.8"),
        numerator=Decimal(3),
        denominator=Decimal(400),
        origin="test",
        approved_by=approver,
    )
    scorecard_recompute([measure.pk])
    row = measure_rows(get(board, "/scorecard/").content)[16]
    assert figure_and_period(row) == ("Suppressed (small numbers)", "2022/23 Q1")
    assert cell(row, "Compared with England").text.startswith("Not compared")
    assert "0.8" not in cell(row, "Southampton value").text
    assert "0.8" not in cell(row, "Sparkline").html
    pack = measure_rows(get(board, "/scorecard/board-pack/").content)[16]
    assert figure_and_period(pack)[0] == "Suppressed (small numbers)"
    api = client_for(board).get("/api/v1/scorecard/").json()
    (json_row,) = [r for r in api["rows"] if r["number"] == 16]
    assert (json_row["local_value"], json_row["ci_lower"], json_row["compared"]) == (
        None,
        None,
        "Not Comparable",
    )
    assert json_row["series"][-1] == {"period": "2022/23 Q1", "value": None}
    assert json_row["reason"].startswith(
        "Not compared: suppressed (small numbers): fewer than 5 events."
    )
    csv_text = get(board, "/scorecard/download.csv").content.decode("utf-8-sig")
    (line,) = [r for r in csv_text.splitlines() if r.split(",")[2:3] == ["16"]]
    assert ",Suppressed (small numbers),No Value," in line
    sheet = load_workbook(io.BytesIO(get(board, "/scorecard/download.xlsx").content)).active
    cells = next(r for r in sheet.iter_rows(values_only=True) if r[2] == 16)
    assert (cells[7], cells[8]) == ("Suppressed (small numbers)", "No Value")
    measure_page = get(board, "/scorecard/measures/16/").content.decode()
    assert "Suppressed (small numbers)" in measure_page and ">0.8<" not in measure_page
    edition = edition_publish("Jun-2024", by=approver)
    frozen = edition.rows.get(number=16)
    assert (frozen.local_value, frozen.suppressed, frozen.note) == (
        None,
        True,
        "Suppressed (small numbers)",
    )
    # Once an admin marks the measure publishable, the live row shows it, still untested here
    # as England has no figure for the quarter; the edition published before stays frozen.
    measure.publish_small_numbers = True
    measure.save()
    scorecard_recompute([measure.pk])
    row = measure_rows(get(board, "/scorecard/").content)[16]
    assert figure_and_period(row)[0] == "0.8"
    assert edition.rows.get(number=16).local_value is None


def test_rows_changed_since_the_latest_edition_carry_a_tag_and_words(imported, board, new_figures):
    content = get(board, "/scorecard/").content
    assert b"Changed since May-2024" in content
    rows = measure_rows(content)
    changed = {n for n, row in rows.items() if "app-tag--changed" in cell(row, "Changed").html}
    assert changed == new_figures
    assert cell(rows[1], "Changed").text == "Changed since May-2024 period, value"
    assert cell(rows[4], "Changed").text == "Changed since May-2024 period, value, England value"
    assert cell(rows[2], "Changed").text == "Unchanged since May-2024"
    assert "Monthly count · Police" in cell(rows[1], "Measure").text
    assert figure_and_period(rows[1]) == ("64.0", "Nov 23")


def test_without_an_edition_there_is_no_changed_column(db, board, organisation, icu):
    from tests.factories import MeasureFactory

    MeasureFactory(number=1)
    content = get(board, "/scorecard/").content
    assert b"Changed since" not in content
    assert b"No edition has been published yet." in content
    assert len(measure_rows(content)[1].cells) == 8


def _numbers(board, query: str) -> set[int]:
    return set(measure_rows(get(board, f"/scorecard/?{query}").content))


def test_filters_narrow_the_rows(imported, board, new_figures):
    supply = PriorityArea.objects.get(name="Breaking drug supply chains")
    assert _numbers(board, f"priority_area={supply.pk}") == set(range(1, 8))
    assert _numbers(board, "source=Police") == {1, 2, 3, 7}
    assert _numbers(board, "compared=Higher") == {4, 5, 6, 15, 16, 18, 19, 30, 31, 37}
    assert _numbers(board, "changed=on") == new_figures
    assert _numbers(board, f"changed=on&priority_area={supply.pk}&source=Home+Office") == {4}
    content = get(board, "/scorecard/?source=Police").content
    assert b"Showing 4 of 39 measures" in content


def test_filter_form_is_a_labelled_get_form(imported, board):
    content = get(board, "/scorecard/").content.decode()
    start = content.index('<form method="get"')
    form = content[start : content.index("</form>", start)]
    for field in ("priority_area", "source", "compared", "changed"):
        assert f'for="id_{field}"' in form
        assert f'id="id_{field}"' in form
    assert "Apply filters" in form
    assert "Only rows changed since May-2024" in form


def test_an_invalid_filter_is_reported_and_ignored(imported, board):
    response = get(board, "/scorecard/?compared=Best&source=Police")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Scorecard" in content
    assert '<a href="#id_compared">Select a valid choice.' in content
    assert set(measure_rows(response.content)) == {1, 2, 3, 7}
    assert "Showing 4 of 39 measures" in content


def test_the_board_never_sees_a_figure_awaiting_approval(imported, board, lead):
    submission(by=lead, values=[Value(1, "Nov 23", "987654", note="Checked twice")])
    for url in (
        "/scorecard/",
        "/scorecard/measures/1/",
        "/scorecard/download.csv",
        "/api/v1/scorecard/",
    ):
        content = get(board, url).content
        assert b"987654" not in content and b"987,654" not in content, url
        # Nov 23 is named only as the period whose figures are overdue (approved ones are not).
        assert b"Nov 23" not in re.sub(rb"(the )?Nov 23 figures", b"", content), url
    workbook = load_workbook(io.BytesIO(get(board, "/scorecard/download.xlsx").content))
    cells = {str(c) for row in workbook.active.iter_rows(values_only=True) for c in row}
    assert "987654" not in cells and "Nov 23" not in cells


def test_board_pack_is_laid_out_for_printing(frozen_today, imported, board, new_figures):
    content = get(board, "/scorecard/board-pack/").content.decode()
    assert "<h1" in content and "Reducing Drug Harm Partnership Scorecard" in content
    assert "with changes since May-2024 marked" in content
    assert "<dt>Figures as at</dt><dd>29 November 2026 at 10am</dd>" in content
    assert "<dt>Printed</dt><dd>29 November 2026 at 10am</dd>" in content
    assert "How to read the scorecard" in content
    assert "Up since the previous period" in content
    assert "Not Comparable" in content
    assert "app-filters" not in content
    assert len(measure_rows(content.encode())) == 39
    edition = get(board, "/scorecard/editions/May-2024/board-pack/").content.decode()
    assert "May-2024" in edition and "Changed since" not in edition


def test_edition_pack_and_page_show_the_frozen_rows(imported, board, new_figures):
    rows = measure_rows(get(board, "/scorecard/editions/May-2024/").content)
    assert len(rows) == 39
    assert figure_and_period(rows[1]) == ("60.0", "Oct 23")


def test_group_rows_follow_the_priority_area_order_when_filtered(imported, board):
    content = get(board, "/scorecard/?source=ICU").content
    groups = [row.cells[0].text for row in body_rows(content) if row.is_group]
    assert groups[0] == "Priority area: Deliver a world-class treatment and recovery system"


def test_the_compact_view_shows_each_compared_measure_against_england(imported, board):
    """Bookmarkable (a GET parameter), server-rendered, filters kept; counts and other rows not
    compared with England are named, not drawn."""
    supply = PriorityArea.objects.get(name="Breaking drug supply chains")
    content = get(board, f"/scorecard/?view=compact&priority_area={supply.pk}").content.decode()
    assert "Each measure against England" in content
    rows = [
        row
        for row in body_rows(content.encode())
        if row.cells and row.cells[0].tag == "th" and row.cells[0].text[:1].isdigit()
    ]  # the compact view's rows, not the freshness panel's partners
    assert [row.cells[0].text.split(".")[0] for row in rows] == ["4", "5", "6"]
    _, period, local, national, strip, compared, judgement = rows[0].cells
    assert (period.text, local.text, national.text, compared.text) == (
        "2022/23",
        "4.9",
        "3.0",
        "Higher",
    )
    # 4.9 against 3.0 is 163% of England's value; not tested, so no interval.
    assert strip.text == "Southampton 4.9 is 163% of England's 3.0, not tested"
    assert 'role="img"' in strip.html
    assert judgement.text.startswith("Not tested")
    assert "Not in this view, as they are not compared with England" in content
    assert ": 1, 2, 3, 7. The" in content
    # The filter form keeps the view; the switch links keep the filters.
    assert '<input type="hidden" name="view" value="compact">' in content
    assert f'href="/scorecard/?priority_area={supply.pk}">Full table</a>' in content
    assert '<strong aria-current="page">Compact: each measure against England</strong>' in content
    full = get(board, f"/scorecard/?priority_area={supply.pk}").content.decode()
    assert f'href="/scorecard/?priority_area={supply.pk}&amp;view=compact">Compact' in full
    assert '<input type="hidden" name="view"' not in full
