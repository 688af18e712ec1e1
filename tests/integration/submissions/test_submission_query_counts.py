"""A data lead's pages cost the same number of queries for a small and a large organisation,
return or file, and each really shows everything at both sizes: the home page (measures and
returns), a return's page and its API, and an upload's preview."""

import html
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.bulk import BATCH_SIZE
from scorecard.models import Measure
from scorecard.periods import Period
from submissions.models import StagedValue, Submission
from tests.conftest import client_for
from tests.factories import Value, add_bulk_measures, submission
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db


def months_back_from_october_23(count: int) -> list[Period]:
    periods = [Period.month(2023, 10)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def test_the_home_page_costs_the_same_queries_for_24_or_224_measures_and_lists_them_all(
    frozen_today, imported, lead, organisation
):
    client = client_for(lead)

    def visit() -> int:
        queries, response = get_counting_queries(client, "/submissions/")
        ours = list(Measure.objects.filter(organisation=organisation).order_by("number"))
        page = html.unescape(response.content.decode())
        # The tracker offers every measure's latest due period (none is up to date).
        for measure in ours:
            latest = "2025/26" if measure.period_type == "financial_year" else "Oct 26"
            assert f"for measure {measure.number}, {latest}" in page, measure.number
        returns = Submission.objects.filter(organisation=organisation)
        assert list(response.context["submissions"]) == list(returns.order_by("-created_at"))
        assert all(f">Submission {s.pk}</a>" in page for s in returns)
        return queries

    def add_returns(periods: list[Period]) -> None:
        for period in periods:
            submission(by=lead, values=[Value(1, period.label, "61"), Value(7, period.label, "30")])

    months = months_back_from_october_23(21)[1:]  # earlier than the approved Oct 23
    add_bulk_measures(40, start=1000)  # 20 of them Police's
    add_returns(months[:2])
    few = visit()
    add_bulk_measures(400, start=2000)
    add_returns(months[2:])
    many = visit()

    assert Measure.objects.filter(organisation=organisation).count() == 4 + 20 + 200
    assert Submission.objects.count() == 20
    assert many == few


def test_a_returns_page_and_its_api_cost_the_same_queries_for_3_or_300_values(
    imported, lead, make_submission
):
    client = client_for(lead)

    def visit(count: int) -> list[int]:
        periods = months_back_from_october_23(count)
        returned = make_submission(
            lead, *({"measure": "2", "period": p.label, "value": "80"} for p in periods)
        )
        page_queries, page = get_counting_queries(client, f"/submissions/{returned.pk}/")
        api_queries, api = get_counting_queries(client, f"/api/v1/submissions/{returned.pk}/")

        shown = page.context["page"].object_list
        assert len(shown) == min(count, 200)  # the page shows 200 values at a time
        assert f"{count}, of which 1 correction of approved figures" in page.content.decode()
        assert [v["period"] for v in api.json()["values"]] == [p.label for p in periods]
        return [page_queries, api_queries]

    assert visit(300) == visit(3)


def test_an_upload_preview_costs_the_same_queries_for_40_or_400_rows_and_counts_them_all(
    imported, lead, csv_bytes
):
    client = client_for(lead)
    fields = [f for f in StagedValue._meta.concrete_fields if not f.primary_key]
    staged_batch = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * 400))

    def preview(count: int) -> list[int]:
        periods = months_back_from_october_23(count)  # Sept 23 corrects 84; the rest are new
        rows = [{"measure": "2", "period": p.label, "value": "80"} for p in periods]
        file = SimpleUploadedFile("figures.csv", csv_bytes(rows), content_type="text/csv")
        with CaptureQueriesContext(connection) as uploading:
            uploaded = client.post("/submissions/upload/", {"file": file})
        assert uploaded.status_code == 302
        previewing, response = get_counting_queries(client, uploaded["Location"])

        assert response.context["preview"].counts == {
            "error": 0,
            "changed": 1,
            "new": count - 1,
            "unchanged": 0,
            "warning": 0,
        }
        page = response.context["page"]
        assert (page.paginator.count, len(page.object_list)) == (count, min(count, 100))
        shown = html.unescape(response.content.decode())
        assert shown.count('class="govuk-table__row"') == 1 + min(count, 100)  # header too
        # Where there is no COPY (SQLite), values are staged in batches, and so are the
        # reporting periods they need: those are counted apart.
        batched = [
            q["sql"] for q in uploading.captured_queries
            if q["sql"].startswith("INSERT")
            and q["sql"].split(" (")[0].endswith(
                ('"submissions_stagedvalue"', '"scorecard_reportingperiod"')
            )
        ]  # fmt: skip
        staged = [sql for sql in batched if "stagedvalue" in sql]
        if connection.vendor != "postgresql":
            assert len(staged) == math.ceil(count / staged_batch)
            return [len(uploading.captured_queries) - len(batched), previewing]
        return [len(uploading.captured_queries), previewing]

    # 40 first: each then creates its missing reporting periods (the 400's include the 40's).
    assert preview(40) == preview(400)
    assert Submission.objects.count() == 0  # nothing is saved until the data lead confirms
