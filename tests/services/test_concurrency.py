"""Racing on real PostgreSQL: two approvers at once, two recomputes at once."""

from decimal import Decimal

import pytest

from scorecard.models import DataPoint, Measure, ScorecardRow
from scorecard.services import recomputing
from scorecard.services.recomputing import scorecard_recompute
from submissions import approval
from submissions.approval import TransitionError, submission_approve
from submissions.models import Status, Submission
from tests.factories import Value, local_area, record_history, reporting_period, submission

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_approval(monkeypatch):
    """Hold the winner inside its transaction a moment, so the loser really waits on the lock."""
    import time

    original = approval._record_values

    def slowly(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(approval, "_record_values", slowly)


@pytest.mark.parametrize("month", ["Nov 23", "Oct 23"], ids=["new period", "correction"])
def test_two_approvers_at_once_exactly_one_succeeds(
    postgres, slow_approval, imported, lead, approver, second_approver, month
):
    before = DataPoint.objects.filter(measure__number=1, period__label=month).count()
    pending = submission(by=lead, values=[Value(1, month, "66", note="Recount")])

    outcomes = race(
        lambda user: submission_approve(pending.pk, by=user), [approver, second_approver]
    )

    winners = [o for o in outcomes if isinstance(o, Submission)]
    losers = [o for o in outcomes if isinstance(o, TransitionError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert "already been approved by" in str(losers[0])
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (Status.APPROVED, winners[0].decided_by)
    versions = DataPoint.objects.filter(measure__number=1, period__label=month)
    assert versions.count() == before + 1
    assert versions.filter(is_current=True).get().value == Decimal("66")
    assert pending.events.filter(action="approve").count() == 1


@pytest.fixture
def slow_rows(monkeypatch):
    """Make each recompute take long enough that the two runs overlap."""
    import time

    original = recomputing.compute_row

    def slowly(*args, **kwargs):
        time.sleep(0.005)
        return original(*args, **kwargs)

    monkeypatch.setattr(recomputing, "compute_row", slowly)


def snapshot() -> dict[int, tuple[object, ...]]:
    return {
        r.measure_id: (
            r.latest_period_id,
            r.local_value,
            r.england_value,
            r.direction,
            r.compared,
            r.series,
            r.data_version,
        )
        for r in ScorecardRow.objects.all()
    }


def test_two_recomputes_at_once_both_succeed_and_leave_the_same_rows(postgres, slow_rows, imported):
    measure_ids = list(Measure.objects.values_list("pk", flat=True))
    # Approved figures whose recompute has not run yet (recorded as the import records them).
    record_history(
        (Measure.objects.get(number=number), local_area(), reporting_period("Nov 23"), value)
        for number, value in ((1, "65"), (7, "35"))
    )

    outcomes = race(lambda _: scorecard_recompute(measure_ids), [None, None])

    assert sorted(outcomes) == [0, 2], (
        outcomes
    )  # the second waited for the first, found nothing to do
    rows = snapshot()
    assert scorecard_recompute(measure_ids) == 0
    assert snapshot() == rows
    assert ScorecardRow.objects.get(measure__number=1).local_value == Decimal("65")


def test_two_recomputes_creating_the_rows_at_once_both_succeed(postgres, slow_rows, imported):
    # Computed rows are derived, not history: without them the data is as before any recompute.
    ScorecardRow.objects.all().delete()
    measure_ids = list(Measure.objects.values_list("pk", flat=True))

    outcomes = race(lambda _: scorecard_recompute(measure_ids), [None, None])

    assert sorted(outcomes) == [0, len(measure_ids)], outcomes
    assert ScorecardRow.objects.count() == len(measure_ids)


def test_two_returns_for_the_same_new_figure_approved_at_once_leave_one_current_value(
    postgres, slow_approval, imported, lead, approver, second_approver
):
    first = submission(by=lead, values=[Value(1, "Nov 23", "65"), Value(7, "Nov 23", "30")])
    second = submission(by=lead, values=[Value(7, "Nov 23", "31"), Value(1, "Nov 23", "66")])

    outcomes = race(
        lambda pair: submission_approve(pair[0].pk, by=pair[1]),
        [(first, approver), (second, second_approver)],
    )

    assert all(isinstance(o, Submission | TransitionError) for o in outcomes), outcomes
    assert any(isinstance(o, Submission) for o in outcomes)
    for number in (1, 7):
        points = DataPoint.objects.filter(measure__number=number, period__label="Nov 23")
        assert points.filter(is_current=True).count() == 1
        assert sorted(points.values_list("version", flat=True)) == list(
            range(1, points.count() + 1)
        )
    refused = [
        s for s, o in zip((first, second), outcomes, strict=True) if isinstance(o, TransitionError)
    ]
    for submission_refused in refused:
        submission_refused.refresh_from_db()
        assert (
            submission_refused.status == Status.SUBMITTED
        )  # rolled back whole: approve again later


def test_two_confirmations_of_one_staged_upload_save_one_draft(
    postgres, imported, lead, monkeypatch
):
    import time

    from portal.errors import WrongState
    from submissions import services
    from submissions.validation import RawRow

    original = services.submission_create

    def slowly(*args, **kwargs):
        time.sleep(0.3)  # hold the winner inside its transaction while the other arrives
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "submission_create", slowly)
    token = services.upload_stage(
        by=lead,
        filename="f.csv",
        rows=[RawRow(2, {"measure": "1", "period": "Nov 23", "value": "61"})],
    )
    staged = [services.upload_load(token, user=lead) for _ in range(2)]

    outcomes = race(lambda s: services.upload_confirm(s, by=lead), staged)

    assert sorted(type(o).__name__ for o in outcomes) == ["Submission", "WrongState"], outcomes
    assert any(isinstance(o, WrongState) and "already been saved" in str(o) for o in outcomes)
    assert Submission.objects.count() == 1


def test_an_approval_while_its_measure_is_recomputed_neither_waits_nor_deadlocks(
    postgres, imported, lead, approver, monkeypatch
):
    """The recompute holds the measure and will take the live version's row; the approval takes
    that row and, at commit, checks its figure's key to the measure. A lock on the whole measure
    row made each wait for the other (seen as 500s under `make bench-load`)."""
    import threading

    from django.db import connection

    pending = submission(by=lead, values=[Value(1, "Nov 23", "66", note="Recount")])
    measure_id = Measure.objects.get(number=1).pk
    holding, release = threading.Event(), threading.Event()
    original = recomputing._current_figures

    def held(*args, **kwargs):
        holding.set()  # the measure is locked; the version's row is still to come
        release.wait(timeout=30)
        return original(*args, **kwargs)

    monkeypatch.setattr(recomputing, "_current_figures", held)
    monkeypatch.setattr(approval, "enqueue_recompute", lambda ids: None)  # this test recomputes
    outcomes: dict[str, object] = {}

    def run(name, work):
        try:
            outcomes[name] = work()
        except Exception as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    recompute = threading.Thread(
        target=run, args=("recompute", lambda: scorecard_recompute([measure_id]))
    )
    recompute.start()
    assert holding.wait(timeout=10)
    approve = threading.Thread(
        target=run, args=("approve", lambda: submission_approve(pending.pk, by=approver))
    )
    approve.start()
    approve.join(timeout=15)
    finished_while_held = not approve.is_alive()
    release.set()
    recompute.join(timeout=30)
    approve.join(timeout=30)

    assert finished_while_held, "the approval waited for the recompute's lock on the measure"
    assert isinstance(outcomes["approve"], Submission), outcomes
    assert isinstance(outcomes["recompute"], int), outcomes
    assert DataPoint.objects.get(
        measure_id=measure_id, period__label="Nov 23", is_current=True
    ).value == Decimal("66")
