"""A measure's commentary and actions: what its owner says the latest figure means and what is
being done about it, for the board.

Written by a data lead of the measure's responsible organisation and signed off by someone else,
through the same states as a return of figures (submissions.models.Status). Approved commentary
is never changed: a new one replaces it on the live scorecard, and each edition keeps the one it
was published with (scorecard.models.EditionRow.commentary). Its history is in the audit trail.
"""

from django.db import models
from django.db.models import Q

from submissions.models import OPEN_STATUSES, PreparedWork

#: The longest commentary, and the longest list of actions, in characters: a short note for a
#: board paper, not a report.
MAX_CHARS = 1500


class Commentary(PreparedWork):
    measure = models.ForeignKey(
        "scorecard.Measure", on_delete=models.PROTECT, related_name="commentaries"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="commentaries",
        help_text="The measure's responsible organisation when it was written.",
    )
    about_period = models.ForeignKey(
        "scorecard.ReportingPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest figures on the scorecard when it was written.",
    )
    commentary = models.TextField(help_text="What the latest figure means.")
    actions = models.TextField(blank=True, help_text="What is being done about it.")

    class Meta(PreparedWork.Meta):
        verbose_name_plural = "commentaries"
        ordering = ["-created_at", "-id"]
        constraints = [
            *PreparedWork.Meta.constraints,
            # One piece of work in hand per measure: a second lead edits the same draft.
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_commentary_per_measure",
            ),
        ]
        indexes = [models.Index(fields=["measure", "status", "decided_at"])]

    def __str__(self) -> str:
        return f"Commentary {self.pk} on measure {self.measure_id} ({self.get_status_display()})"
