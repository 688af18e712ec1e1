"""The data lead's pages: home, entering figures on the form, changing a return, a return's page,
and who may see or touch each (a lead of the organisation, a lead of another, an approver, a
board member, an anonymous visitor)."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from audit.models import Action
from scorecard.models import DataPoint, Measure, ReportingPeriod
from scorecard.periods import PeriodType, latest_ended
from submissions.models import Status, Submission
from submissions.services import upload_stage
from submissions.validation import RawRow
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = {"measure": "1", "period": "Nov 23", "value": "61"}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def draft(imported, lead, make_submission):
    return make_submission(lead, NEW)


@pytest.fixture
def colleague(organisation):
    """A second data lead of Police."""
    return UserFactory(username="lead.police.2", role=Role.DATA_LEAD, organisation=organisation)


# Who may do what ------------------------------------------------------------------------------

PERSONAS = ["lead", "other_lead", "approver", "board", None]
LOGIN = "login"

PAGES = {
    # name: (method, url, {persona: expected status})
    "home": ("get", "/submissions/", [200, 200, 403, 403, LOGIN]),
    "choose period": ("get", "/submissions/new/", [200, 200, 403, 403, LOGIN]),
    "upload": ("get", "/submissions/upload/", [200, 200, 403, 403, LOGIN]),
    "template": ("get", "/submissions/template.csv", [200, 200, 403, 403, LOGIN]),
    "detail": ("get", "/submissions/{pk}/", [200, 404, 200, 404, LOGIN]),
    "edit": ("get", "/submissions/{pk}/edit/", [200, 404, 403, 404, LOGIN]),
    "replace by upload": ("get", "/submissions/{pk}/upload/", [200, 404, 403, 403, LOGIN]),
    "submit": ("post", "/submissions/{pk}/submit/", [302, 404, 403, 404, LOGIN]),
    "preview": ("get", "/submissions/upload/{token}/", [200, 404, 403, 403, LOGIN]),
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True, ids=lambda p: p or "anonymous")
@pytest.mark.parametrize("view_name", PAGES)
def test_who_may_open_each_page(draft, lead, persona, view_name, request):
    method, url, expected = PAGES[view_name]
    outcome = expected[PERSONAS.index(request.node.callspec.params["persona"])]
    token = upload_stage(by=lead, filename="f.csv", rows=[RawRow(2, NEW)])

    response = getattr(client_for(persona), method)(url.format(pk=draft.pk, token=token))

    if outcome == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == outcome
    draft.refresh_from_db()
    expected_status = Status.SUBMITTED if (view_name, outcome) == ("submit", 302) else Status.DRAFT
    assert draft.status == expected_status


def test_an_approver_sees_a_return_read_only(draft, approver):
    page = text(client_for(approver).get(f"/submissions/{draft.pk}/"))

    assert "Submission 1" in page or f"Submission {draft.pk}" in page
    assert "61.0" in page
    assert "Submit for approval" not in page and "Change the figures" not in page


def test_a_board_member_never_sees_unapproved_values(draft, board):
    client = client_for(board)
    for url in ("/submissions/", f"/submissions/{draft.pk}/", f"/submissions/{draft.pk}/edit/"):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert "61.0" not in text(response)


# Home -----------------------------------------------------------------------------------------


def test_home_lists_the_organisations_measures_with_latest_value_and_period_due(imported, lead):
    response = client_for(lead).get("/submissions/")

    statuses = response.context["statuses"]
    assert [s.measure.number for s in statuses] == [1, 2, 3, 7]
    first = statuses[0]
    assert (first.latest_value, first.latest_period.label) == (Decimal(60), "Oct 23")
    due = latest_ended(PeriodType.MONTH, timezone.localdate())
    assert first.due == due
    page = text(response)
    assert f"Enter figures for {due.label}</a>" in page
    assert f'href="/submissions/new/?period={due.label.replace(" ", "%20")}"' in page


def test_a_measure_with_the_latest_ended_period_approved_is_up_to_date(imported, lead):
    measure = Measure.objects.get(number=3)
    due = latest_ended(PeriodType.FINANCIAL_YEAR, timezone.localdate())
    DataPoint.objects.create(
        measure=measure,
        area=DataPoint.objects.filter(measure=measure).first().area,
        period=ReportingPeriod.for_period(due),
        value=500,
        origin="test",
        approved_at=timezone.now(),
    )

    statuses = client_for(lead).get("/submissions/").context["statuses"]

    assert statuses[2].measure.number == 3 and statuses[2].due is None
    assert statuses[2].latest_period == due


def test_home_shows_open_submissions_per_measure_and_returns_newest_first_with_comments(
    imported, lead, approver, make_submission
):
    older = make_submission(lead, NEW)
    newer = make_submission(lead, {"measure": "7", "period": "Nov 23", "value": "34"})
    Submission.objects.filter(pk=older.pk).update(
        status=Status.SENT_BACK, review_comment="Please check November", decided_by=approver
    )

    response = client_for(lead).get("/submissions/")

    assert list(response.context["submissions"]) == [newer, older]
    by_measure = {s.measure.number: s.open_submission for s in response.context["statuses"]}
    assert by_measure == {1: older, 2: None, 3: None, 7: newer}
    page = text(response)
    assert "Please check November" in page
    assert "Sent back" in page and "Draft" in page


def test_home_shows_only_the_organisations_own_returns(imported, lead, other_lead, draft):
    response = client_for(other_lead).get("/submissions/")
    assert list(response.context["submissions"]) == []
    assert response.context["statuses"][0].measure.number == 33


# Entering figures -----------------------------------------------------------------------------


def test_choosing_a_period_offers_recent_ended_periods_of_the_organisations_types(imported, lead):
    response = client_for(lead).get("/submissions/new/")

    page = text(response)
    month = latest_ended(PeriodType.MONTH, timezone.localdate()).label
    year = latest_ended(PeriodType.FINANCIAL_YEAR, timezone.localdate()).label
    assert f'<option value="{month}">' in page and f'<option value="{year}">' in page
    assert "Calendar quarter" not in page
    assert '<label class="govuk-label govuk-label--s" for="id_period">Period</label>' in page
    assert 'id="id_period-hint"' in page


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("Smarch", "is not a period label we recognise"),
        ("2023/24 Q1", "Your organisation has no measures reported by financial quarter"),
        ("Jan 2100", "Jan 2100 has not ended yet"),
    ],
)
def test_a_period_that_cannot_be_entered_is_explained(imported, lead, period, message):
    response = client_for(lead).get("/submissions/new/", {"period": period})

    assert "There is a problem" in text(response) and message in text(response)


def test_the_form_shows_each_measure_with_its_previous_value_beside_the_input(imported, lead):
    response = client_for(lead).get("/submissions/new/", {"period": "Nov 23"})

    page = text(response)
    assert [i["row"].measure.number for i in response.context["items"]] == [1, 2, 7]
    assert "Previous: 60.0 (Oct 23). Unit: Monthly count." in page
    assert '<label class="govuk-label govuk-label--s" for="id_form-0-value">Value' in page
    assert 'aria-describedby="id_form-0-value-hint"' in page
    for name in ("numerator", "denominator", "note"):
        assert f'for="id_form-0-{name}"' in page and f'id="id_form-0-{name}-hint"' in page


def test_the_form_says_when_a_period_already_has_an_approved_value(imported, lead):
    page = text(client_for(lead).get("/submissions/new/", {"period": "Oct 23"}))
    assert "Approved for Oct 23: 60.0; a different value is a correction." in page


def formset_data(rows, action="draft"):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"form-{index}-{name}"] = value
    data["action"] = action
    return data


def form_rows(period, values):
    """The Police form's three monthly rows (measures 1, 2, 7) with `values` typed in."""
    return [
        {"measure": m, "area": "Southampton", "period": period, "value": values.get(m, "")}
        for m in ("1", "2", "7")
    ]


def test_saving_the_form_as_a_draft_keeps_only_the_rows_typed_in(imported, lead):
    client = client_for(lead)
    data = formset_data(form_rows("Nov 23", {"1": "61", "7": "34"}))

    response = client.post("/submissions/new/?period=Nov%2023", data)

    submission = Submission.objects.get()
    assert response["Location"] == f"/submissions/{submission.pk}/"
    assert sorted((v.measure.number, v.value) for v in submission.values.all()) == [
        (1, 61),
        (7, 34),
    ]
    assert (submission.status, submission.channel) == (Status.DRAFT, "form")
    assert list(submission.editors.all()) == [lead]
    event = submission.events.get()
    assert (event.action, event.actor, event.changes["values"]) == ("create", lead, 2)
    assert "saved as a draft" in text(client.get(response["Location"]))


def test_saving_and_submitting_from_the_form_submits(imported, lead):
    data = formset_data(form_rows("Nov 23", {"1": "61"}), action="submit")

    client_for(lead).post("/submissions/new/?period=Nov%2023", data)

    submission = Submission.objects.get()
    assert submission.status == Status.SUBMITTED and submission.submitted_at is not None
    assert [e.action for e in submission.events.all()] == ["create", "submit"]


def test_a_form_with_nothing_typed_in_saves_nothing(imported, lead):
    response = client_for(lead).post(
        "/submissions/new/?period=Nov%2023", formset_data(form_rows("Nov 23", {}))
    )

    assert "There are no figures to save" in text(response)
    assert Submission.objects.count() == 0


def test_an_error_on_the_form_links_to_its_input_and_keeps_what_was_typed(imported, lead):
    response = client_for(lead).post(
        "/submissions/new/?period=Nov%2023",
        formset_data(form_rows("Nov 23", {"1": "61", "2": "minus"})),
    )

    page = text(response)
    assert page.count("There is a problem") == 1
    assert (
        "<a href=\"#id_form-1-value\">Measure 2, Southampton, Nov 23: 'minus' is not a number"
        in page
    )
    assert 'value="61"' in page and 'value="minus"' in page
    assert "<title>Error: " in page
    assert Submission.objects.count() == 0


# Changing a return ----------------------------------------------------------------------------


def test_editing_a_draft_records_what_changed_from_what_and_who_edited(draft, lead, colleague):
    client = client_for(colleague)
    page = client.get(f"/submissions/{draft.pk}/edit/")
    assert [i["form"].initial.get("value", "") for i in page.context["items"]] == ["61", "", ""]

    client.post(
        f"/submissions/{draft.pk}/edit/",
        formset_data(form_rows("Nov 23", {"1": "62", "2": "80"})),
    )

    assert set(draft.editors.all()) == {lead, colleague}
    edit = draft.events.get(action=Action.EDIT)
    assert edit.actor == colleague
    assert edit.changes["changed"] == [
        {"measure": 1, "area": "Southampton", "period": "Nov 23", "field": "value",
         "from": "61", "to": "62"}
    ]  # fmt: skip
    assert edit.changes["added"] == [
        {"measure": 2, "area": "Southampton", "period": "Nov 23", "value": "80"}
    ]
    history = text(client_for(lead).get(f"/submissions/{draft.pk}/"))
    assert "Measure 1, Southampton, Nov 23: value changed from “61” to “62”" in history
    assert "Edited</strong> by lead.police.2" in history


def test_a_sent_back_return_can_be_edited_and_submitted_again(draft, lead, approver):
    Submission.objects.filter(pk=draft.pk).update(
        status=Status.SENT_BACK, review_comment="November looks low", decided_by=approver
    )
    client = client_for(lead)

    client.post(f"/submissions/{draft.pk}/edit/", formset_data(form_rows("Nov 23", {"1": "64"})))
    draft.refresh_from_db()
    assert draft.status == Status.SENT_BACK and draft.values.get().value == 64
    client.post(f"/submissions/{draft.pk}/submit/")

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.events.last().changes["from"] == "sent_back"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_submitted_or_approved_return_cannot_be_edited(draft, lead, approver, status):
    Submission.objects.filter(pk=draft.pk).update(status=status, decided_by=approver)
    client = client_for(lead)

    opened = client.get(f"/submissions/{draft.pk}/edit/")
    posted = client.post(
        f"/submissions/{draft.pk}/edit/", formset_data(form_rows("Nov 23", {"1": "99"}))
    )

    assert opened["Location"] == posted["Location"] == f"/submissions/{draft.pk}/"
    assert draft.values.get().value == 61
    assert not draft.events.filter(action=Action.EDIT).exists()
    assert "only a draft or a return sent back can be changed" in text(
        client.get(f"/submissions/{draft.pk}/")
    )


def test_a_return_with_too_many_values_for_the_form_is_edited_by_file(
    imported, lead, make_submission
):
    first = latest_ended(PeriodType.MONTH, timezone.localdate() - timedelta(days=3650))
    periods = [first]
    while len(periods) < 130:
        periods.append(periods[-1].previous())
    submission = make_submission(
        lead, *({"measure": "2", "period": p.label, "value": "80"} for p in periods)
    )

    response = client_for(lead).get(f"/submissions/{submission.pk}/edit/")

    assert response["Location"] == f"/submissions/{submission.pk}/upload/"


# A return's page ------------------------------------------------------------------------------


def test_the_page_shows_status_values_warnings_notes_corrections_and_history(
    imported, lead, make_submission
):
    submission = make_submission(
        lead,
        {"measure": "1", "period": "Oct 23", "value": "62", "note": "Revised count"},
        {"measure": "7", "period": "Nov 23", "value": "2"},
    )

    page = text(client_for(lead).get(f"/submissions/{submission.pk}/"))

    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page
    assert 'Correction</strong> <span class="govuk-body-s">was 60.0</span>' in page
    assert "Note:</span> Revised count" in page
    assert "A count of 2 is small enough that it might identify people" in page
    assert "2, of which 1 correction of approved figures and 1 with warnings" in page
    assert f"lead.police created submission {submission.pk} with 2 figures on the form." in page
    assert "Corrects measure 1, Southampton, Oct 23 from 60 to 62. Reason: “Revised count”" in page
    assert "dict_values" not in page
    assert "Submit for approval" in page


def test_submitting_a_value_with_a_warning_and_no_note_explains_and_keeps_the_draft(
    imported, lead, make_submission
):
    submission = make_submission(lead, {"measure": "7", "period": "Nov 23", "value": "2"})

    response = client_for(lead).post(f"/submissions/{submission.pk}/submit/")

    assert response.status_code == 400
    page = text(response)
    assert "cannot be submitted yet" in page and "needs a note" in page
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_submitting_twice_is_refused_the_second_time(draft, lead):
    client = client_for(lead)
    client.post(f"/submissions/{draft.pk}/submit/")

    response = client.post(f"/submissions/{draft.pk}/submit/")

    assert response["Location"] == f"/submissions/{draft.pk}/"
    assert draft.events.filter(action=Action.SUBMIT).count() == 1


def test_a_returns_page_and_its_api_need_the_same_queries_for_few_or_many_values(
    imported, lead, make_submission
):
    def months(count):
        periods = [latest_ended(PeriodType.MONTH, timezone.localdate() - timedelta(days=4000))]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return [{"measure": "2", "period": p.label, "value": "80"} for p in periods]

    def queries(submission):
        client = client_for(lead)
        counts = []
        for url in (f"/submissions/{submission.pk}/", f"/api/v1/submissions/{submission.pk}/"):
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    few = make_submission(lead, *months(3))
    many = make_submission(lead, *months(300))

    assert queries(many) == queries(few)
