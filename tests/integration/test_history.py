"""The audit trail in words (audit.history): every kind of event as a sentence with who did what,
and the details of what changed, built from events written by the real services."""

import io

import pytest
from django.core.management import call_command

from audit.history import history, history_entry
from audit.models import Action, Event
from audit.selectors import events_for, history_for
from audit.services import audit_event, field_changes
from scorecard.models import Edition, Measure, PriorityArea
from scorecard.services.publishing import edition_publish
from submissions import approval
from submissions.models import Channel
from submissions.services import submission_create, submission_submit, submission_update
from submissions.validation import RawRow

pytestmark = pytest.mark.django_db


def rows(*figures: tuple[str, str, str, str]) -> list[RawRow]:
    return [
        RawRow(i, {"measure": m, "period": p, "value": v, "note": n})
        for i, (m, p, v, n) in enumerate(figures, start=1)
    ]


def test_a_returns_whole_life_reads_as_sentences(imported, lead, approver):
    submission, _ = submission_create(
        by=lead,
        rows=rows(("1", "Nov 23", "65", ""), ("1", "Oct 23", "62", "")),
        channel=Channel.UPLOAD,
    )
    submission_update(
        submission,
        by=lead,
        rows=rows(("1", "Nov 23", "66", "Two networks"), ("1", "Oct 23", "62", "Late arrests")),
    )
    submission_submit(submission, by=lead)
    approval.submission_send_back(submission.pk, by=approver, comment="Check November")
    submission.refresh_from_db()
    submission_update(
        submission,
        by=lead,
        rows=rows(("1", "Nov 23", "64", "Checked"), ("1", "Oct 23", "62", "Late arrests")),
        submit=True,
    )
    approval.submission_approve(submission.pk, by=approver)

    entries = history_for(submission)
    n = submission.pk
    assert [e.sentence for e in entries] == [
        f"lead.police created submission {n} with 2 figures from a file.",
        f"lead.police changed the figures in submission {n} on the form.",
        f"lead.police submitted submission {n} for approval with 2 figures.",
        f"approver sent submission {n} back to the data lead.",
        f"lead.police changed the figures in submission {n} on the form.",
        f"lead.police submitted submission {n} again for approval with 2 figures.",
        f"approver approved submission {n}: 2 figures recorded (2 new, 0 already approved).",
        "approver approved a correction to measure 1, Southampton, Oct 23: from 60 to 62, "
        "now version 2.",
    ]
    assert entries[0].details == ["Corrects measure 1, Southampton, Oct 23 from 60 to 62."]
    assert entries[1].details == [
        "Measure 1, Southampton, Nov 23: value changed from 65 to 66.",
        "Measure 1, Southampton, Nov 23: note changed from no note to “Two networks”.",
        "Measure 1, Southampton, Oct 23: note changed from no note to “Late arrests”.",
    ]
    assert entries[2].details == [
        "Corrects measure 1, Southampton, Oct 23 from 60 to 62. Reason: “Late arrests”"
    ]
    assert entries[3].details == ["Comment: “Check November”"]
    assert entries[7].details == ["Reason: “Late arrests”"]
    assert {e.who for e in entries} == {"lead.police", "approver"}


def test_publishing_importing_and_the_system_read_as_sentences(
    organisation, icu, other_organisation, reference_path, approver
):
    call_command("import_scorecard", str(reference_path), stdout=io.StringIO())
    (imported,) = history_for(Edition.objects.get())
    assert imported.sentence == "The system imported a scorecard as edition May-2024."
    assert imported.details == ["39 measures added and 0 updated.", "51 new approved figures."]

    (published,) = history_for(edition_publish("Jun-2024", by=approver))
    assert published.sentence == "approver published edition Jun-2024 with 39 rows."
    assert published.details == ["0 rows changed since May-2024."]


def test_catalogue_and_people_changes_name_each_field_from_and_to(imported, admin_user, lead):
    measure = Measure.objects.get(number=4)
    before = Measure.objects.get(pk=measure.pk)
    measure.polarity, measure.comparable_with_england = "lower_is_better", False
    measure.save()
    audit_event(
        by=admin_user,
        action=Action.CHANGE,
        target=measure,
        changes=field_changes(before, measure, ["polarity", "comparable_with_england"]),
    )

    (entry,) = history_for(measure)
    assert entry.sentence == f"admin changed measure {measure}."
    assert entry.details == [
        "Compared with England changed from yes to no.",
        "Polarity changed from “No judgement” to “Lower is better”.",
    ]

    audit_event(by=admin_user, action=Action.CHANGE, target=lead, changes={"password": "changed"})
    assert history_for(lead)[0].details == ["Password changed."]  # a secret: only that it did


def test_an_event_of_any_shape_still_says_who_did_what(db, admin_user):
    area = PriorityArea.objects.create(name="Anything")
    odd = audit_event(
        by=None, action=Action.DELETE, target=area, changes={"values": [1, 2], "x": {"y": 1}}
    )
    broken = Event.objects.create(
        actor=admin_user,
        action=Action.APPROVE,
        target_type=odd.target_type,
        target_id=area.pk,
        target_label="Anything",
        changes=["not", "a", "mapping"],
    )

    deleted, approved = history([odd, broken])
    assert deleted.sentence == "The system deleted Anything."
    assert approved.sentence == "admin approved Anything: 0 figures recorded."
    assert history_entry(events_for(area).last()).details == []


def test_a_return_approved_in_part_reads_as_sentences_on_both_returns(imported, lead, approver):
    submission, _ = submission_create(
        by=lead,
        rows=rows(("1", "Nov 23", "65", ""), ("7", "Nov 23", "31", "")),
        channel=Channel.FORM,
        submit=True,
    )
    seizures = submission.values.get(measure__number=7)

    returned = approval.submission_decide(
        submission.pk, by=approver, send_back={seizures.pk: "Check the custody records"}
    ).sent_back

    approved = history_for(submission)[-1]
    assert approved.sentence == (
        f"approver approved submission {submission.pk}: 1 figure recorded (1 new, 0 already "
        "approved)."
    )
    assert approved.details == [
        f"1 figure sent back to the data lead as submission {returned.pk}, with a comment each:",
        "Measure 7, Southampton, Nov 23 (31): “Check the custody records”",
    ]
    (split,) = history_for(returned)
    assert split.sentence == (
        f"approver sent 1 figure of submission {submission.pk} back to the data lead as "
        f"submission {returned.pk}, approving the rest."
    )
    assert split.details == ["Measure 7, Southampton, Nov 23 (31): “Check the custody records”"]
