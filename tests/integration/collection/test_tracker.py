"""The returns tracker on a frozen clock: statuses as days pass and returns move, completeness
and timeliness on a hand-worked example, and who sees what on the pages and the API."""

import csv
import html
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audit.models import Event
from collection.due import ReturnStatus
from collection.models import EmailPreferences
from collection.selectors import returns
from submissions.services import submission_submit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)


def row_of(measure, label: str, today: date = TODAY):
    [row] = [r for r in returns(today=today) if r.measure == measure and r.period.label == label]
    return row


def text(response) -> str:
    return html.unescape(response.content.decode())


# Statuses as days pass ---------------------------------------------------------------------


def test_a_missing_return_is_not_due_then_due_soon_then_overdue_by_a_growing_number_of_days(
    monthly,
):
    # Oct 26 is due on 15 November 2026; reminders (and "due soon") start 7 days before.
    expected = [
        (date(2026, 11, 7), ReturnStatus.NOT_DUE, 0),
        (date(2026, 11, 8), ReturnStatus.DUE_SOON, 0),
        (date(2026, 11, 15), ReturnStatus.DUE_SOON, 0),
        (date(2026, 11, 16), ReturnStatus.OVERDUE, 1),
        (date(2026, 12, 1), ReturnStatus.OVERDUE, 16),
    ]
    for today, status, days in expected:
        row = row_of(monthly, "Oct 26", today)
        assert (row.due_date, row.status, row.days_overdue) == (date(2026, 11, 15), status, days)


def test_a_return_submitted_late_waits_then_is_approved_late(
    monthly, lead, approver, submit, approve, clock
):
    draft = submit(lead, {101: "7"}, "Oct 26", on=date(2026, 11, 17), draft=True)
    row = row_of(monthly, "Oct 26", date(2026, 11, 17))
    assert (row.status, row.submission, row.overdue) == (ReturnStatus.DRAFT, draft, True)

    clock(date(2026, 11, 18))
    submission_submit(draft, by=lead)
    row = row_of(monthly, "Oct 26", date(2026, 11, 18))
    assert (row.status, row.submission, row.overdue) == (ReturnStatus.SUBMITTED, draft, False)
    assert row.received_on == date(2026, 11, 18)

    approve(draft, approver, on=date(2026, 11, 20))
    row = row_of(monthly, "Oct 26", date(2026, 11, 20))
    assert (row.status, row.approved, row.received_on) == (
        ReturnStatus.APPROVED_LATE,
        True,
        date(2026, 11, 18),  # when it reached the approvers, not when it was approved
    )


def test_a_return_submitted_by_the_due_date_is_approved_on_time_even_if_approved_after_it(
    monthly, lead, approver, submit, approve
):
    on_time = submit(lead, {101: "7"}, "Oct 26", on=date(2026, 11, 15))
    approve(on_time, approver, on=date(2026, 11, 25))
    assert row_of(monthly, "Oct 26", date(2026, 11, 25)).status is ReturnStatus.APPROVED


def test_a_return_sent_back_is_not_received_and_is_overdue_again(
    monthly, lead, approver, submit, send_back
):
    returned = submit(lead, {101: "7"}, "Oct 26", on=date(2026, 11, 10))
    send_back(returned, approver, on=date(2026, 11, 20))
    row = row_of(monthly, "Oct 26", date(2026, 11, 20))
    assert (row.status, row.overdue, row.days_overdue) == (ReturnStatus.SENT_BACK, True, 5)


def test_figures_awaiting_a_national_release_wait_then_fall_due_on_the_release_date(quarterly):
    quarterly.awaiting_release_until = date(2027, 1, 20)
    quarterly.save()

    waiting = row_of(quarterly, "2026/27 Q1", date(2026, 11, 16))
    assert (waiting.status, waiting.due_date) == (ReturnStatus.AWAITING_RELEASE, date(2027, 1, 20))
    assert not waiting.expected and not waiting.overdue
    assert row_of(quarterly, "2026/27 Q1", date(2027, 1, 20)).status is ReturnStatus.DUE_SOON
    assert row_of(quarterly, "2026/27 Q1", date(2027, 1, 21)).status is ReturnStatus.OVERDUE


# Completeness and timeliness: a hand-worked example ------------------------------------------


@pytest.fixture
def history(quarterly, annual, opcc_annual, lead, approver, submit, approve, clock):
    """Police's quarterly measure 102 (due 90 days after each financial quarter):
      2025/26 Q2, due 29 Dec 2025: submitted 20 Dec 2025, approved: on time
      2025/26 Q3, due 31 Mar 2026: submitted 10 Apr 2026 (10 days late), approved
      2025/26 Q4, due 29 Jun 2026: submitted 3 Jul 2026 (4 days late), still waiting
      2026/27 Q1, due 28 Sep 2026: nothing (overdue)
      2026/27 Q2, due 29 Dec 2026: not due yet
    Police's annual measure 103 (due 30 days after the year): 2025/26, due 30 Apr 2026,
    submitted on 30 Apr 2026, approved. The OPCC's annual measure 104 (due 60 days after the
    year): 2025/26, due 30 May 2026: nothing."""
    approve(
        submit(lead, {102: "20"}, "2025/26 Q2", on=date(2025, 12, 20)),
        approver,
        on=date(2025, 12, 22),
    )
    approve(
        submit(lead, {102: "20"}, "2025/26 Q3", on=date(2026, 4, 10)),
        approver,
        on=date(2026, 4, 11),
    )
    submit(lead, {102: "20"}, "2025/26 Q4", on=date(2026, 7, 3))
    approve(
        submit(lead, {103: "500"}, "2025/26", on=date(2026, 4, 30)), approver, on=date(2026, 5, 5)
    )
    clock(TODAY)


def test_completeness_and_timeliness_by_partner_and_by_measure_on_a_hand_worked_example(
    history, approver
):
    response = client_for(approver).get("/returns/completeness/")
    assert response.status_code == 200
    partners = {r.organisation.short_name: r.figures for r in response.context["partners"]}
    measures = {r.measure.number: r.figures for r in response.context["measures"]}

    def summary(figures):
        return (figures.expected, figures.approved, figures.on_time, figures.days_late)

    # 102: four periods due (Q2, Q3, Q4, Q1); approved Q2 and Q3 → 2/4 = 50%; on time only Q2
    # → 1/4 = 25%; late by 10 (Q3) and 4 (Q4) days → median (4 + 10) / 2 = 7.
    assert summary(measures[102]) == (4, 2, 1, (4, 10))
    assert measures[102].median_days_late == 7
    # 103: one period due, approved, received on its due date → 1/1 both.
    assert summary(measures[103]) == (1, 1, 1, ())
    # Police: 4 + 1 = 5 due; 2 + 1 = 3 approved (60%); 1 + 1 = 2 on time (40%); median 7.
    assert summary(partners["Police"]) == (5, 3, 2, (4, 10))
    # The OPCC: 104's 2025/26 is due and missing: 0 of 1.
    assert summary(partners["OPCC"]) == (1, 0, 0, ())
    page = text(response)
    assert "Police: 60% approved, 40% on time; OPCC: 0% approved, 0% on time." in page
    assert "<svg" in page and 'role="img"' in page


def test_the_completeness_csv_has_the_same_figures_and_neutralises_formulas(
    history, approver, quarterly
):
    quarterly.name = '=HYPERLINK("http://example.org")'
    quarterly.save()

    response = client_for(approver).get("/returns/completeness.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    police = [r for r in rows if r["partner"] == "Hampshire and Isle of Wight Constabulary"]
    assert [(r["measure"], r["approved_percent"], r["on_time_percent"]) for r in police] == [
        ("all", "60", "40"),
        ("102", "50", "25"),
        ("103", "100", "100"),
    ]
    assert police[0]["median_days_late"] == "7" and police[2]["median_days_late"] == ""
    assert police[1]["measure_name"].startswith("'=HYPERLINK")


def test_the_board_sees_how_up_to_date_each_partner_is_on_the_scorecard(history, board):
    page = text(client_for(board).get("/scorecard/"))

    panel = page[page.index("How up to date the figures are") :]
    # 103's latest due period is approved; 102's (2026/27 Q1) and 104's (2025/26) are overdue.
    assert "1 of 3 measures have approved figures for the latest period due; 2 are overdue" in panel
    assert "up to 49 days" in panel  # Police: 28 September to 16 November
    assert "up to 170 days" in panel  # OPCC: 30 May to 16 November
    assert "See every partner’s returns" not in panel  # the board has no tracker


# The lead's home and the approvers' tracker ---------------------------------------------------


def test_the_lead_sees_their_returns_grouped_by_what_to_do_next(history, lead):
    page = text(client_for(lead).get("/submissions/"))

    tracker = page[page.index("What is due") : page.index("Other figures and corrections")]
    assert "Overdue (1)" in tracker  # 102, 2026/27 Q1
    assert "Waiting for approval (1)" in tracker  # 102, 2025/26 Q4
    assert "Coming up (1)" in tracker  # 102, 2026/27 Q2, due 29 December
    assert "Approved in the last 12 months (3)" in tracker
    assert "49 days overdue" in tracker and "Approved late" in tracker
    assert 'href="/submissions/new/?period=2026/27%20Q1"' in tracker
    assert "Drug testing on arrest" not in tracker  # the OPCC's


def test_approvers_filter_every_partners_returns_by_partner_measure_and_status(history, approver):
    client = client_for(approver)

    everything = client.get("/returns/")
    assert everything.status_code == 200
    assert len(everything.context["rows"]) == 5 + 1 + 1  # 102: five quarters; 103, 104: a year

    overdue = client.get("/returns/?status=overdue")
    assert [(r.measure.number, r.period.label) for r in overdue.context["rows"]] == [
        (102, "2026/27 Q1"),
        (104, "2025/26"),
    ]
    police = client.get("/returns/?organisation=Police&measure=102&status=submitted&status=overdue")
    assert [(r.period.label, r.status.value) for r in police.context["rows"]] == [
        ("2026/27 Q1", "overdue"),
        ("2025/26 Q4", "submitted"),
    ]
    page = text(police)
    assert "Showing 2 of 5 returns." in page
    assert re.search(r'<input[^>]*value="overdue"[^>]*checked', page)  # the form shows it


def test_an_unknown_filter_is_reported_on_the_form_and_ignored(history, approver):
    response = client_for(approver).get("/returns/?organisation=Nobody")
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert len(response.context["rows"]) == 7


@pytest.mark.parametrize("persona", ["lead", "board"])
def test_only_approvers_and_admins_see_every_partners_returns(history, persona, request):
    client = client_for(request.getfixturevalue(persona))
    for url in ("/returns/", "/returns/completeness/", "/returns/completeness.csv"):
        assert client.get(url).status_code == 403


def test_the_admin_sees_the_tracker_too(history, admin_user):
    assert client_for(admin_user).get("/returns/").status_code == 200


def test_the_tracker_reads_in_a_fixed_number_of_queries(history, approver):
    with CaptureQueriesContext(connection) as queries:
        rows = returns(today=TODAY)
    assert len(rows) == 7 and len(queries.captured_queries) == 4


# The API ------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_due_api_gives_a_lead_their_organisations_returns(history, lead, other_lead):
    items = api(lead).get("/api/v1/due/").json()
    assert {i["organisation"] for i in items} == {"Police"}
    assert {
        "organisation": "Police",
        "measure": 102,
        "period": "2026/27 Q1",
        "due_date": "2026-09-28",
        "status": "overdue",
        "days_overdue": 49,
        "submission": None,
    } in items
    # Asking for another partner's gives nothing of theirs.
    assert api(lead).get("/api/v1/due/?organisation=OPCC").json() == []
    assert [i["measure"] for i in api(other_lead).get("/api/v1/due/").json()] == [104]


def test_the_due_api_gives_approvers_every_partner_with_filters(history, approver):
    items = api(approver).get("/api/v1/due/?status=overdue&status=approved_late").json()
    assert [(i["organisation"], i["measure"], i["period"], i["status"]) for i in items] == [
        ("Police", 102, "2026/27 Q1", "overdue"),
        ("Police", 102, "2025/26 Q3", "approved_late"),
        ("OPCC", 104, "2025/26", "overdue"),
    ]
    assert [i["period"] for i in api(approver).get("/api/v1/due/?measure=103").json()] == [
        "2025/26"
    ]


def test_the_due_api_refuses_unknown_filters_and_other_roles(history, approver, board):
    response = api(approver).get("/api/v1/due/?status=late&measure=999")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"status", "measure"}
    assert api(board).get("/api/v1/due/").status_code == 403
    assert api(None).get("/api/v1/due/").status_code == 401


def test_the_due_api_is_in_the_openapi_schema_with_its_filters(approver):
    schema = api(approver).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/due/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"organisation", "measure", "status"}
    item = schema["components"]["schemas"]["DueReturn"]["properties"]
    assert set(item) >= {"organisation", "measure", "period", "due_date", "status"}


# E-mail preferences ---------------------------------------------------------------------------


def test_an_approver_switches_the_weekly_digest_off_and_on_with_an_audit_event(approver):
    client = client_for(approver)
    page = text(client.get("/returns/email-preferences/"))
    assert "Send me the weekly digest" in page and "checked" in page

    response = client.post("/returns/email-preferences/", {})
    assert response.status_code == 302
    assert EmailPreferences.objects.get(user=approver).weekly_digest is False
    assert Event.objects.filter(target_label__contains="E-mail preferences").count() == 1

    client.post("/returns/email-preferences/", {"weekly_digest": "on"})
    assert EmailPreferences.objects.get(user=approver).weekly_digest is True


def test_a_lead_sees_their_reminders_but_has_no_digest_to_switch(lead):
    client = client_for(lead)
    page = text(client.get("/returns/email-preferences/"))
    assert "A reminder a few days before" in page and "weekly digest" not in page.lower()
    assert client.post("/returns/email-preferences/", {}).status_code == 403


def test_email_preferences_need_signing_in(client):
    response = client.get("/returns/email-preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The approver's queue -----------------------------------------------------------------------


def test_the_queue_says_which_periods_a_return_covers_how_long_it_waited_and_recent_decisions(
    history, approver
):
    page = text(client_for(approver).get("/submissions/review/"))

    queue = page[: page.index("Recent decisions")]
    assert "2025/26 Q4" in queue and "136 days" in queue  # 3 July to 16 November
    decisions = page[page.index("Recent decisions") :]
    assert decisions.count("Approved</strong>") == 3


# The admin sets a measure's schedule ---------------------------------------------------------


def test_a_release_month_is_for_yearly_measures_and_never_beside_a_lag(monthly, annual):
    from django.core.exceptions import ValidationError

    monthly.release_month = 7
    with pytest.raises(ValidationError, match="for yearly and multi-year periods"):
        monthly.full_clean()
    annual.release_month = 7  # annual has a lag of 30 days already
    with pytest.raises(ValidationError, match="not both"):
        annual.full_clean()


def test_the_admin_edits_a_measures_schedule_with_help_text(monthly, admin_user):
    page = text(client_for(admin_user).get(f"/admin/scorecard/measure/{monthly.pk}/change/"))
    assert "Release lag (days)" in page and "Awaiting national release until" in page
    assert "15 days for months, 90 days (about three months) for quarters" in page
    response = client_for(admin_user).post(
        f"/admin/scorecard/measure/{monthly.pk}/change/",
        {
            **{
                f: getattr(monthly, f)
                for f in ("number", "code", "name", "unit", "value_kind", "period_type", "source")
            },
            "commitment": monthly.commitment_id,
            "organisation": monthly.organisation_id,
            "polarity": monthly.polarity,
            "decimal_places": 0,
            "confidence_level": monthly.confidence_level,
            "comparison_method": monthly.comparison_method,
            "small_number_threshold": monthly.small_number_threshold,
            "active": "on",
            "release_lag_days": "5",
            "reminder_days": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert row_of(monthly, "Oct 26", TODAY).due_date == date(2026, 11, 5)
