"""The scorecard's pages, downloads and API issue the same number of queries at 40 measures as
at 400: nothing is loaded per row."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from scorecard.models import Area, AreaKind, Measure
from scorecard.services.publishing import edition_publish
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import record_value
from tests.conftest import client_for
from tests.factories import reporting_period
from tests.integration.scorecard.helpers import add_bulk_measures

pytestmark = pytest.mark.django_db

PAGES = [
    "/scorecard/",
    "/scorecard/?source=Police&compared=Not+Comparable&changed=on",
    "/scorecard/board-pack/",
    "/scorecard/changes/",
    "/scorecard/download.csv",
    "/scorecard/download.xlsx",
    "/scorecard/editions/{edition}/",
    "/scorecard/editions/{edition}/changes/",
    "/scorecard/editions/{edition}/download.csv",
    "/api/v1/scorecard/",
    "/api/v1/editions/{edition}/",
]


def _query_counts(client, edition: str) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        url = page.format(edition=edition)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(queries.captured_queries)
    return counts


def test_query_counts_are_the_same_at_40_and_400_measures(imported, board, approver):
    client = client_for(board)
    add_bulk_measures(1, start=1000)
    edition_publish("Jun-2024", by=approver)
    add_bulk_measures(1, start=2000)  # one row added since the edition: "changed" is exercised
    assert Measure.objects.count() == 41
    at_40 = _query_counts(client, "Jun-2024")

    add_bulk_measures(359, start=3000)
    edition_publish("Jul-2024", by=approver)
    add_bulk_measures(1, start=4000)
    assert Measure.objects.count() == 401
    at_400 = _query_counts(client, "Jul-2024")

    assert at_400 == at_40
    # The live page's freshness panel reads the returns tracker in three more (collection).
    assert max(at_40.values()) <= 15


def test_the_measure_page_query_count_does_not_grow_with_its_history(imported, board, approver):
    client = client_for(board)
    with CaptureQueriesContext(connection) as short:
        assert client.get("/scorecard/measures/4/").status_code == 200

    measure = Measure.objects.get(number=4)
    local, england = Area.objects.get(kind=AreaKind.LOCAL), Area.objects.get(kind=AreaKind.ENGLAND)
    with transaction.atomic():
        for year in range(2010, 2022):
            period = reporting_period(f"{year}/{(year + 1) % 100:02d}")
            for area in (local, england):
                for value in ("4.1", "4.2"):  # a correction: two versions
                    record_value(
                        measure, area, period, Decimal(value), origin="test", approved_by=approver
                    )
    scorecard_recompute([measure.pk])
    with CaptureQueriesContext(connection) as long:
        content = client.get("/scorecard/measures/4/").content
    assert content.count(b"app-tag--superseded") == 24
    assert len(long.captured_queries) == len(short.captured_queries)
