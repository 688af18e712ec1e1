"""Reminders on real PostgreSQL, Redis and Celery workers: two runs at the same moment (two
threads; two worker processes taking the task from one queue, as two beat processes would cause)
send each reminder once, because each is recorded under a unique constraint before it is sent."""

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from collection import services
from collection.models import SentReminder
from collection.tasks import send_reminders
from scorecard.periods import PeriodType, latest_ended
from tests.factories import MeasureFactory, UserFactory, local_area

from .conftest import Worker, celery_configured, race, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def due_tomorrow(organisation):
    """A Police monthly measure whose latest ended month falls due tomorrow (the workers run on
    the real clock), so a "due soon" reminder is owed to each Police lead today."""
    local_area()
    today = timezone.localdate()
    month = latest_ended(PeriodType.MONTH, today)
    return MeasureFactory(
        number=201,
        organisation=organisation,
        release_lag_days=(today + timedelta(days=1) - month.end).days,
        reminder_days=7,
    )


@pytest.fixture
def two_leads(organisation, lead):
    from accounts.models import Role

    return [
        lead,
        UserFactory(username="lead.police.2", role=Role.DATA_LEAD, organisation=organisation),
    ]


@pytest.fixture
def slow_mail(monkeypatch):
    """Hold the first run inside its transaction, its reminders recorded but not yet committed,
    so the second really arrives while the first is sending."""
    original = services.send_each

    def slowly(*args, **kwargs):
        time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "send_each", slowly)


def test_two_runs_at_once_send_each_lead_one_reminder(
    postgres, due_tomorrow, two_leads, slow_mail, mailoutbox
):
    today = timezone.localdate()

    outcomes = race(lambda _: services.reminders_send(today=today), [1, 2])

    # Between them the runs sent two reminders, one to each lead; which run sent which depends on
    # which reached each lead's record first, so only the total is the rule.
    assert sum(outcomes) == 2, outcomes
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lead.police.2@example.org",
        "lead.police@example.org",
    ]
    assert SentReminder.objects.count() == 2


@pytest.fixture
def two_workers(
    postgres, redis_url, transactional_db, tmp_path
) -> Iterator[tuple[Path, list[Worker]]]:
    """Two worker processes consuming one queue, e-mailing into files in a folder."""
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {"EMAIL_URL": f"file:///{outbox}"}  # dj-email-url drops one slash: file:////tmp/…
    first = Worker(redis_url, env=env)
    second = Worker(redis_url, queue=first.queue, env=env)
    first.start()
    second.start()
    try:
        with celery_configured(
            broker_url=redis_url, task_always_eager=False, task_default_queue=first.queue
        ):
            yield outbox, [first, second]
    finally:
        first.stop()
        second.stop()
        outputs = first.output() + second.output()
        assert "Traceback" not in outputs, outputs


@pytest.mark.redis
def test_two_workers_running_the_reminders_at_once_send_each_reminder_once(
    two_workers, due_tomorrow, two_leads
):
    outbox, workers = two_workers
    # Both idle and listening, so each takes one of the two runs and they overlap.
    assert wait_until(lambda: all(" ready." in w.output() for w in workers), timeout=60)
    send_reminders.delay()
    send_reminders.delay()

    def sent() -> str:
        return "".join(p.read_text() for p in outbox.iterdir())

    def both_ran() -> bool:
        return all("send_reminders" in w.output() and "succeeded" in w.output() for w in workers)

    assert wait_until(both_ran, timeout=60), "".join(w.output() for w in workers)
    messages = sent()
    assert len(re.findall(r"^Subject: Figures due by ", messages, flags=re.M)) == 2, messages
    assert len(re.findall(r"^To: lead.police@example.org$", messages, flags=re.M)) == 1
    assert len(re.findall(r"^To: lead.police.2@example.org$", messages, flags=re.M)) == 1
    assert SentReminder.objects.count() == 2
