"""The scorecard's pages, downloads and API issue the same number of queries at 40 measures as
at 400 (nothing is loaded per row: targets, commentary and freshness included), and each of
them really shows every row at both sizes. (The board pack's PDF is its print page, counted
here, rendered by WeasyPrint, which reads nothing from the database.)"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from scorecard.models import Measure
from scorecard.services.publishing import edition_publish
from submissions.approval import submission_approve
from tests.conftest import client_for
from tests.factories import Value, add_bulk_measures, board_content, submission
from tests.integration.scorecard.helpers import body_rows, measure_rows
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """What the pages must show: every measure live, the edition's measures, and the rows
    changed since the edition (live) and in it (since the edition before)."""

    edition: str
    live: list[int]
    published: list[int]
    changed_since: list[int]
    changed_in: list[int]

    @property
    def bulk(self) -> list[int]:
        return [n for n in self.live if n >= 1000]

    @property
    def off_target(self) -> list[int]:
        """Every third bulk measure aims to fall but rises month on month (10, 11, 12 plus its
        number mod 7); the others aim at most 12 and miss it when their October figure (12 plus
        the number mod 7) is above it."""
        return sorted(
            m.number
            for m in Measure.objects.filter(number__in=self.bulk).select_related("row", "target")
            if getattr(m, "target", None)
            and (m.target.kind == "decrease" or m.row.local_value > 12)
        )


def _numbers(measures: list[Measure]) -> list[int]:
    return [m.number for m in measures]


def _all_numbers() -> list[int]:
    return list(Measure.objects.order_by("number").values_list("number", flat=True))


def _grow(edition: str, *, count: int, start: int, approver, leads) -> World:
    """`count` measures more, each with a target and approved commentary, an edition of
    everything, then one more measure after it."""
    added = add_bulk_measures(count, start=start)
    board_content(added, approver=approver, leads=leads)
    published = _all_numbers()
    edition_publish(edition, by=approver)
    after = add_bulk_measures(1, start=start + 1000)
    return World(edition, _all_numbers(), published, _numbers(after), changed_in=_numbers(added))


def _table_numbers(content: bytes) -> list[int]:
    """Numbers in the first cell of a page's table rows (the changes pages)."""
    return [int(row.cells[0].text) for row in body_rows(content) if row.cells[0].text.isdigit()]


def _csv_numbers(content: bytes) -> list[int]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return [int(row[2]) for row in rows if len(row) > 2 and row[2].isdigit()]


def _xlsx_numbers(content: bytes) -> list[int]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    numbers = [
        int(row[2])
        for row in book.worksheets[0].iter_rows(values_only=True)
        if len(row) > 2 and str(row[2] or "").isdigit()
    ]
    book.close()
    return numbers


# page: (what it lists, read from the response)
PAGES: dict[str, tuple[Callable[[World], list[int]], Callable[[bytes], list[int]]]] = {
    "/scorecard/": (lambda w: w.live, lambda c: sorted(measure_rows(c))),
    "/scorecard/?source=ICU&compared=Not+Comparable&changed=on": (
        lambda w: w.changed_since,
        lambda c: [*measure_rows(c)],
    ),
    "/scorecard/?show=off-target": (lambda w: w.off_target, lambda c: sorted(measure_rows(c))),
    "/scorecard/?q=bulk+measure": (lambda w: w.bulk, lambda c: sorted(measure_rows(c))),
    "/scorecard/board-pack/": (lambda w: w.live, lambda c: sorted(measure_rows(c))),
    "/scorecard/editions/{edition}/board-pack/": (
        lambda w: w.published,
        lambda c: sorted(measure_rows(c)),
    ),
    "/scorecard/changes/": (lambda w: w.changed_since, _table_numbers),
    "/scorecard/download.csv": (lambda w: w.live, _csv_numbers),
    "/scorecard/download.xlsx": (lambda w: w.live, _xlsx_numbers),
    "/scorecard/editions/{edition}/": (lambda w: w.published, lambda c: sorted(measure_rows(c))),
    "/scorecard/editions/{edition}/changes/": (lambda w: w.changed_in, _table_numbers),
    "/scorecard/editions/{edition}/download.csv": (lambda w: w.published, _csv_numbers),
    "/api/v1/scorecard/": (lambda w: w.live, lambda c: _json_numbers(c, "rows")),
    "/api/v1/editions/{edition}/": (lambda w: w.published, lambda c: _json_numbers(c, "rows")),
    "/api/v1/measures/": (lambda w: w.live, lambda c: _json_numbers(c, None)),
}


def _json_numbers(content: bytes, key: str | None) -> list[int]:
    data = json.loads(content)
    return [row["number"] for row in (data[key] if key else data)]


def _visit(client, world: World) -> dict[str, int]:
    counts = {}
    for page, (expected, read) in PAGES.items():
        url = page.format(edition=world.edition)
        counts[page], response = get_counting_queries(client, url)
        assert read(response.content) == expected(world), url
    return counts


def test_every_scorecard_page_download_and_api_costs_the_same_queries_at_40_and_400_measures(
    imported, board, approver, lead, icu_lead
):
    client = client_for(board)
    leads = [lead, icu_lead]
    small = _grow("Jun-2024", count=1, start=1000, approver=approver, leads=leads)
    assert (len(small.live), small.changed_since, small.changed_in) == (41, [2000], [1000])
    at_40 = _visit(client, small)

    large = _grow("Jul-2024", count=359, start=3000, approver=approver, leads=leads)
    large.changed_in = [2000, *large.changed_in]  # added after Jun-2024, first in Jul-2024
    assert (len(large.live), large.changed_since) == (401, [4000])
    at_400 = _visit(client, large)

    assert at_400 == at_40
    # The live page's freshness panel reads the returns tracker in three more (collection),
    # and the live page and API read the live version (scorecard.caching) in one more.
    assert max(at_40.values()) <= 16


def test_the_cached_live_page_and_api_cost_the_same_few_queries_at_40_and_1000_measures(
    imported, board
):
    """Once rendered, the live page costs the session, the user, the live version and the
    freshness panel's three; the API the session, the user and the version. Each still lists
    every measure."""

    def visit() -> dict[str, int]:
        counts = {}
        for url, numbers in (
            ("/scorecard/", lambda c: sorted(measure_rows(c))),
            ("/api/v1/scorecard/", lambda c: _json_numbers(c, "rows")),
        ):
            client.get(url)  # rendered and cached
            counts[url], response = get_counting_queries(client, url)
            assert numbers(response.content) == _all_numbers(), url
        return counts

    client = client_for(board)
    at_40 = visit()
    add_bulk_measures(1000 - len(_all_numbers()), start=1000)
    assert len(_all_numbers()) == 1000
    at_1000 = visit()

    assert at_1000 == at_40 == {"/scorecard/": 6, "/api/v1/scorecard/": 3}


def test_the_measure_page_costs_the_same_queries_with_2_or_24_years_of_versions(
    imported, board, icu_lead, approver, django_capture_on_commit_callbacks
):
    """Measure 4 (ICU, yearly, local and England): the reference's one year, then twelve more
    each approved and then corrected, so 26 years and 24 superseded versions."""
    client = client_for(board)
    short, page = get_counting_queries(client, "/scorecard/measures/4/")
    assert page.content.count(b"app-tag--superseded") == 0

    years = [f"{year}/{(year + 1) % 100:02d}" for year in range(2010, 2022)]
    for value, note in (("4.1", ""), ("4.2", "Revised")):  # the second corrects the first
        figures = [Value(4, y, value, area=a, note=note) for y in years for a in ("", "England")]
        returned = submission(by=icu_lead, values=figures)
        with django_capture_on_commit_callbacks(execute=True):  # the recompute, run eagerly
            submission_approve(returned.pk, by=approver)
    long, page = get_counting_queries(client, "/scorecard/measures/4/")

    assert long == short
    content = page.content.decode()
    assert content.count("app-tag--superseded") == 24
    assert all(year in content for year in years)
