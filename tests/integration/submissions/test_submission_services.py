"""The submission services: audit events in the same transaction, editors kept for segregation of
duties, conditional status transitions, and checks repeated at submit time."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from audit.models import Action, Event
from scorecard.models import DataPoint, Measure
from submissions.approval import submission_approve
from submissions.models import Channel, Status, Submission
from submissions.services import (
    InvalidSubmission,
    NotAllowed,
    WrongState,
    submission_create,
    submission_submit,
    submission_update,
)
from submissions.validation import FIELDS, RawRow
from tests.factories import UserFactory, Value
from tests.factories import submission as make_return

pytestmark = pytest.mark.django_db

NEW = {"measure": "1", "period": "Nov 23", "value": "61"}


def rows(*dicts):
    return [RawRow(i, {f: d.get(f, "") for f in FIELDS}) for i, d in enumerate(dicts, start=1)]


@pytest.fixture
def draft(imported, lead):
    submission, _ = submission_create(by=lead, rows=rows(NEW), channel=Channel.API)
    return submission


def test_create_records_who_created_it_when_and_how_in_the_same_transaction(draft, lead):
    (event,) = draft.events.all()
    assert (event.action, event.actor, event.changes) == (
        Action.CREATE,
        lead,
        {"channel": "api", "values": 1, "warnings": 0, "corrections": []},
    )
    assert event.at is not None
    assert list(draft.editors.all()) == [lead] and draft.was_prepared_by(lead)


def test_a_failed_create_leaves_no_submission_and_no_event(imported, lead):
    with pytest.raises(InvalidSubmission) as refused:
        submission_create(
            by=lead, rows=rows(NEW, {**NEW, "measure": "7", "value": "x"}), channel="api"
        )

    assert [(i.row, i.field) for i in refused.value.errors] == [(2, "value")]
    assert (
        Submission.objects.count()
        == Event.objects.filter(target_type__model="submission").count()
        == 0
    )


def test_only_a_data_lead_may_create(imported, approver):
    with pytest.raises(NotAllowed):
        submission_create(by=approver, rows=rows(NEW), channel=Channel.API)


def test_an_edit_records_added_changed_and_removed_values_and_adds_the_editor(
    imported, lead, organisation
):
    submission, _ = submission_create(
        by=lead,
        rows=rows(NEW, {"measure": "7", "period": "Nov 23", "value": "34"}),
        channel=Channel.FORM,
    )
    colleague = UserFactory(username="colleague", role=Role.DATA_LEAD, organisation=organisation)

    submission_update(
        submission,
        by=colleague,
        rows=rows(
            {**NEW, "value": "62", "note": "recounted"},
            {"measure": "2", "period": "Nov 23", "value": "80"},
        ),
    )

    event = submission.events.get(action=Action.EDIT)
    where = {"area": "Southampton", "period": "Nov 23"}
    assert event.actor == colleague
    assert event.changes == {
        "channel": "form",
        "added": [{"measure": 2, **where, "value": "80"}],
        "changed": [
            {"measure": 1, **where, "field": "value", "from": "61", "to": "62"},
            {"measure": 1, **where, "field": "note", "from": "", "to": "recounted"},
        ],
        "removed": [{"measure": 7, **where, "value": "34"}],
    }
    assert set(submission.editors.all()) == {lead, colleague}
    assert submission.was_prepared_by(colleague)


def test_an_edit_that_changes_nothing_records_nothing(draft, lead):
    submission_update(draft, by=lead, rows=rows(NEW))
    assert draft.events.count() == 1


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_submitted_and_approved_returns_cannot_be_edited_or_submitted(
    draft, lead, approver, status
):
    submission_submit(draft, by=lead)
    if status == Status.APPROVED:
        submission_approve(draft.pk, by=approver)
    draft.refresh_from_db()
    assert draft.status == status

    with pytest.raises(WrongState):
        submission_update(draft, by=lead, rows=rows({**NEW, "value": "70"}))
    with pytest.raises(WrongState):
        submission_submit(draft, by=lead)
    assert draft.values.get().value == 61


def test_an_edit_racing_a_submit_is_refused_by_the_conditional_update(draft, lead):
    stale = Submission.objects.get(pk=draft.pk)  # still says "draft" in memory
    submission_submit(draft, by=lead)

    with pytest.raises(WrongState):
        submission_update(stale, by=lead, rows=rows({**NEW, "value": "70"}))
    with pytest.raises(WrongState):
        submission_submit(stale, by=lead)
    assert draft.values.get().value == 61
    assert draft.events.filter(action=Action.SUBMIT).count() == 1


def test_outsiders_may_not_change_or_submit(draft, other_lead, approver):
    for user in (other_lead, approver):
        with pytest.raises(NotAllowed):
            submission_update(draft, by=user, rows=rows(NEW))
        with pytest.raises(NotAllowed):
            submission_submit(draft, by=user)


def test_submit_records_the_event_and_never_touches_approved_data(draft, lead):
    points = list(DataPoint.objects.values_list("pk", "value", "is_current"))

    submission_submit(draft, by=lead)

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.submitted_at is not None
    event = draft.events.last()
    assert (event.action, event.actor, event.changes["from"]) == ("submit", lead, "draft")
    assert list(DataPoint.objects.values_list("pk", "value", "is_current")) == points


def test_submit_lists_corrections_of_approved_figures(imported, lead):
    submission, _ = submission_create(
        by=lead,
        rows=rows(
            {"measure": "1", "period": "Oct 23", "value": "62", "note": "Late arrests added"}
        ),
        channel="api",
    )

    submission_submit(submission, by=lead)

    assert submission.events.last().changes["corrections"] == [
        {
            "measure": 1,
            "area": "Southampton",
            "period": "Oct 23",
            "from": "60",
            "to": "62",
            "reason": "Late arrests added",
        }
    ]


def test_submit_checks_the_values_again_against_todays_catalogue(draft, lead, icu):
    Measure.objects.filter(number=1).update(organisation=icu)

    with pytest.raises(InvalidSubmission) as refused:
        submission_submit(draft, by=lead)

    assert "responsibility of ICU" in refused.value.errors[0].message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_stores_the_warnings_found_at_submit_time(imported, lead, approver):
    submission, _ = submission_create(
        by=lead,
        rows=rows({"measure": "1", "period": "Nov 23", "value": "61", "note": "Quiet month"}),
        channel="api",
    )
    assert submission.values.get().warnings == []  # 61 after October's 60
    # Meanwhile another return corrects October to 200: 61 is now a fall of more than half.
    correction = Value(1, "Oct 23", "200", note="Recount")
    make_return(by=lead, values=[correction], status=Status.APPROVED, decided_by=approver)

    submission_submit(submission, by=lead)

    (warning,) = submission.values.get().warnings
    assert warning["message"].startswith("61.0 is 70% lower than the figure for Oct 23 (200.0).")


def test_audit_events_are_append_only(draft):
    event = draft.events.get()
    event.changes = {"rewritten": True}

    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_an_approved_return_keeps_its_approver_in_the_database(draft):
    # Deliberately a shape the services never write (approved without an approver): the
    # database itself must refuse it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=draft.pk).update(status=Status.APPROVED)
