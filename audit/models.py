"""The one audit trail: every change to the record (a return's workflow, an edition published,
a scorecard imported, the catalogue or a person's role changed) as an append-only event saying
who did what to which object, and what changed."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Action(models.TextChoices):
    # A partner's return.
    CREATE = "create", "Created"
    EDIT = "edit", "Edited"
    SUBMIT = "submit", "Submitted"
    APPROVE = "approve", "Approved"
    SEND_BACK = "send_back", "Sent back"
    CORRECT = "correct", "Corrected an approved value"
    # The scorecard.
    PUBLISH = "publish", "Published"
    IMPORT = "import", "Imported"
    # Anything administered: the catalogue, organisations, people.
    ADD = "add", "Added"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    INVITE = "invite", "Invited"


class Event(models.Model):
    """Who did what to which object, and what changed; never updated or deleted.

    The target is named by its type and id (a generic reference, so one trail covers every
    model) and by its label at the time, which survives the object being renamed or deleted.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (a command run without a user).",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target_label = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_label} by {self.actor_id or 'system'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit events are append-only.")
