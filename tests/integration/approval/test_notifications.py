"""E-mails: approvers hear of a new return, data leads of the decision, only after commit."""

import pytest

from accounts.models import Role
from submissions.approval import submission_approve, submission_send_back
from submissions.notifications import notify_submitted
from tests.factories import UserFactory, Value, submission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PORTAL_BASE_URL = "https://scorecard.example.org/"


def test_approvers_are_told_when_a_return_is_submitted(
    police_return, approver, second_approver, lead, board, mailoutbox, commit
):
    UserFactory(username="retired", role=Role.APPROVER, is_active=False)
    UserFactory(username="no.mail", role=Role.APPROVER, email="")

    with commit():
        notify_submitted(police_return)

    assert sorted(m.to[0] for m in mailoutbox) == ["approver2@example.org", "approver@example.org"]
    mail = mailoutbox[0]
    assert mail.subject == f"Police figures submitted for approval (submission {police_return.pk})"
    assert f"https://scorecard.example.org/submissions/{police_return.pk}/review/" in mail.body
    assert (
        "lead.police (Hampshire and Isle of Wight Constabulary) has submitted 1 figure" in mail.body
    )
    assert "Periods: Nov 23." in mail.body


def test_the_arrival_e_mail_counts_warnings(imported, lead, approver, mailoutbox, commit):
    # 3, down from 33: a small count and a fall of more than half.
    warned = submission(by=lead, values=[Value(7, "Nov 23", "3", note="Three networks")])

    with commit():
        notify_submitted(warned)

    assert "2 warnings raised at submission." in mailoutbox[0].body


def test_nothing_is_sent_until_the_transaction_commits(
    police_return, approver, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_submitted(police_return)
        submission_approve(police_return.pk, by=approver)

    assert mailoutbox == []
    assert len(callbacks) == 3  # arrival e-mail, recompute, decision e-mail


def test_the_data_leads_who_prepared_a_return_hear_it_was_approved(
    imported, lead, approver, mailoutbox, commit
):
    colleague = UserFactory(
        username="lead.police.2", role=Role.DATA_LEAD, organisation=lead.organisation
    )
    prepared = submission(by=lead, editors=[colleague], values=[Value(1, "Nov 23", "65")])

    with commit():
        submission_approve(prepared.pk, by=approver)

    assert sorted(m.to[0] for m in mailoutbox) == [
        "lead.police.2@example.org",
        "lead.police@example.org",
    ]
    mail = mailoutbox[0]
    assert mail.subject == f"Your figures were approved (submission {prepared.pk})"
    assert "approver approved submission" in mail.body
    assert f"https://scorecard.example.org/submissions/{prepared.pk}/\n" in mail.body


def test_the_data_lead_hears_a_return_was_sent_back_with_the_comment(
    police_return, approver, mailoutbox, commit
):
    with commit():
        submission_send_back(
            police_return.pk, by=approver, comment="November looks high.\nPlease check the source."
        )

    [mail] = mailoutbox
    assert mail.to == ["lead.police@example.org"]
    assert (
        mail.subject
        == f"Your figures were sent back: changes needed (submission {police_return.pk})"
    )
    assert "> November looks high.\n> Please check the source." in mail.body


def test_a_refused_decision_sends_nothing(police_return, lead, mailoutbox, commit):
    from submissions.approval import NotAllowed

    with commit(), pytest.raises(NotAllowed):
        submission_approve(police_return.pk, by=lead)

    assert mailoutbox == []


def test_submitting_a_return_tells_the_approvers(imported, lead, approver, mailoutbox, commit):
    from submissions.services import submission_create
    from submissions.validation import RawRow

    with commit():
        created, _ = submission_create(
            by=lead,
            rows=[RawRow(1, {"measure": "1", "period": "Nov 23", "value": "61"})],
            channel="api",
            submit=True,
        )

    assert [m.to for m in mailoutbox] == [["approver@example.org"]]
    assert f"submission {created.pk}" in mailoutbox[0].subject


def test_each_e_mail_has_an_html_part_linking_to_the_page_where_the_work_is_done(
    police_return, approver, mailoutbox, commit
):
    with commit():
        notify_submitted(police_return)
    with commit():
        submission_send_back(police_return.pk, by=approver, comment="Check <November>.")

    arrival, decision = mailoutbox
    [(arrival_html, kind)] = arrival.alternatives
    assert kind == "text/html"
    review = f"https://scorecard.example.org/submissions/{police_return.pk}/review/"
    assert f'<a href="{review}">' in arrival_html
    [(decision_html, _)] = decision.alternatives
    assert "Check &lt;November&gt;." in decision_html  # escaped in HTML
    assert "> Check <November>." in decision.body  # as typed in plain text
