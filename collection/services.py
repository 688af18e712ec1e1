"""Writes for the collection: reminders to data leads, the weekly digest to approvers, and a
person's e-mail preferences.

Reminders and digests are sent at most once: each is recorded (SentReminder, SentDigest, whose
unique constraints are the guarantee) before its e-mail goes, in the same transaction. A second
run, or a second worker at the same moment, finds the record, or waits on the first one's
insert and then finds it, and sends nothing. If the mail server refuses, the transaction rolls
back and the next run tries again.
"""

import logging
import smtplib
from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction

from accounts.models import Role, User
from audit.models import Action
from audit.services import audit_event, field_changes
from collection import selectors
from collection.due import ReminderKind, ReturnStatus, reminder_kind
from collection.models import EmailPreferences, SentDigest, SentReminder
from portal.mail import page_url, send_each
from portal.permissions import reviewers
from scorecard.figures import uk_date
from scorecard.services.recording import reporting_periods
from submissions.selectors import approval_queue

logger = logging.getLogger(__name__)

#: Failures of the mail server that leave the reminder to the next run.
MAIL_ERRORS = (smtplib.SMTPException, OSError)

Item = tuple[selectors.ReturnRow, ReminderKind]


# Reminders to data leads ------------------------------------------------------------------------


def reminders_send(*, today: date) -> int:
    """E-mail each data lead the reminders due today for their organisation's figures: a few days
    before a due date (the measure's reminder days) and on the day figures become overdue. Only
    figures not yet sent for approval nor awaiting a national release; once per lead, measure,
    period and kind. Returns how many reminders went out."""
    due: dict[int, list[Item]] = defaultdict(list)
    for row in selectors.returns(today=today):
        if not row.tracked or row.received or row.approved:
            continue
        if row.status is ReturnStatus.AWAITING_RELEASE:
            continue
        kind = reminder_kind(today=today, due=row.due_date, reminder_days=row.measure.reminder_days)
        if kind is not None:
            due[row.organisation.pk].append((row, kind))
    if not due:
        return 0
    periods = reporting_periods(row.period for items in due.values() for row, _ in items)
    leads = User.objects.filter(
        role=Role.DATA_LEAD, is_active=True, organisation_id__in=due
    ).exclude(email="")
    sent = 0
    for lead in leads.select_related("organisation").order_by("pk"):
        items = sorted(
            due[lead.organisation_id or 0], key=lambda i: (i[0].measure.number, i[0].period, i[1])
        )
        try:
            with transaction.atomic():
                claimed = [
                    (row, kind)
                    for row, kind in items
                    if _claimed(
                        SentReminder,
                        user=lead,
                        measure=row.measure,
                        period=periods[row.period],
                        kind=kind.value,
                        defaults={"due_date": row.due_date},
                    )
                ]
                if claimed:
                    _send_reminder(lead, claimed)
        except MAIL_ERRORS:
            logger.exception("Reminders to %s not sent; the next run will try again.", lead)
            continue
        sent += len(claimed)
    return sent


def _claimed(model: Any, *, defaults: dict[str, Any] | None = None, **key: Any) -> bool:
    """Record that a message is being sent; False when it was (or is being) sent already."""
    try:
        with transaction.atomic():
            model.objects.create(**key, **(defaults or {}))
    except IntegrityError:
        return False
    return True


def _entry_link(row: selectors.ReturnRow) -> tuple[str, str]:
    """Where the lead does the work for a row: their open return, or a new one for the period."""
    if row.submission is not None:
        return (
            f"Finish submission {row.submission.pk}",
            page_url("submissions:detail", row.submission.pk),
        )
    return (
        f"Enter figures for {row.period.label}",
        page_url("submissions:new", query=urlencode({"period": row.period.label})),
    )


def _send_reminder(lead: User, items: list[Item]) -> None:
    overdue = [row for row, kind in items if kind is ReminderKind.OVERDUE]
    soon = [row for row, kind in items if kind is ReminderKind.DUE_SOON]
    if overdue:
        subject = f"Figures overdue: {_count(len(overdue), 'return')} for {lead.organisation}"
    else:
        subject = f"Figures due by {uk_date(min(r.due_date for r in soon))}"
    links: dict[str, str] = {}
    for row, _ in items:
        text, url = _entry_link(row)
        links.setdefault(url, text)
    send_each(
        [lead],
        subject=subject,
        template="collection/email/reminder",
        context={
            "organisation": lead.organisation,
            "overdue": overdue,
            "soon": soon,
            "links": [(text, url) for url, text in links.items()],
            "home_url": page_url("submissions:home"),
        },
    )


# The weekly digest to approvers -----------------------------------------------------------------


def digests_send(*, today: date) -> int:
    """E-mail each approver and admin who wants it this week's digest: by partner, the returns
    overdue and those waiting for approval. Once per person per week; nothing when there is
    nothing to report. Returns how many digests went out."""
    week = today - timedelta(days=today.weekday())
    overdue: dict[str, list[selectors.ReturnRow]] = defaultdict(list)
    for row in selectors.returns(today=today):
        if row.tracked and row.overdue:
            overdue[row.organisation.name].append(row)
    sent = 0
    for user in reviewers().exclude(email="").order_by("pk"):
        if not selectors.digest_wanted(user):
            continue
        waiting: dict[str, list[Any]] = defaultdict(list)
        for entry in approval_queue(for_user=user, today=today):
            waiting[entry.submission.organisation.name].append(entry)
        partners = [
            {
                "name": name,
                "overdue": sorted(overdue.get(name, []), key=lambda r: -r.days_overdue),
                "waiting": waiting.get(name, []),
            }
            for name in sorted(set(overdue) | set(waiting))
        ]
        if not partners:
            continue
        try:
            with transaction.atomic():
                if not _claimed(SentDigest, user=user, week=week):
                    continue
                send_each(
                    [user],
                    subject=f"Returns this week: {_digest_summary(partners)}",
                    template="collection/email/digest",
                    context={
                        "week": week,
                        "partners": partners,
                        "tracker_url": page_url("collection:tracker"),
                        "queue_url": page_url("submissions:queue"),
                    },
                )
        except MAIL_ERRORS:
            logger.exception("Digest to %s not sent; the next run will try again.", user)
            continue
        sent += 1
    return sent


def _digest_summary(partners: list[dict[str, Any]]) -> str:
    overdue = sum(len(p["overdue"]) for p in partners)
    waiting = sum(len(p["waiting"]) for p in partners)
    return f"{overdue} overdue, {waiting} waiting for approval"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# E-mail preferences ----------------------------------------------------------------------------


def preferences_update(user: User, *, weekly_digest: bool) -> EmailPreferences:
    """Change a person's own e-mail choices, with an audit event when something changed."""
    with transaction.atomic():
        preferences, _ = EmailPreferences.objects.select_for_update().get_or_create(user=user)
        before = EmailPreferences(user=user, weekly_digest=preferences.weekly_digest)
        preferences.weekly_digest = weekly_digest
        preferences.save()
        changes = field_changes(before, preferences, ["weekly_digest"])
        if changes:
            audit_event(by=user, action=Action.CHANGE, target=preferences, changes=changes)
    return preferences
