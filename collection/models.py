"""What the collection keeps: the reminders and digests already e-mailed (so none goes twice) and
each person's e-mail preferences. Due dates are computed (collection.due), never stored."""

from django.conf import settings
from django.db import models

from collection.due import ReminderKind


class SentReminder(models.Model):
    """A reminder e-mailed to a data lead about one measure's figures for one period.

    Written before the e-mail is sent, in the same transaction: the unique constraint makes a
    second beat run, or a second worker running at the same moment, wait and then find it, so
    each lead hears of each measure-period once per kind of reminder.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey("scorecard.Measure", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        "scorecard.ReportingPeriod", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in ReminderKind])
    due_date = models.DateField(help_text="The due date the reminder gave.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "measure", "period", "kind"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} reminder to {self.user_id}: measure {self.measure_id}, {self.period_id}"
        )


class SentDigest(models.Model):
    """A weekly digest e-mailed to an approver; one per person per week, like SentReminder."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week the digest was for.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digest_sent_once")]

    def __str__(self) -> str:
        return f"Digest to {self.user_id} for the week of {self.week}"


class EmailPreferences(models.Model):
    """A person's choices about the portal's optional e-mails (no row: the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_preferences",
    )
    weekly_digest = models.BooleanField(
        default=True,
        help_text="Approvers and admins: a Monday e-mail of overdue and waiting returns.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "e-mail preferences"
        verbose_name_plural = "e-mail preferences"

    def __str__(self) -> str:
        return f"E-mail preferences of {self.user_id}"
