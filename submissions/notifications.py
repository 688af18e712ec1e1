"""E-mails about submissions: to approvers when a return arrives, to the data leads who prepared
it when it is approved or sent back.

Plain text through Django's e-mail (the console backend unless EMAIL_URL says otherwise). Each
is sent after the surrounding transaction commits, so nobody hears of a decision that was rolled
back, and a mail server that is down is logged rather than turning a recorded decision into an
error page (`robust=True`).
"""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from portal.permissions import reviewers
from submissions.models import Status, Submission

SIGN_OFF = "This message was sent by the {name} scorecard portal."


def notify_submitted(submission: Submission) -> None:
    """Tell every approver that a return awaits them (call it where the submission is submitted)."""
    transaction.on_commit(partial(_send_submitted, submission.pk), robust=True)


def notify_approved(submission: Submission) -> None:
    transaction.on_commit(partial(_send_decided, submission.pk), robust=True)


def notify_sent_back(submission: Submission) -> None:
    transaction.on_commit(partial(_send_decided, submission.pk), robust=True)


def page_url(url_name: str, submission_id: int) -> str:
    """An absolute link for an e-mail; the portal's start page if the page does not exist."""
    try:
        path = reverse(url_name, args=[submission_id])
    except NoReverseMatch:
        path = reverse("home")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _send_submitted(submission_id: int) -> None:
    submission = _load(submission_id)
    if submission is None or submission.status != Status.SUBMITTED:
        return
    preparers = _preparer_ids(submission)
    approvers = reviewers().exclude(Q(email="") | Q(pk__in=preparers))
    values = list(submission.values.select_related("measure", "period"))
    warnings = sum(len(v.warnings or []) for v in values)
    periods = sorted({v.period.label for v in values})
    subject = (
        f"{submission.organisation.short_name} figures submitted for approval "
        f"(submission {submission.pk})"
    )
    facts = [
        f"{submission.created_by.display_name} ({submission.organisation.name}) has submitted "
        f"{_count(len(values), 'figure')} for approval.",
    ]
    if periods:
        facts.append(f"Periods: {', '.join(periods)}.")
    facts.append(
        f"{_count(warnings, 'warning')} raised at submission."
        if warnings
        else "No warnings were raised at submission."
    )
    link = page_url("submissions:review", submission.pk)
    _send(
        subject,
        approvers,
        lambda user: "\n\n".join(
            [
                f"Dear {user.display_name},",
                "\n".join(facts),
                f"Review it, then approve it or send it back:\n{link}",
                SIGN_OFF.format(name=settings.PARTNERSHIP_NAME),
            ]
        ),
    )


def _send_decided(submission_id: int) -> None:
    submission = _load(submission_id)
    if submission is None or submission.status not in (Status.APPROVED, Status.SENT_BACK):
        return
    leads = User.objects.filter(pk__in=_preparer_ids(submission), is_active=True).exclude(email="")
    decider = submission.decided_by.display_name if submission.decided_by else "An approver"
    link = page_url("submissions:detail", submission.pk)
    if submission.status == Status.APPROVED:
        subject = f"Your figures were approved (submission {submission.pk})"
        news = [
            f"{decider} approved submission {submission.pk} for {submission.organisation.name}.",
            "The figures are now on the live scorecard.",
            f"See the submission:\n{link}",
        ]
    else:
        subject = f"Your figures were sent back: changes needed (submission {submission.pk})"
        news = [
            f"{decider} sent back submission {submission.pk} for "
            f"{submission.organisation.name} with this comment:",
            _quote(submission.review_comment),
            f"Edit the submission and submit it again:\n{link}",
        ]
    _send(
        subject,
        leads,
        lambda user: "\n\n".join(
            [
                f"Dear {user.display_name},",
                *news,
                SIGN_OFF.format(name=settings.PARTNERSHIP_NAME),
            ]
        ),
    )


def _load(submission_id: int) -> Submission | None:
    return (
        Submission.objects.select_related("organisation", "created_by", "decided_by")
        .filter(pk=submission_id)
        .first()
    )


def _preparer_ids(submission: Submission) -> set[int]:
    return {submission.created_by_id, *submission.editors.values_list("pk", flat=True)}


def _send(subject: str, recipients: QuerySet[User], body: Callable[[User], str]) -> None:
    """One message per person, so no one sees who else was told."""
    messages = [(subject, body(user), None, [user.email]) for user in recipients.order_by("pk")]
    if messages:
        send_mass_mail(messages, fail_silently=False)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
