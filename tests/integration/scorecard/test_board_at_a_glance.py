"""The board's scorecard at a glance: the summary's counts, each a link to exactly the rows it
counts, the "show only" and search filters, targets and stale flags in the rows, and "last
updated" as the time the figures were computed. On a frozen clock (29 November 2026, 10am)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scorecard.models import Measure
from scorecard.periods import parse_period
from scorecard.services.targets import target_set
from scorecard.targets import TargetKind
from submissions.approval import submission_approve
from tests.factories import Value, submission
from tests.integration.scorecard.helpers import cell, figure_and_period, get, measure_rows

pytestmark = pytest.mark.django_db

AWAITING = {21, 22, 23, 24, 25, 33, 38}  # no figure in the reference


@pytest.fixture
def board_world(
    frozen_today, imported, lead, icu_lead, approver, django_capture_on_commit_callbacks
):
    """Approved through the services, then targets set by the approver:

    - measure 4 (lower is better): 1,325 offences in 250,000 people for 2023/24, 5.3 per 1,000
      (Byar 5.02 to 5.59), England 3.2: tested and worse; target at most 4.0: off target;
    - measure 16 (higher is better): five quarters 2022/23 Q1 to 2023/24 Q1 falling from 80 to
      40 completions in 1,000 (8.0% to 4.0%, Wilson 2.95% to 5.41%), England 6.0: worse, and a
      significant fall, getting worse; target at least 5.0 by 2024/25 Q4: not yet on target;
    - measure 7 (Police, monthly): 33 for Sept 26 and 30 for Oct 26, down: up to date (Nov 26
      is due on 15 December 2026); target to reduce it: on target.
    """
    Measure.objects.filter(number=4).update(polarity="lower_is_better")
    Measure.objects.filter(number=16).update(polarity="higher_is_better")
    quarters = ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1"]
    icu = submission(
        by=icu_lead,
        values=[
            Value(4, "2023/24", "5.3", numerator="1325", denominator="250000", note="Checked"),
            Value(4, "2023/24", "3.2", area="England"),
            *(
                Value(16, q, f"{c / 10:.1f}", numerator=str(c), denominator="1000", note="Checked")
                for q, c in zip(quarters, (80, 70, 60, 50, 40), strict=True)
            ),
            Value(16, "2023/24 Q1", "6.0", area="England"),
        ],
    )
    police = submission(
        by=lead,
        values=[
            Value(7, "Sept 26", "33", note="Checked"),
            Value(7, "Oct 26", "30", note="Checked"),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):  # the recompute, as in production
        submission_approve(icu.pk, by=approver)
        submission_approve(police.pk, by=approver)
    measures = {m.number: m for m in Measure.objects.filter(number__in=[4, 7, 16])}
    target_set(measures[4], by=approver, kind=TargetKind.AT_MOST, value=Decimal("4.0"))
    target_set(
        measures[16],
        by=approver,
        kind=TargetKind.AT_LEAST,
        value=Decimal("5.0"),
        by_period=parse_period("2024/25 Q4"),
    )
    target_set(measures[7], by=approver, kind=TargetKind.DECREASE)


EXPECTED = {
    # label: (rows, link)
    "Worse than England": ({4, 16}, "/scorecard/?show=worse"),
    "Getting worse": ({16}, "/scorecard/?show=getting-worse"),
    "Changed since May-2024": ({4, 7, 16}, "/scorecard/?changed=on"),
    "Off target": ({4}, "/scorecard/?show=off-target"),
    # Every row with a figure but measure 7 is behind its schedule.
    "Stale": (set(range(1, 40)) - AWAITING - {7}, "/scorecard/?show=stale"),
    "Awaiting data": (AWAITING, "/scorecard/?show=awaiting-data"),
}


def _summary(content: str) -> dict[str, tuple[int, str]]:
    """The summary's items: label → (count, link)."""
    import re

    start = content.index('class="app-summary"')
    section = content[start : content.index("</section>", start)]
    items = re.findall(
        r'<a class="govuk-link app-summary__link" href="([^"]+)">'
        r'<span class="app-summary__count">(\d+)</span>.*?'
        r'<span class="app-summary__label">([^<]+)</span>',
        section,
        flags=re.S,
    )
    return {label: (int(count), href.replace("&amp;", "&")) for href, count, label in items}


def test_the_summary_comes_first_and_counts_what_the_board_can_act_on(board_world, board):
    content = get(board, "/scorecard/").content.decode()
    assert content.index('class="app-summary"') < content.index("app-filters")
    assert content.index('class="app-summary"') < content.index("Computed from approved figures")
    assert "At a glance: 39 measures" in content
    assert _summary(content) == {
        label: (len(rows), link) for label, (rows, link) in EXPECTED.items()
    }


@pytest.mark.parametrize("label", EXPECTED)
def test_each_summary_link_shows_exactly_the_rows_it_counts(board_world, board, label):
    rows, link = EXPECTED[label]
    count, href = _summary(get(board, "/scorecard/").content.decode())[label]
    shown = get(board, href)
    assert set(measure_rows(shown.content)) == rows
    assert count == len(rows)
    assert f"Showing {len(rows)} of 39 measure".encode() in shown.content
    # The counts stay the whole scorecard's while the table is narrowed.
    assert _summary(shown.content.decode())[label] == (count, link)


def test_rows_say_how_stale_they_are_and_how_they_stand_against_target(board_world, board):
    rows = measure_rows(get(board, "/scorecard/").content)
    # Oct 23 is measure 1's latest: Nov 23 was due on 15 December 2023, 1,080 days ago, and
    # the 36 months from Nov 23 to Oct 26 are all due.
    assert "Stale 36 periods missing; Nov 23 figures 1080 days overdue" in (
        cell(rows[1], "Measure").text
    )
    assert "Stale" not in cell(rows[7], "Measure").text
    assert cell(rows[4], "Against target").text == "Off targetAt most 4.0."
    assert cell(rows[16], "Against target").text == "Not yet on targetAt least 5.0 by 2024/25 Q4."
    assert cell(rows[7], "Against target").text == "On targetReduce it."
    assert cell(rows[1], "Against target").text == "No target"
    assert 'class="app-tag app-tag--rag-red">Off target<' in cell(rows[4], "Against target").html
    assert figure_and_period(rows[7]) == ("30.0", "Oct 26")
    assert cell(rows[16], "Recent trend").text.startswith("Decreasing and getting worse")


def test_search_finds_measures_by_words_of_their_name_or_their_number(board_world, board):
    def found(query: str) -> set[int]:
        return set(measure_rows(get(board, f"/scorecard/?{query}").content))

    assert found("q=caseloads") == {22, 23}
    assert found("q=DRUG+offences") == {4, 5, 6}  # every word, in any case
    assert found("q=offences+drug") == {4, 5, 6}  # in any order
    assert found("q=12") == {12, 37}  # number 12, and "the latest 12 months" in 37's name
    assert found("q=9") == {9}
    assert found("q=12345678901234567890") == set()  # too long to be a number
    assert found("q=drug&show=worse") == {4}  # filters combine
    assert found("q=zzz") == set()
    assert b"No measures match these filters." in get(board, "/scorecard/?q=zzz").content


def test_an_invalid_show_choice_is_reported_and_ignored(board_world, board):
    response = get(board, "/scorecard/?show=everything")
    assert response.status_code == 200
    assert b"<title>Error: Scorecard" in response.content
    assert len(measure_rows(response.content)) == 39


def test_a_search_longer_than_allowed_is_refused(board_world, board):
    response = get(board, "/scorecard/?q=" + "a" * 101)
    assert b"Ensure this value has at most 100 characters" in response.content
    assert len(measure_rows(response.content)) == 39


def test_last_updated_is_when_the_figures_were_computed_not_when_the_page_was_read(
    board_world, board, frozen_today
):
    frozen_today.move_to(datetime(2026, 11, 29, 15, 30, tzinfo=ZoneInfo("Europe/London")))
    content = get(board, "/scorecard/").content.decode()
    assert "Last updated 29 November 2026 at 10am, when the figures were last computed." in (
        content
    )
    assert "3:30pm" not in content


def test_the_key_sits_next_to_the_table(board_world, board):
    content = get(board, "/scorecard/").content.decode()
    key = content.index('id="key-heading"')
    table = content.index('<table class="govuk-table app-scorecard-table')
    assert key < table
    between = content[key:table]
    assert "<table" not in between and 'class="app-filters' not in between
    assert "How to read the scorecard" in between
