"""E-mails about submissions: to approvers when a return arrives, to the data leads who prepared
it when it is approved or sent back.

Plain text and HTML (templates under submissions/email/, sent by portal.mail.send_each). Each
is sent after the surrounding transaction commits, so nobody hears of a decision that was rolled
back, and a mail server that is down is logged rather than turning a recorded decision into an
error page (`robust=True`).
"""

from functools import partial

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from portal.mail import page_url, send_each
from portal.permissions import reviewers
from submissions.models import PreparedWork, Status, Submission


def notify_submitted(submission: Submission) -> None:
    """Tell every approver that a return awaits them (call it where the submission is submitted)."""
    transaction.on_commit(partial(_send_submitted, submission.pk), robust=True)


def notify_approved(submission: Submission) -> None:
    transaction.on_commit(partial(_send_decided, submission.pk), robust=True)


def notify_sent_back(submission: Submission) -> None:
    transaction.on_commit(partial(_send_decided, submission.pk), robust=True)


def _send_submitted(submission_id: int) -> None:
    submission = _load(submission_id)
    if submission is None or submission.status != Status.SUBMITTED:
        return
    preparers = preparer_ids(submission)
    approvers = reviewers().exclude(Q(email="") | Q(pk__in=preparers))
    values = list(submission.values.select_related("measure", "period"))
    send_each(
        approvers.order_by("pk"),
        subject=(
            f"{submission.organisation.short_name} figures submitted for approval "
            f"(submission {submission.pk})"
        ),
        template="submissions/email/submitted",
        context={
            "submission": submission,
            "figures": _count(len(values), "figure"),
            "periods": ", ".join(sorted({v.period.label for v in values})),
            "warnings": _count(sum(len(v.warnings or []) for v in values), "warning"),
            "has_warnings": any(v.warnings for v in values),
            "link": page_url("submissions:review", submission.pk),
        },
    )


def _send_decided(submission_id: int) -> None:
    submission = _load(submission_id)
    if submission is None or submission.status not in (Status.APPROVED, Status.SENT_BACK):
        return
    send_decided(
        submission,
        subject=(
            f"Your figures were approved (submission {submission.pk})"
            if submission.status == Status.APPROVED
            else f"Your figures were sent back: changes needed (submission {submission.pk})"
        ),
        template="submissions/email/decided",
        context={"submission": submission},
        link=page_url("submissions:detail", submission.pk),
    )


def send_decided(
    work: PreparedWork, *, subject: str, template: str, context: dict[str, object], link: str
) -> None:
    """Tell the data leads who prepared `work` (a return or a commentary) how it was decided."""
    leads = User.objects.filter(pk__in=preparer_ids(work), is_active=True).exclude(email="")
    send_each(
        leads.order_by("pk"),
        subject=subject,
        template=template,
        context={
            **context,
            "approved": work.status == Status.APPROVED,
            "decider": work.decided_by.display_name if work.decided_by else "An approver",
            "quoted": quote(work.review_comment),
            "link": link,
        },
    )


def _load(submission_id: int) -> Submission | None:
    return (
        Submission.objects.select_related("organisation", "created_by", "decided_by")
        .filter(pk=submission_id)
        .first()
    )


def preparer_ids(work: PreparedWork) -> set[int]:
    """Who prepared the work: told of its decision, never asked to approve it."""
    return {work.created_by_id, *work.editors.values_list("pk", flat=True)}


def quote(text: str) -> str:
    """A comment quoted for a plain-text e-mail, each line after "> "."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
