"""Faults with the real services: the broker down during an approval, a worker killed halfway
through a recompute, the same task delivered twice, two approvers at once (50 times over), and
the database dropping the connection in the middle of an upload. Nothing approved is lost,
nothing is done twice, and the scorecard heals."""

import time
from decimal import Decimal

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from scorecard.models import DataPoint, Measure, ScorecardRow
from scorecard.periods import Period
from scorecard.services.recomputing import scorecard_recompute
from scorecard.tasks import recompute_measures, recompute_stale
from submissions import services
from submissions.approval import TransitionError, submission_approve
from submissions.models import Channel, StagedUpload, Status, Submission
from submissions.validation import RawRow
from tests.conftest import client_for

from .conftest import Worker, celery_configured, race, wait_until, worker_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def fresh_connection_afterwards():
    """A fault here may leave this process's connection dead: the next test starts afresh."""
    yield
    connection.close()


def submitted(lead, measure: int, period: str, value: str) -> Submission:
    figure = {"measure": str(measure), "period": period, "value": value, "note": "Checked"}
    rows = [RawRow(1, figure)]
    created, _ = services.submission_create(by=lead, rows=rows, channel=Channel.API, submit=True)
    return created


def row_of(number: int) -> tuple[str | None, Decimal | None]:
    row = ScorecardRow.objects.select_related("latest_period").get(measure__number=number)
    return (row.latest_period.label if row.latest_period else None, row.local_value)


def snapshot() -> dict[int, tuple[object, ...]]:
    return {
        r.measure_id: (r.latest_period_id, r.local_value, r.direction, r.compared, r.series)
        for r in ScorecardRow.objects.all()
    }


def test_broker_down_during_approval_keeps_it_and_beat_heals_the_row_when_it_returns(
    redis_url, celery_worker, imported, lead, approver
):
    pending = submitted(lead, 1, "Nov 23", "65")
    with celery_configured(broker_url=UNREACHABLE_BROKER):
        approved = submission_approve(pending.pk, by=approver)  # on_commit send fails

    assert approved.status == Status.APPROVED
    assert DataPoint.objects.get(measure__number=1, period__label="Nov 23").value == Decimal("65")
    assert row_of(1) == ("Oct 23", Decimal("60"))  # stale: the recompute was never queued

    recompute_stale.delay()  # the broker is back: beat's heal reaches the real worker
    assert wait_until(lambda: row_of(1) == ("Nov 23", Decimal("65")), timeout=60), (
        celery_worker.output()
    )


def test_a_worker_killed_halfway_through_a_recompute_leaves_nothing_half_done(
    postgres, redis_url, transactional_db, imported, lead, approver
):
    before = snapshot()
    slow = Worker(redis_url, slow=True)
    slow.start()
    try:
        with celery_configured(
            broker_url=redis_url, task_always_eager=False, task_default_queue=slow.queue
        ):
            pending = submitted(lead, 1, "Nov 23", "65")
            submission_approve(pending.pk, by=approver)  # queues measure 1's recompute
            assert wait_until(lambda: "received" in slow.output(), timeout=60, every=0.1), (
                slow.output()
            )
            time.sleep(1)  # inside the recompute's transaction (three seconds a measure)
            slow.kill()
            assert "succeeded" not in slow.output()
            # Killed mid-transaction: nothing of it was committed, the approval stands.
            assert snapshot() == before
            assert DataPoint.objects.get(measure__number=1, period__label="Nov 23").is_current

            healer = Worker(redis_url, queue=slow.queue)
            healer.start()
            try:
                recompute_stale.delay()
                assert wait_until(lambda: row_of(1) == ("Nov 23", Decimal("65")), timeout=60), (
                    healer.output()
                )
            finally:
                healer.stop()
    finally:
        slow.stop()
    healed = snapshot()
    assert scorecard_recompute() == 0  # a full recompute finds nothing left to change
    assert snapshot() == healed


def test_the_same_recompute_delivered_twice_changes_nothing_the_second_time(
    celery_worker, imported, lead, approver
):
    pending = submitted(lead, 7, "Nov 23", "31")
    with celery_configured(task_always_eager=True):
        submission_approve(pending.pk, by=approver)
    measure = Measure.objects.get(number=7)
    versions = DataPoint.objects.filter(measure=measure).count()

    for _ in range(2):  # one message, delivered twice (redelivery after a lost ack)
        recompute_measures.apply_async(args=[[measure.pk]], task_id="the-same-task")
    assert wait_until(lambda: celery_worker.output().count("succeeded") >= 2, timeout=60), (
        celery_worker.output()
    )

    assert row_of(7) == ("Nov 23", Decimal("31"))
    assert DataPoint.objects.filter(measure=measure).count() == versions
    assert scorecard_recompute([measure.pk]) == 0


def test_two_approvers_at_once_fifty_times_exactly_one_wins_each_time(
    postgres, imported, lead, approver, second_approver
):
    numbers = list(
        Measure.objects.filter(organisation=lead.organisation, period_type="month")
        .order_by("number")
        .values_list("number", flat=True)
    )
    months = [Period.month(2023, 11)]
    while len(months) * len(numbers) < 50:
        months.append(months[-1].next())
    figures = [(n, m.label) for m in months for n in numbers][:50]
    for trial, (number, month) in enumerate(figures):
        pending = submitted(lead, number, month, str(60 + trial))
        outcomes = race(
            lambda user, pk=pending.pk: submission_approve(pk, by=user), [approver, second_approver]
        )
        winners = [o for o in outcomes if isinstance(o, Submission)]
        losers = [o for o in outcomes if isinstance(o, TransitionError)]
        assert (len(winners), len(losers)) == (1, 1), (trial, outcomes)
        pending.refresh_from_db()
        assert pending.status == Status.APPROVED
        assert pending.events.filter(action="approve").count() == 1
    labels = [m.label for m in months]
    assert DataPoint.objects.filter(is_current=True, period__label__in=labels).count() == 50


def _drop_connection_of_this_process() -> None:
    """Have PostgreSQL end this process's connection, as a restart or a failover would."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(worker_database_url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_the_database_dropping_the_connection_mid_upload_loses_and_doubles_nothing(
    postgres, imported, lead, monkeypatch
):
    client = client_for(lead)
    client.raise_request_exception = False
    content = b"measure,period,value\n1,Nov 23,61\n"

    original = services.copy_rows
    dropped = []

    def drop_once(*args, **kwargs):
        if not dropped:
            dropped.append(True)
            _drop_connection_of_this_process()
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "copy_rows", drop_once)
    upload = client.post("/submissions/upload/", {"file": SimpleUploadedFile("f.csv", content)})
    assert upload.status_code == 302
    preview = upload["Location"]

    # In a thread of its own (its own connection, as a web worker has), the connection goes in
    # the middle of saving.
    (failed,) = race(lambda _: client.post(preview), [None])
    assert failed.status_code == 500
    assert Submission.objects.count() == 0
    assert StagedUpload.objects.count() == 1  # rolled back whole: still waiting

    saved = client.post(preview)  # the next request connects afresh
    assert saved.status_code == 302
    assert Submission.objects.count() == 1
    assert Submission.objects.get().values.get().value == Decimal("61")
    assert StagedUpload.objects.count() == 0
    assert client.post(preview).status_code == 404  # and only once
