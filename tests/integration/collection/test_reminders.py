"""Reminders to data leads and the weekly digest to approvers, on a frozen clock: each sent once
however often beat runs, in plain text and HTML, linking to where the work is done."""

import smtplib
from datetime import date

import pytest

from accounts.models import Role
from collection import services
from collection.models import EmailPreferences, SentDigest, SentReminder
from collection.tasks import send_reminders, send_weekly_digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PORTAL_BASE_URL = "https://scorecard.example.org"


@pytest.fixture
def colleague(organisation):
    return UserFactory(username="lead.police.2", role=Role.DATA_LEAD, organisation=organisation)


def html_of(mail) -> str:
    [(content, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    return content


def test_a_lead_is_reminded_before_the_due_date_once_however_often_beat_runs(
    monthly, lead, colleague, other_lead, mailoutbox, clock
):
    clock(date(2026, 11, 7))  # Oct 26 is due on 15 November: 8 days away
    assert send_reminders() == 0

    clock(date(2026, 11, 8))  # 7 days away: the measure's reminder days
    assert send_reminders() == 2  # one reminder to each Police lead
    assert send_reminders() == 0  # beat runs again the same day
    clock(date(2026, 11, 9))
    assert send_reminders() == 0  # and the next day

    assert sorted(m.to[0] for m in mailoutbox) == [
        "lead.police.2@example.org",
        "lead.police@example.org",
    ]
    mail = mailoutbox[0]
    assert mail.subject == "Figures due by 15 November 2026"
    assert "101. Drug networks disrupted: Oct 26, due 15 November 2026" in mail.body
    link = "https://scorecard.example.org/submissions/new/?period=Oct+26"
    assert f"Enter figures for Oct 26:\n{link}" in mail.body
    assert f'<a href="{link}">Enter figures for Oct 26</a>' in html_of(mail)
    assert SentReminder.objects.filter(kind="due_soon").count() == 2


def test_a_lead_is_reminded_again_on_the_day_figures_become_overdue(
    monthly, lead, mailoutbox, clock
):
    clock(date(2026, 11, 8))
    send_reminders()
    clock(date(2026, 11, 15))
    assert send_reminders() == 0  # due today: not overdue yet
    clock(date(2026, 11, 16))
    assert send_reminders() == 1
    assert send_reminders() == 0

    overdue = mailoutbox[-1]
    assert overdue.subject == (
        "Figures overdue: 1 return for Hampshire and Isle of Wight Constabulary"
    )
    assert "now overdue" in overdue.body and "Now overdue" in html_of(overdue)
    assert [m.subject for m in mailoutbox].count(overdue.subject) == 1


def test_a_return_already_submitted_or_awaiting_release_is_not_chased(
    monthly, quarterly, lead, submit, mailoutbox, clock
):
    submit(lead, {101: "7"}, "Oct 26", on=date(2026, 11, 3))
    quarterly.awaiting_release_until = date(2027, 2, 1)
    quarterly.save()

    clock(date(2026, 11, 8))
    assert send_reminders() == 0
    clock(date(2026, 11, 16))
    assert send_reminders() == 0
    assert mailoutbox == []


def test_a_draft_past_its_due_date_is_chased_with_a_link_to_the_draft(
    monthly, lead, submit, mailoutbox, clock
):
    draft = submit(lead, {101: "7"}, "Oct 26", on=date(2026, 11, 3), draft=True)

    clock(date(2026, 11, 16))
    assert send_reminders() == 1

    [mail] = mailoutbox
    assert f"submission {draft.pk} is not yet submitted" in mail.body
    assert f"https://scorecard.example.org/submissions/{draft.pk}/" in mail.body


def test_a_refused_e_mail_records_nothing_so_the_next_run_tries_again(
    monthly, lead, mailoutbox, clock, monkeypatch
):
    clock(date(2026, 11, 8))

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("the relay hung up")

    with monkeypatch.context() as patched:
        patched.setattr(services, "send_each", refuse)
        assert send_reminders() == 0
    assert not SentReminder.objects.exists()

    assert send_reminders() == 1
    assert len(mailoutbox) == 1


# The weekly digest ----------------------------------------------------------------------------


def test_approvers_get_one_weekly_digest_of_overdue_and_waiting_returns_by_partner(
    monthly, opcc_annual, lead, approver, second_approver, submit, mailoutbox, clock
):
    waiting = submit(lead, {101: "7"}, "Sept 26", on=date(2026, 11, 12))
    EmailPreferences.objects.create(user=second_approver, weekly_digest=False)

    clock(date(2026, 11, 16))  # a Monday
    assert send_weekly_digest() == 1
    assert send_weekly_digest() == 0
    clock(date(2026, 11, 20))  # later the same week
    assert send_weekly_digest() == 0

    [mail] = mailoutbox
    assert mail.to == ["approver@example.org"]
    assert mail.subject.startswith("Returns this week: ")
    body = mail.body
    police = body[body.index("Hampshire and Isle of Wight Constabulary") :]
    assert "101. Drug networks disrupted: Oct 26, 1 day overdue" in police
    assert f"Submission {waiting.pk} (Sept 26), waiting 4 days" in police
    assert "Office of the Police and Crime Commissioner" in body
    assert "https://scorecard.example.org/returns/" in body
    assert "https://scorecard.example.org/returns/email-preferences/" in body
    assert "Switch it off on your e-mail preferences page" in html_of(mail)
    assert SentDigest.objects.get().week == date(2026, 11, 16)

    clock(date(2026, 11, 23))  # the next Monday: a new digest
    assert send_weekly_digest() == 1


def test_no_digest_is_sent_when_nothing_is_overdue_or_waiting(approver, mailoutbox, clock):
    clock(date(2026, 11, 16))
    assert send_weekly_digest() == 0
    assert mailoutbox == []
