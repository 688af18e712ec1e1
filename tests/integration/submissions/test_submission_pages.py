"""The data lead's pages: home, entering figures on the form, changing a return, a return's page,
and who may see or touch each (a lead of the organisation, a lead of another, an approver, a
board member, an anonymous visitor)."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from audit.models import Action
from scorecard.models import Measure
from scorecard.periods import Period
from submissions.approval import submission_approve, submission_send_back
from submissions.models import Status, Submission
from submissions.services import submission_submit, upload_stage
from submissions.validation import RawRow
from tests.conftest import client_for
from tests.factories import UserFactory, Value, submission

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


def test_home_leads_with_the_returns_tracker_linking_each_due_period_to_its_entry_form(
    frozen_today, imported, lead
):
    response = client_for(lead).get("/submissions/")

    page = text(response)
    assert page.index("What is due") < page.index("Your organisation’s submissions")
    assert "Overdue (" in page
    assert 'href="/submissions/new/?period=Oct%2026"' in page
    assert 'Enter figures<span class="govuk-visually-hidden"> for measure 1, Oct 26' in page


def test_a_period_with_an_approved_figure_is_no_longer_due(frozen_today, imported, lead, approver):
    from collection.selectors import returns

    submission(
        by=lead, values=[Value(3, "2025/26", "500")], status=Status.APPROVED, decided_by=approver
    )

    rows = returns(today=date(2026, 11, 29), organisation_id=lead.organisation_id)

    [row] = [r for r in rows if r.measure.number == 3 and r.period.label == "2025/26"]
    assert row.approved and not row.overdue and row.status.value in ("approved", "approved_late")
    assert "for measure 3, 2025/26" not in text(client_for(lead).get("/submissions/"))


def test_home_shows_open_submissions_per_measure_and_returns_newest_first_with_comments(
    imported, lead, approver, make_submission
):
    older = make_submission(lead, NEW, submit=True)
    newer = make_submission(lead, {"measure": "7", "period": "Nov 23", "value": "34"})
    submission_send_back(older.pk, by=approver, comment="Please check November")

    response = client_for(lead).get("/submissions/")

    assert list(response.context["submissions"]) == [newer, older]
    page = text(response)
    # The tracker links each open return's figures to it rather than to a new return.
    tracker = page[page.index("What is due") : page.index("Your organisation’s submissions")]
    assert f"Continue submission {older.pk}" in tracker  # sent back: measure 1, Nov 23
    assert f"Continue submission {newer.pk}" in tracker  # a draft: measure 7, Nov 23
    assert "Sent back to you (1)" in tracker
    assert "Please check November" in page
    assert "Sent back" in page and "Draft" in page


def test_home_shows_only_the_organisations_own_returns(imported, lead, other_lead, draft):
    response = client_for(other_lead).get("/submissions/")
    assert list(response.context["submissions"]) == []
    page = text(response)
    assert "33. Drug Testing on Arrest Data" in page
    assert "1. Number of current active Drugs Networks" not in page


def test_home_lists_the_returns_a_page_at_a_time_newest_first(imported, lead, make_submission):
    from submissions.views import RETURNS_PAGE_SIZE

    made = [make_submission(lead, NEW) for _ in range(RETURNS_PAGE_SIZE + 2)]
    client = client_for(lead)

    first = client.get("/submissions/")
    second = client.get("/submissions/", {"page": 2})

    assert list(first.context["submissions"]) == made[::-1][:RETURNS_PAGE_SIZE]
    assert list(second.context["submissions"]) == made[1::-1]
    page = text(first)
    assert f"Submissions 1 to {RETURNS_PAGE_SIZE} of {RETURNS_PAGE_SIZE + 2}, newest first" in page
    assert 'href="?page=2#submissions" rel="next"' in page
    assert 'href="?page=1#submissions" rel="prev"' in text(second)


# Entering figures -----------------------------------------------------------------------------


def test_choosing_a_period_offers_the_figures_now_due_first_and_recent_ended_periods(
    frozen_today, imported, lead
):
    response = client_for(lead).get("/submissions/new/")

    page = text(response)
    months = re.findall(r'<option value="([A-Z][a-z]+ \d\d)">', page)
    years = re.findall(r'<option value="(\d{4}/\d\d)">', page)
    assert months[:12] == ["Oct 26", "Sept 26", "Aug 26", "Jul 26", "Jun 26", "May 26", "Apr 26",
                           "Mar 26", "Feb 26", "Jan 26", "Dec 25", "Nov 25"]  # fmt: skip
    # Then every earlier month still missing a police figure, back to the earliest month held
    # (Sept 23, measure 2's): Oct 23 is held for measures 1 and 7 but not for measure 2.
    assert months[12:] == [
        p.label for p in _months_back(Period.month(2025, 10), Period.month(2023, 9))
    ]
    assert years == ["2025/26", "2024/25", "2023/24", "2022/23", "2021/22"]
    assert '<option value="due" selected>The figures now due' in page
    assert "Calendar quarter" not in page
    assert '<label class="govuk-label govuk-label--s" for="id_period">Period</label>' in page
    assert 'for="id_other">Or type another period</label>' in page
    assert 'id="id_period-hint"' in page


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("Smarch", "is not a period label we recognise"),
        ("2023/24 Q1", "Your organisation has no measures reported by financial quarter"),
        ("Nov 2026", "Nov 26 has not ended yet"),
    ],
)
def test_a_period_that_cannot_be_entered_is_explained(
    frozen_today, imported, lead, period, message
):
    response = client_for(lead).get("/submissions/new/", {"period": period})

    assert "There is a problem" in text(response) and message in text(response)


def rows_of(response):
    return [(i["row"].measure.number, i["row"].period.label) for i in response.context["items"]]


def test_the_figures_now_due_are_one_row_per_measure_each_for_its_own_period(
    frozen_today, imported, lead
):
    response = client_for(lead).get("/submissions/new/", {"period": "due"})

    assert rows_of(response) == [(1, "Oct 26"), (2, "Oct 26"), (3, "2025/26"), (7, "Oct 26")]
    page = text(response)
    assert '<h1 class="govuk-heading-l">Enter the figures now due</h1>' in page
    assert "4 measures to fill in" in page


def test_each_row_shows_the_approved_figures_beside_its_inputs(imported, lead):
    response = client_for(lead).get("/submissions/new/", {"period": "Nov 23"})

    assert rows_of(response) == [(1, "Nov 23"), (2, "Nov 23"), (7, "Nov 23")]
    page = text(response)
    assert 'id="row-1-before"' in page and "60.0 in Oct 23" in page
    assert 'aria-describedby="row-1-before" id="id_form-0-value"' in page
    oct_page = text(client_for(lead).get("/submissions/new/", {"period": "Oct 23"}))
    assert "Approved</strong> 60.0 for Oct 23: a different figure corrects it" in oct_page


def test_only_a_standardised_rate_asks_for_its_variance(imported, icu_lead):
    Measure.objects.filter(number=20).update(value_kind="dsr", multiplier=100_000)
    response = client_for(icu_lead).get("/submissions/new/", {"period": "2021 - 2023"})
    page = text(response)
    rates = {
        index
        for index, item in enumerate(response.context["items"])
        if item["row"].measure.number == 20
    }
    assert rates and {
        index for index in range(len(response.context["items"]))
        if f'id="id_form-{index}-variance"' in page
    } == rates  # fmt: skip
    assert '<th scope="col" class="govuk-table__header">Variance</th>' in page
    other = client_for(icu_lead).get("/submissions/new/", {"period": "2023/24"})
    assert "-variance" not in text(other)


def test_the_form_says_when_a_period_already_has_an_approved_value(imported, lead):
    page = text(client_for(lead).get("/submissions/new/", {"period": "Oct 23"}))
    assert "Approved</strong> 60.0 for Oct 23: a different figure corrects it" in page


def test_an_older_previous_figure_says_how_much_earlier_it_is(imported, lead):
    page = text(client_for(lead).get("/submissions/new/", {"period": "Oct 26"}))
    assert "60.0 in Oct 23 (3 years earlier)" in page


def test_each_input_is_labelled_with_its_column_measure_and_period(imported, lead):
    page = text(client_for(lead).get("/submissions/new/", {"period": "Nov 23"}))

    assert (
        '<label class="govuk-label govuk-label--s app-entry-grid__label" for="id_form-0-value">'
        'Southampton value<span class="govuk-visually-hidden">, Measure 1 (Number of current '
        "active Drugs Networks (Southampton)), Nov 23</span></label>"
    ) in page
    assert 'for="id_form-0-note">Note<span class="govuk-visually-hidden">, Measure 1' in page


def test_numerator_denominator_and_england_only_where_the_measure_uses_them(imported, icu_lead):
    response = client_for(icu_lead).get("/submissions/new/", {"period": "due"})

    items = {i["row"].measure.number: i["row"] for i in response.context["items"]}
    rate, count = items[4], items[8]
    assert rate.uses_ratio and rate.england is not None
    assert not count.uses_ratio and count.england is None
    page = text(response)
    index = [i["row"].measure.number for i in response.context["items"]].index(8)
    assert f'id="id_form-{index}-value"' in page
    assert f'id="id_form-{index}-numerator"' not in page
    assert f'id="id_form-{index}-england"' not in page
    assert "Not used for a count" in page and "Not compared with England" in page


def grid_data(rows, action="draft", **extra):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"form-{index}-{name}"] = value
    return {**data, "action": action, **extra}


def police_rows(period, values, **notes):
    """The Police grid's monthly rows (measures 1, 2, 7) with `values` typed in."""
    return [
        {"measure": m, "period": period, "value": values.get(m, ""), "note": notes.get(f"n{m}", "")}
        for m in ("1", "2", "7")
    ]


NOV = "/submissions/new/?period=Nov%2023"


def test_saving_the_grid_as_a_draft_keeps_only_the_rows_typed_in(imported, lead):
    client = client_for(lead)

    response = client.post(NOV, grid_data(police_rows("Nov 23", {"1": "61", "7": "34"})))

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


def test_save_and_submit_is_the_first_button_and_submits(imported, lead):
    page = text(client_for(lead).get(NOV))
    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"', page)
    assert buttons == ["submit", "check", "draft", "add_period"]
    assert 'value="submit" class="govuk-button" ' in page  # the only primary button

    client_for(lead).post(NOV, grid_data(police_rows("Nov 23", {"1": "61"}), action="submit"))

    submission = Submission.objects.get()
    assert submission.status == Status.SUBMITTED and submission.submitted_at is not None
    assert [e.action for e in submission.events.all()] == ["create", "submit"]


def test_a_grid_with_nothing_typed_in_saves_nothing(imported, lead):
    response = client_for(lead).post(NOV, grid_data(police_rows("Nov 23", {})))

    assert "There are no figures to save" in text(response)
    assert Submission.objects.count() == 0


def test_an_error_links_to_its_input_and_keeps_what_was_typed(imported, lead):
    response = client_for(lead).post(
        NOV, grid_data(police_rows("Nov 23", {"1": "61", "2": "minus"}))
    )

    page = text(response)
    assert response.status_code == 200
    assert page.count("There is a problem") == 1
    assert (
        '<a href="#id_form-1-value">Measure 2 (Volume of drug seizures within Southampton), '
        "Nov 23: 'minus' is not a number"
    ) in page
    assert 'id="id_form-1-value-error"' in page
    assert 'aria-describedby="row-2-before id_form-1-value-error"' in page
    assert 'value="61"' in page and 'value="minus"' in page
    assert "<title>Error: " in page
    assert Submission.objects.count() == 0


def test_a_row_with_a_local_and_an_england_figure_saves_both_with_its_note(imported, icu_lead):
    client = client_for(icu_lead)
    rows = [
        {"measure": "4", "period": "2022/23", "value": "5.2", "england": "3.1", "note": "Revised"}
    ]

    client.post("/submissions/new/?period=2022/23", grid_data(rows))

    values = {v.area.name: (v.value, v.note) for v in Submission.objects.get().values.all()}
    assert values == {
        "Southampton": (Decimal("5.2"), "Revised"),
        "England": (Decimal("3.1"), "Revised"),
    }


def test_check_figures_saves_nothing_and_puts_each_warning_beside_its_figure(imported, lead):
    response = client_for(lead).post(
        NOV, grid_data(police_rows("Nov 23", {"1": "61", "7": "2"}), action="check")
    )

    assert Submission.objects.count() == 0
    page = text(response)
    assert 'id="id_form-2-value-warning"' in page
    assert "A count of 2 is small enough that it might identify people" in page
    assert 'aria-describedby="row-3-before id_form-2-value-warning"' in page
    assert '<a class="govuk-notification-banner__link" href="#id_form-2-value">' in page
    # Checking asks for what submitting will: the note the warning needs.
    assert '<a href="#id_form-2-note">Measure 7' in page
    assert "a value with a warning needs a note" in page

    fixed = client_for(lead).post(
        NOV,
        grid_data(police_rows("Nov 23", {"1": "61", "7": "2"}, n7="Two: true"), action="check"),
    )
    assert "2 figures checked: no problems, and every warning has its note." in text(fixed)
    assert Submission.objects.count() == 0


def test_submitting_shows_warnings_and_the_notes_they_need_without_javascript(imported, lead):
    response = client_for(lead).post(
        NOV, grid_data(police_rows("Nov 23", {"7": "2"}), action="submit")
    )

    page = text(response)
    assert Submission.objects.count() == 0
    assert "A count of 2 is small enough" in page and 'id="id_form-2-note-error"' in page


def test_a_correction_needs_its_reason_before_it_is_submitted(imported, lead):
    oct_23 = "/submissions/new/?period=Oct%2023"
    response = client_for(lead).post(
        oct_23, grid_data(police_rows("Oct 23", {"1": "62"}), action="submit")
    )

    assert (
        "Give the reason for the correction in the note: this changes the approved figure "
        "for Oct 23 from 60.0 to 62.0." in text(response)
    )
    client_for(lead).post(
        oct_23, grid_data(police_rows("Oct 23", {"1": "62"}, n1="Late arrests"), action="submit")
    )
    assert Submission.objects.get().status == Status.SUBMITTED


def test_another_period_can_be_added_keeping_what_was_typed(imported, lead):
    client = client_for(lead)
    data = grid_data(
        police_rows("Nov 23", {"1": "61"}), action="add_period", **{"add-period": "Oct 23"}
    )

    response = client.post(NOV, data)

    assert Submission.objects.count() == 0
    assert rows_of(response) == [
        (1, "Oct 23"),
        (1, "Nov 23"),
        (2, "Oct 23"),
        (2, "Nov 23"),
        (7, "Oct 23"),
        (7, "Nov 23"),
    ]
    page = text(response)
    assert "Rows for Oct 23 added: nothing has been saved yet." in page
    assert 'value="61"' in page

    rows = police_rows("Nov 23", {"1": "61"}) + police_rows("Sept 23", {"1": "58"})
    client.post(NOV, grid_data(rows, action="draft"))
    saved = Submission.objects.get().values.select_related("measure", "period")
    assert sorted((v.measure.number, v.period.label, v.value) for v in saved) == [
        (1, "Nov 23", 61),
        (1, "Sept 23", 58),
    ]  # two periods of one measure in one return


def test_adding_a_period_that_has_not_ended_is_explained(imported, lead):
    data = grid_data(police_rows("Nov 23", {}), action="add_period", **{"add-other": "Jan 2100"})

    page = text(client_for(lead).post(NOV, data))

    assert "Jan 2100 has not ended yet" in page and '<a href="#id_add-other">' in page


def test_a_full_grid_stays_within_djangos_limit_on_posted_fields(settings):
    from submissions.forms import FORM_MAX_ROWS, GridRowForm

    overhead = 4 + 1 + 1 + 2  # management form, CSRF token, action, the period to add
    assert FORM_MAX_ROWS * len(GridRowForm.base_fields) + overhead <= (
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    )


# Changing a return ----------------------------------------------------------------------------


def test_editing_a_draft_records_what_changed_from_what_and_who_edited(draft, lead, colleague):
    client = client_for(colleague)
    page = client.get(f"/submissions/{draft.pk}/edit/")
    assert [i["form"].initial.get("value", "") for i in page.context["items"]] == ["61", "", ""]

    client.post(
        f"/submissions/{draft.pk}/edit/",
        grid_data(police_rows("Nov 23", {"1": "62", "2": "80"})),
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
    assert "Measure 1, Southampton, Nov 23: value changed from 61 to 62." in history
    assert f"lead.police.2 changed the figures in submission {draft.pk} on the form." in history


def test_a_sent_back_return_can_be_edited_and_submitted_again(draft, lead, approver):
    submission_submit(draft, by=lead)
    submission_send_back(draft.pk, by=approver, comment="November looks low")
    client = client_for(lead)

    client.post(f"/submissions/{draft.pk}/edit/", grid_data(police_rows("Nov 23", {"1": "64"})))
    draft.refresh_from_db()
    assert draft.status == Status.SENT_BACK and draft.values.get().value == 64
    client.post(f"/submissions/{draft.pk}/submit/")

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.events.last().changes["from"] == "sent_back"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_submitted_or_approved_return_cannot_be_edited(draft, lead, approver, status):
    submission_submit(draft, by=lead)
    if status == Status.APPROVED:
        submission_approve(draft.pk, by=approver)
    client = client_for(lead)

    opened = client.get(f"/submissions/{draft.pk}/edit/")
    posted = client.post(
        f"/submissions/{draft.pk}/edit/", grid_data(police_rows("Nov 23", {"1": "99"}))
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
    periods = [Period.month(2013, 10)]
    while len(periods) < 130:
        periods.append(periods[-1].previous())
    submission = make_submission(
        lead, *({"measure": "2", "period": p.label, "value": "80"} for p in periods)
    )

    response = client_for(lead).get(f"/submissions/{submission.pk}/edit/")

    assert response["Location"] == f"/submissions/{submission.pk}/upload/"


def test_a_return_with_figures_for_other_areas_is_edited_by_file(imported, lead, make_submission):
    from scorecard.models import Area

    Area.objects.create(name="Portsmouth", kind="comparator")
    submission = make_submission(lead, NEW, {**NEW, "area": "Portsmouth"})

    response = client_for(lead).get(f"/submissions/{submission.pk}/edit/")

    assert response["Location"] == f"/submissions/{submission.pk}/upload/"


# A return's page ------------------------------------------------------------------------------


def test_the_page_shows_status_values_warnings_notes_corrections_and_history(
    frozen_today, imported, lead, make_submission
):
    submission = make_submission(
        lead,
        {"measure": "1", "period": "Oct 23", "value": "62", "note": "Revised count"},
        {"measure": "7", "period": "Nov 23", "value": "2"},
    )

    page = text(client_for(lead).get(f"/submissions/{submission.pk}/"))

    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page
    assert 'Correction</strong> <span class="govuk-body-s">was 60.0</span>' in page
    assert "Reason for the correction:</span> Revised count" in page
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


def _months_back(newest, oldest):
    months = [newest]
    while months[-1] != oldest:
        months.append(months[-1].previous())
    return months
