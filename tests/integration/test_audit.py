"""One audit trail for everything that changes the record: returns, publishing, importing, the
catalogue (admin pages and spreadsheet) and people's roles, each with actor, target and change."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from audit.models import Action, Event
from audit.selectors import events_for
from scorecard.models import Edition, Measure, PriorityArea
from scorecard.resources import MeasureResource
from scorecard.services.publishing import edition_publish
from submissions.models import Channel
from submissions.services import submission_create
from submissions.validation import RawRow
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_publishing_an_edition_records_who_published_it_and_what_changed(imported, approver):
    edition = edition_publish("Jun-2024", by=approver)

    event = events_for(edition).get()
    assert (event.actor, event.action, event.target_label) == (approver, Action.PUBLISH, "Jun-2024")
    assert event.changes == {"rows": 39, "since": "May-2024", "changed": []}


def test_importing_a_scorecard_is_recorded_once(
    organisation, icu, other_organisation, reference_path
):
    call_command("import_scorecard", str(reference_path), stdout=io.StringIO())
    call_command("import_scorecard", str(reference_path), stdout=io.StringIO())

    event = events_for(Edition.objects.get()).get()  # the second import changed nothing
    assert event.action == Action.IMPORT and event.actor is None  # a command: the system
    assert event.changes == {
        "measures_created": 39,
        "measures_updated": 0,
        "new_values": 51,  # local and England figures, counted by tests/reference.py
        "edition_created": True,
    }


def test_an_admin_changing_a_measure_records_the_fields_from_and_to(imported, admin_user):
    measure = Measure.objects.get(number=4)
    client = client_for(admin_user)
    page = client.get(f"/admin/scorecard/measure/{measure.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["polarity"] = "lower_is_better"

    response = client.post(f"/admin/scorecard/measure/{measure.pk}/change/", data)

    assert response.status_code == 302
    event = events_for(measure).get()
    assert (event.actor, event.action) == (admin_user, Action.CHANGE)
    assert event.changes == {"polarity": ["No judgement", "Lower is better"]}


def test_a_superuser_changing_a_persons_role_in_the_admin_is_recorded(imported, superuser, lead):
    client = client_for(superuser)
    page = client.get(f"/admin/accounts/user/{lead.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "password"}
    data = {k: ("" if v is None else v) for k, v in data.items() if v not in (False, [])}
    data.update(role=Role.APPROVER, last_login="", date_joined_0="2026-01-01")
    data.update(date_joined_1="09:00:00")

    response = client.post(f"/admin/accounts/user/{lead.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = events_for(User.objects.get(pk=lead.pk)).get()
    assert event.action == Action.CHANGE and event.actor == superuser
    assert event.changes["role"] == ["Data lead", "Approver"]


def test_deleting_through_the_admin_is_recorded_with_the_name_it_had(db, admin_user):
    unused = PriorityArea.objects.create(name="A priority nobody uses")
    client = client_for(admin_user)

    client.post(f"/admin/scorecard/priorityarea/{unused.pk}/delete/", {"post": "yes"})

    assert not PriorityArea.objects.filter(pk=unused.pk).exists()
    event = Event.objects.get(action=Action.DELETE)
    assert (event.actor, event.target_label) == (admin_user, "A priority nobody uses")


def test_a_spreadsheet_import_records_each_measure_it_changes(imported, admin_user):
    dataset = MeasureResource().export()
    row = dataset["number"].index("4")
    values = list(dataset[row])
    values[dataset.headers.index("polarity")] = "lower_is_better"
    dataset[row] = values

    MeasureResource().import_data(dataset, dry_run=True, user=admin_user)
    assert not Event.objects.filter(action=Action.CHANGE).exists()  # a preview records nothing
    MeasureResource().import_data(dataset, dry_run=False, user=admin_user)

    event = Event.objects.get(action=Action.CHANGE)
    assert event.target_label.startswith("4. Rate of drug offences")
    assert event.changes == {
        "polarity": ["No judgement", "Lower is better"],
        "channel": "spreadsheet",
    }


def test_a_returns_events_are_in_the_same_trail(imported, lead):
    row = RawRow(1, {"measure": "1", "period": "Nov 23", "value": "61"})
    draft, _ = submission_create(by=lead, rows=[row], channel=Channel.FORM)

    assert [e.action for e in Event.objects.all()] == [Action.IMPORT, Action.CREATE]
    assert draft.events.get().target_label == f"Submission {draft.pk} (Draft)"


def test_events_are_append_only(db):
    actor = UserFactory(username="someone", role=Role.ADMIN)
    area = PriorityArea.objects.create(name="Anything")
    from audit.services import audit_event

    event = audit_event(by=actor, action=Action.ADD, target=area)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
