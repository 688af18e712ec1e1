"""A real Redis broker and a real worker process: approval's recompute is delivered and run."""

from decimal import Decimal

import pytest

from scorecard.models import ScorecardRow
from submissions.approval import submission_approve
from tests.factories import Value, submission

from .conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_recomputes_the_live_row_after_approval(
    celery_worker, imported, lead, approver
):
    pending = submission(by=lead, values=[Value(1, "Nov 23", "65")])

    submission_approve(pending.pk, by=approver)  # commits; on_commit sends to the worker's queue

    def row_shows_november() -> bool:
        row = ScorecardRow.objects.select_related("latest_period").get(measure__number=1)
        return (row.latest_period.label, row.local_value) == ("Nov 23", Decimal("65"))

    assert wait_until(row_shows_november, timeout=60), (
        f"the worker never recomputed:\n{celery_worker.output()}"
    )
    assert "scorecard.tasks.recompute_measures" in celery_worker.output()
