"""submission_approve, submission_send_back and submissions_bulk_approve: the sign-off rules
without HTTP."""

import logging
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from portal.errors import DomainError, Missing
from portal.permissions import can
from scorecard.models import DataPoint, Measure, ScorecardRow
from scorecard.periods import Period
from scorecard.tasks import recompute_measures
from submissions import approval
from submissions.approval import (
    CommentRequired,
    NotAllowed,
    NotClean,
    TransitionError,
    submission_approve,
    submission_send_back,
    submissions_bulk_approve,
)
from submissions.models import Status, Submission
from tests.factories import Value, data_lead_of, submission

pytestmark = pytest.mark.django_db


def current(number: int, period: str, area: str = "Southampton") -> DataPoint:
    return DataPoint.objects.get(
        measure__number=number, period__label=period, area__name=area, is_current=True
    )


# Approving -----------------------------------------------------------------------------------


def test_approving_makes_each_value_the_current_approved_figure(
    police_return, lead, approver, commit
):
    with commit():
        approved = submission_approve(police_return.pk, by=approver)

    assert (approved.status, approved.decided_by, approved.decided_at is not None) == (
        Status.APPROVED,
        approver,
        True,
    )
    point = current(1, "Nov 23")
    assert (point.value, point.version, point.origin) == (
        Decimal("65"),
        1,
        f"submission {police_return.pk}",
    )
    assert (point.submitted_by, point.approved_by, point.note) == (
        lead,
        approver,
        "Two new networks mapped",
    )
    assert police_return.values.get().data_point == point


def test_approval_is_recorded_in_the_audit_trail(police_return, approver):
    submission_approve(police_return.pk, by=approver)

    trail = list(police_return.events.values_list("action", flat=True))
    assert trail == ["create", "submit", "approve"]
    event = police_return.events.get(action="approve")
    assert (event.action, event.actor) == ("approve", approver)
    assert event.changes["status"] == ["submitted", "approved"]
    assert (event.changes["values"], event.changes["new_versions"], event.changes["measures"]) == (
        1,
        1,
        [1],
    )


def test_a_correction_adds_a_version_and_keeps_the_old_one_visible(imported, lead, approver):
    correction = submission(by=lead, values=[Value(1, "Oct 23", "62", note="Late records added")])

    submission_approve(correction.pk, by=approver)

    versions = list(
        DataPoint.objects.filter(
            measure__number=1, period__label="Oct 23", area__name="Southampton"
        )
        .order_by("version")
        .values_list("value", "version", "is_current", "origin")
    )
    assert versions == [
        (Decimal("60"), 1, False, "import May-2024"),
        (Decimal("62"), 2, True, f"submission {correction.pk}"),
    ]
    event = correction.events.get(action="correct")
    assert event.actor == approver
    assert {
        k: event.changes[k]
        for k in ("measure", "period", "old", "new", "old_version", "new_version")
    } == {
        "measure": 1,
        "period": "Oct 23",
        "old": "60",
        "new": "62",
        "old_version": 1,
        "new_version": 2,
    }


def test_a_value_equal_to_the_current_one_adds_no_version_and_no_correction(
    imported, lead, approver
):
    same = submission(by=lead, values=[Value(1, "Oct 23", "60.0")])

    submission_approve(same.pk, by=approver)

    assert DataPoint.objects.filter(measure__number=1, period__label="Oct 23").count() == 1
    assert not same.events.filter(action="correct").exists()
    assert same.values.get().data_point is None


def test_approved_values_are_locked_and_cannot_be_approved_again(
    police_return, lead, approver, second_approver
):
    submission_approve(police_return.pk, by=approver)
    police_return.refresh_from_db()

    assert not can(lead, "edit_submission", police_return)
    with pytest.raises(TransitionError):
        submission_approve(police_return.pk, by=second_approver)
    assert DataPoint.objects.filter(measure__number=1, period__label="Nov 23").count() == 1


# Who may decide ------------------------------------------------------------------------------


def test_approver_cannot_approve_a_submission_they_created(imported, organisation, approver):
    with data_lead_of(approver, organisation):  # before they were made an approver
        own = submission(by=approver, values=[Value(1, "Nov 23", "65")])

    with pytest.raises(NotAllowed, match="You prepared submission"):
        submission_approve(own.pk, by=approver)
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED


def test_approver_cannot_approve_or_send_back_a_submission_they_edited(
    imported, organisation, lead, approver
):
    with data_lead_of(approver, organisation):
        edited = submission(by=lead, editors=[approver], values=[Value(1, "Nov 23", "65")])

    with pytest.raises(NotAllowed):
        submission_approve(edited.pk, by=approver)
    with pytest.raises(NotAllowed):
        submission_send_back(edited.pk, by=approver, comment="Check this")
    assert not DataPoint.objects.filter(period__label="Nov 23").exists()


def test_admin_who_edited_a_return_cannot_approve_it(imported, organisation, lead, admin_user):
    with data_lead_of(admin_user, organisation):
        edited = submission(by=lead, editors=[admin_user], values=[Value(1, "Nov 23", "65")])

    with pytest.raises(NotAllowed):
        submission_approve(edited.pk, by=admin_user)


@pytest.mark.parametrize("persona", ["lead", "other_lead", "board"], indirect=True)
def test_only_approvers_and_admins_can_approve(police_return, persona):
    with pytest.raises(NotAllowed, match="Only approvers"):
        submission_approve(police_return.pk, by=persona)


def test_not_allowed_is_a_permission_denied_so_views_answer_403():
    from django.core.exceptions import PermissionDenied

    assert issubclass(NotAllowed, PermissionDenied)


# States --------------------------------------------------------------------------------------


def test_second_decision_is_refused_and_names_who_decided_first(
    police_return, approver, second_approver
):
    submission_approve(police_return.pk, by=approver)

    with pytest.raises(TransitionError, match="already been approved by approver"):
        submission_approve(police_return.pk, by=second_approver)
    with pytest.raises(TransitionError, match="already been approved"):
        submission_send_back(police_return.pk, by=second_approver, comment="Too late")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SENT_BACK])
def test_only_submitted_returns_can_be_approved(imported, lead, approver, second_approver, status):
    pending = submission(
        by=lead, status=status, decided_by=second_approver, values=[Value(1, "Nov 23", "65")]
    )

    with pytest.raises(TransitionError):
        submission_approve(pending.pk, by=approver)
    assert not DataPoint.objects.filter(period__label="Nov 23").exists()


def test_an_unknown_submission_is_missing_with_its_number(imported, approver):
    with pytest.raises(Missing, match="There is no submission 999999"):
        submission_approve(999_999, by=approver)


# Sending back --------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n\t "])
def test_sending_back_needs_a_comment(police_return, approver, comment):
    with pytest.raises(CommentRequired):
        submission_send_back(police_return.pk, by=approver, comment=comment)
    police_return.refresh_from_db()
    assert police_return.status == Status.SUBMITTED


def test_sending_back_stores_the_stripped_comment_and_changes_no_figure(police_return, approver):
    sent_back = submission_send_back(
        police_return.pk, by=approver, comment="  Please check November.\n"
    )

    police_return.refresh_from_db()
    assert (police_return.status, police_return.review_comment, police_return.decided_by) == (
        Status.SENT_BACK,
        "Please check November.",
        approver,
    )
    assert sent_back.status == Status.SENT_BACK
    event = police_return.events.last()
    assert (event.action, event.changes["comment"]) == ("send_back", "Please check November.")
    assert not DataPoint.objects.filter(period__label="Nov 23").exists()


def test_sent_back_return_is_edited_resubmitted_and_then_approved(imported, lead, approver, commit):
    from submissions.services import submission_create, submission_update
    from submissions.validation import RawRow

    def rows(value: str) -> list[RawRow]:
        return [
            RawRow(1, {"measure": "1", "period": "Nov 23", "value": value, "note": "Rechecked"})
        ]

    returned, _ = submission_create(by=lead, rows=rows("65"), channel="form", submit=True)
    submission_send_back(returned.pk, by=approver, comment="November looks high")
    returned.refresh_from_db()
    submission_update(returned, by=lead, rows=rows("64"), submit=True)
    returned.refresh_from_db()
    assert returned.status == Status.SUBMITTED

    with commit():
        submission_approve(returned.pk, by=approver)

    assert current(1, "Nov 23").value == Decimal("64")
    actions = list(returned.events.values_list("action", flat=True))
    assert actions == ["create", "submit", "send_back", "edit", "submit", "approve"]


# Bulk approval -------------------------------------------------------------------------------


def test_bulk_approval_approves_clean_returns_and_says_why_it_skipped_the_rest(
    imported, lead, icu_lead, approver, second_approver
):
    clean = submission(by=lead, values=[Value(1, "Nov 23", "65")])
    also_clean = submission(by=icu_lead, values=[Value(4, "2023/24", "5.2")])
    # 3 networks, down from 33: a small count and a fall of more than half, so two warnings.
    warned = submission(by=lead, values=[Value(7, "Nov 23", "3", note="Small")])
    decided = submission(by=lead, values=[Value(2, "Oct 23", "80")])
    submission_approve(decided.pk, by=second_approver)
    with data_lead_of(approver, lead.organisation):
        own = submission(by=lead, editors=[approver], values=[Value(7, "Dec 23", "30")])

    result = submissions_bulk_approve(
        [clean.pk, also_clean.pk, warned.pk, decided.pk, own.pk, 999_999], by=approver
    )

    assert result.approved == [clean.pk, also_clean.pk]
    reasons = dict(result.skipped)
    assert "has warnings" in reasons[warned.pk]
    assert "already been approved" in reasons[decided.pk]
    assert "You prepared" in reasons[own.pk]
    assert reasons[999_999] == "There is no submission 999999."
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert (statuses[clean.pk], statuses[also_clean.pk], statuses[warned.pk], statuses[own.pk]) == (
        "approved",
        "approved",
        "submitted",
        "submitted",
    )


def test_bulk_approval_refuses_anyone_who_is_not_an_approver(police_return, board):
    with pytest.raises(NotAllowed):
        submissions_bulk_approve([police_return.pk], by=board)


def test_not_clean_is_an_approval_error():
    assert issubclass(NotClean, DomainError)


# Recompute after commit ----------------------------------------------------------------------


class FakeTask:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[list[int]] = []
        self.error = error

    def delay(self, measure_ids: list[int]) -> None:
        self.calls.append(measure_ids)
        if self.error:
            raise self.error


def test_approval_enqueues_a_recompute_of_only_its_measures_after_commit(
    imported, lead, approver, monkeypatch, django_capture_on_commit_callbacks
):
    task = FakeTask()
    monkeypatch.setattr(approval, "recompute_measures", task)
    two = submission(
        by=lead,
        values=[Value(7, "Nov 23", "35"), Value(1, "Nov 23", "65"), Value(1, "Dec 23", "66")],
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission_approve(two.pk, by=approver)
    assert task.calls == []  # nothing is queued before the approval commits

    for callback in callbacks:
        callback()
    ids = sorted(Measure.objects.filter(number__in=[1, 7]).values_list("pk", flat=True))
    assert task.calls == [ids]


def test_an_unreachable_broker_never_fails_an_approval(
    police_return, approver, monkeypatch, commit, caplog
):
    monkeypatch.setattr(
        approval, "recompute_measures", FakeTask(OperationalError("Connection refused"))
    )

    with caplog.at_level(logging.WARNING, logger="submissions.approval"), commit():
        submission_approve(police_return.pk, by=approver)

    police_return.refresh_from_db()
    assert police_return.status == Status.APPROVED
    assert "recompute_stale" in caplog.text


def test_eager_recompute_updates_only_the_affected_row(police_return, approver, commit):
    before = {row.measure_id: row.computed_at for row in ScorecardRow.objects.all()}

    with commit():
        submission_approve(police_return.pk, by=approver)

    after = {row.measure_id: row.computed_at for row in ScorecardRow.objects.all()}
    measure_1 = Measure.objects.get(number=1).pk
    assert after[measure_1] != before[measure_1]
    assert {k: v for k, v in after.items() if k != measure_1} == {
        k: v for k, v in before.items() if k != measure_1
    }


def test_the_recompute_task_is_idempotent(police_return, approver):
    submission_approve(police_return.pk, by=approver)  # on-commit never runs here: rows are stale
    measure_1 = Measure.objects.get(number=1).pk

    assert recompute_measures([measure_1]) == 1
    assert recompute_measures([measure_1]) == 0
    assert ScorecardRow.objects.get(measure_id=measure_1).local_value == Decimal("65")


def test_approving_400_values_costs_the_queries_of_10_but_for_insert_and_update_batches(
    imported, lead, approver
):
    def months(count: int, first_year: int) -> list[str]:
        period, labels = Period.month(first_year, 1), []
        for _ in range(count):
            labels.append(period.label)
            period = period.next()
        return labels

    def batched(sql: str) -> bool:
        return sql.startswith(
            ('INSERT INTO "scorecard_datapoint"', 'UPDATE "submissions_submittedvalue"')
        )

    def approve(count: int, first_year: int) -> tuple[int, int]:
        returned = submission(by=lead, values=[Value(1, m, "5") for m in months(count, first_year)])
        with CaptureQueriesContext(connection) as context:
            submission_approve(returned.pk, by=approver)
        assert returned.values.filter(data_point__isnull=False).count() == count
        assert returned.events.get(action="approve").changes["new_versions"] == count
        statements = [q["sql"] for q in context.captured_queries]
        return sum(not batched(s) for s in statements), sum(batched(s) for s in statements)

    small_other, small_batches = approve(10, 2010)
    large_other, large_batches = approve(400, 1970)  # no month in common: no corrections

    # Rows go in and links go back in batches (SQLite caps parameters per statement); nothing
    # else grows with the size of the return.
    assert large_other == small_other
    points = [f for f in DataPoint._meta.concrete_fields if not f.primary_key]
    insert_batch = min(1000, connection.ops.bulk_batch_size(points, [None] * 400))
    update_batch = connection.ops.bulk_batch_size(["pk", "pk", "data_point"], [None] * 400)
    assert small_batches == 2
    assert large_batches == math.ceil(400 / insert_batch) + math.ceil(400 / update_batch)
