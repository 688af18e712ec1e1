"""A submission (a partner's return of figures) and its values; its history is in the audit trail
(`audit.Event`, reachable as `submission.events`)."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    SENT_BACK = "sent_back", "Sent back"


#: A return its data lead may still change and submit.
EDITABLE_STATUSES = (Status.DRAFT, Status.SENT_BACK)
#: A return not yet approved: it may still reach the scorecard.
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.SENT_BACK)


class Channel(models.TextChoices):
    FORM = "form", "Form"
    UPLOAD = "upload", "File upload"
    API = "api", "API"
    COMMAND = "command", "Command line"


class PreparedWork(models.Model):
    """Work a partner's data lead prepares and someone else signs off, moving through Status:
    a return of figures (Submission) or a measure's commentary (commentary.Commentary). Who
    prepared it (`created_by`, `editors`) and who decided it, with the database's two rules
    about them; portal.permissions reads `is_editable` and `was_prepared_by` to say who may
    edit it and who may approve it."""

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="%(class)s_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    #: Its audit trail (append-only events in the one trail, `audit.Event`).
    events = GenericRelation(
        "audit.Event", object_id_field="target_id", content_type_field="target_type"
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="%(class)s_edited",
        blank=True,
        help_text="Everyone who created or changed it; none of them may approve it.",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("created_by")),
                name="%(class)s_not_decided_by_creator",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(decided_by__isnull=False),
                name="approved_%(class)s_has_approver",
            ),
        ]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def was_prepared_by(self, user: Any) -> bool:
        if user.pk == self.created_by_id:
            return True
        return self.editors.filter(pk=user.pk).exists()


class Submission(PreparedWork):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="submissions"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.FORM)
    split_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_into",
        help_text=(
            "The return an approver approved in part: the figures they sent back, each with a "
            "comment, form this return."
        ),
    )

    class Meta(PreparedWork.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *PreparedWork.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(split_from=F("id")), name="submission_not_split_from_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.get_status_display()})"


class Figures(models.Model):
    """A figure as a partner gave it, for one measure, area and period: what a return's values
    and a staged upload's values have in common."""

    row = models.PositiveIntegerField(help_text="Row of the file or form it came from.")
    measure = models.ForeignKey("scorecard.Measure", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("scorecard.Area", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        "scorecard.ReportingPeriod", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=20, decimal_places=6)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    variance = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="A directly standardised rate's variance, in its units squared.",
    )
    note = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class SubmittedValue(Figures):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    review_comment = models.TextField(
        blank=True, help_text="The approver's comment when this figure was last sent back."
    )
    data_point = models.OneToOneField(
        "scorecard.DataPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_value",
        help_text="The approved data point this value became.",
    )

    class Meta:
        ordering = ["submission", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "measure", "area", "period"],
                name="submitted_value_once_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period_id}: {self.value}"


class RowStatus(models.TextChoices):
    """How a value compares with the current approved figure for the same measure, area, period."""

    NEW = "new", "New"
    CHANGED = "changed", "Changed"
    UNCHANGED = "unchanged", "Unchanged"


class UploadMode(models.TextChoices):
    ADD = "add", "Add to the return"
    REPLACE = "replace", "Replace the return's figures"


class StagedUpload(models.Model):
    """An uploaded file, validated, waiting for its data lead to confirm the preview.

    Kept in the database, not on one machine's disk, so that whichever web machine shows the
    preview or takes the confirmation finds it; confirming deletes it (so a second confirmation
    finds nothing), and staging sweeps those older than UPLOAD_MAX_AGE and a person's beyond
    STAGED_UPLOADS_PER_USER. It keeps the file's values as validated with the live scorecard's
    version of that moment: viewing the preview never validates the file again, and confirming
    validates it again only if the catalogue or the approved figures have changed since.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The open return whose values the file replaces; empty for a new return.",
    )
    summary = models.JSONField(
        default=dict, help_text="What the audit trail records when the values are saved."
    )
    version = models.CharField(
        max_length=64,
        blank=True,
        help_text="The live scorecard's version when the file was validated.",
    )
    mode = models.CharField(
        max_length=10,
        choices=UploadMode.choices,
        default=UploadMode.REPLACE,
        help_text="For an open return: whether the file's figures replace its own or join them.",
    )
    ignored = models.PositiveIntegerField(
        default=0, help_text="Rows of the file left without a figure, and so skipped."
    )
    preview = models.JSONField(
        default=dict, help_text="The preview as validated when staged (entry_selectors.Preview)."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Upload {self.filename} by {self.user_id}"


class StagedValue(Figures):
    """A staged upload's value as validated, kept only when no row of the file has an error:
    confirming copies them into the new return inside the database, in one statement."""

    # Found only by their upload, through the constraint's index (upload first): no index of
    # their own, as each costs every staged row of a large file.
    upload = models.ForeignKey(
        StagedUpload, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    measure = models.ForeignKey(
        "scorecard.Measure", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    area = models.ForeignKey(
        "scorecard.Area", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.ForeignKey(
        "scorecard.ReportingPeriod", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # What the preview shows, read a page at a time from here rather than stored again.
    status = models.CharField(
        max_length=10,
        choices=RowStatus.choices,
        help_text="How the value compares with the approved figure for its period.",
    )
    current = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="The approved figure a changed value replaces.",
    )
    rank = models.PositiveSmallIntegerField(
        help_text="Where the preview lists it: with a warning first, then changed, new, unchanged."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "measure", "area", "period"],
                name="staged_value_once_per_upload",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period_id}: {self.value}"
