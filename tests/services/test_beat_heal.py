"""No update is lost when the broker is down at approval time: the approval stands and the
beat task `recompute_stale` brings the stale row up to date.

Needs no service: the broker is a closed port on purpose.
"""

import logging
from decimal import Decimal

import pytest
from django.conf import settings

from scorecard.models import Measure, ScorecardRow
from scorecard.selectors import stale_measure_ids
from scorecard.tasks import recompute_stale
from submissions.approval import submission_approve
from submissions.models import Status
from tests.factories import Value, submission

from .conftest import celery_configured

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def test_beat_task_heals_a_row_whose_recompute_was_never_queued(
    imported, lead, approver, django_capture_on_commit_callbacks, caplog
):
    pending = submission(by=lead, values=[Value(1, "Nov 23", "65")])
    measure_1 = Measure.objects.get(number=1)

    with (
        celery_configured(broker_url=UNREACHABLE_BROKER, task_always_eager=False),
        caplog.at_level(logging.WARNING, logger="submissions.approval"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        approved = submission_approve(pending.pk, by=approver)

    assert approved.status == Status.APPROVED
    assert "Broker unreachable" in caplog.text
    assert ScorecardRow.objects.get(measure=measure_1).latest_period.label == "Oct 23"
    assert stale_measure_ids() == [measure_1.pk]

    assert recompute_stale() == 1  # what beat runs every HEAL_INTERVAL_SECONDS

    row = ScorecardRow.objects.get(measure=measure_1)
    assert (row.latest_period.label, row.local_value, row.direction) == (
        "Nov 23",
        Decimal("65"),
        "↑",
    )
    assert stale_measure_ids() == []
    assert recompute_stale() == 0


def test_the_heal_is_scheduled_on_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "scorecard.tasks.recompute_stale" in tasks
