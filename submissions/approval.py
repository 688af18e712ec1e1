"""Signing off partners' returns: approve, send back, bulk approve, and the reads the review
screens need.

Every decision locks the submission row and moves it out of "submitted" with a conditional
UPDATE inside one transaction, so two approvers acting at once cannot both succeed: the second
gets a TransitionError naming who decided first. Approval turns each submitted value into an
approved data point through `scorecard.services.recording.record_values` (a new version, never
an edit of an old one) and, once committed, asks Celery to recompute only the measures it
touched.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from audit.models import Action
from audit.services import audit_event, audit_events
from portal.errors import DomainError, FieldError, Missing, NotAllowed, WrongState
from portal.permissions import can
from portal.text import COMMENT_MAX_LENGTH, checked_text
from scorecard.figures import decimal_text, uk_date
from scorecard.services.recording import ValueEntry, record_values
from scorecard.tasks import recompute_measures
from submissions import notifications
from submissions.models import Status, Submission, SubmittedValue

logger = logging.getLogger(__name__)


class TransitionError(WrongState):
    """The submission is not awaiting a decision (a draft, or someone already decided it)."""


class CommentRequired(FieldError):
    """Sending back needs a comment: the data lead has to know what to change."""

    def __init__(self) -> None:
        super().__init__("comment", "Enter a comment saying what the data lead needs to change.")


class NotClean(DomainError):
    """Bulk approval only takes returns without warnings; those need a reviewer's eye."""


# Decisions ---------------------------------------------------------------------------------------


def submission_approve(submission_id: int, *, by: User) -> Submission:
    """Approve a submitted return: its values become the current approved figures.

    Raises NotAllowed (role, or `by` created or edited it), TransitionError (not awaiting a
    decision) or Missing.
    """
    return _approve(submission_id, by=by, require_clean=False)


def submission_send_back(submission_id: int, *, by: User, comment: str) -> Submission:
    """Return a submitted return to its data lead with a comment saying what to change.

    The data lead edits the same submission and submits it again; nothing reaches the scorecard.
    """
    comment = checked_text("comment", (comment or "").strip(), COMMENT_MAX_LENGTH)
    with transaction.atomic():
        submission = _lock(submission_id)
        _check_may_decide(submission, by)
        _check_awaiting_decision(submission)
        if not comment:
            raise CommentRequired
        _claim(submission, Status.SENT_BACK, by=by, comment=comment)
        audit_event(
            by=by,
            action=Action.SEND_BACK,
            target=submission,
            changes={"status": [Status.SUBMITTED, Status.SENT_BACK], "comment": comment},
        )
        notifications.notify_sent_back(submission)
    return submission


@dataclass(frozen=True)
class BulkApproval:
    """What a bulk approval did: the ids approved, and each skipped id with the reason."""

    approved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def submissions_bulk_approve(ids: Iterable[int], *, by: User) -> BulkApproval:
    """Approve each clean submission (no warnings) among `ids`, each in its own transaction.

    One refusal never undoes the others: a return with warnings, one someone else already
    decided, or one `by` prepared is skipped with the reason.
    """
    if not can(by, "review_submissions"):
        raise NotAllowed("Only approvers can approve submissions.")
    result = BulkApproval()
    for submission_id in dict.fromkeys(ids):
        try:
            _approve(submission_id, by=by, require_clean=True)
        except DomainError as exc:
            result.skipped.append((submission_id, str(exc)))
        else:
            result.approved.append(submission_id)
    return result


def _approve(submission_id: int, *, by: User, require_clean: bool) -> Submission:
    try:
        return _approve_atomically(submission_id, by=by, require_clean=require_clean)
    except IntegrityError as exc:
        # Two returns carrying a figure for the same new period, approved at the same instant:
        # the database's one-current-value rule lets only the first in. Nothing was saved.
        raise TransitionError(
            "Another approval recorded a figure for the same measure and period at the same "
            "moment, so nothing was saved. Reload the page and try again."
        ) from exc


def _approve_atomically(submission_id: int, *, by: User, require_clean: bool) -> Submission:
    with transaction.atomic():
        submission = _lock(submission_id)
        _check_may_decide(submission, by)
        _check_awaiting_decision(submission)
        values = list(
            submission.values.select_related("measure", "area", "period").order_by("row", "pk")
        )
        if require_clean and any(v.warnings for v in values):
            raise NotClean(
                f"Submission {submission.pk} has warnings, so it needs reviewing on its own."
            )
        _claim(submission, Status.APPROVED, by=by)
        corrections, new_versions = _record_values(submission, values, by=by)
        measure_ids = sorted({v.measure_id for v in values})
        audit_event(
            by=by,
            action=Action.APPROVE,
            target=submission,
            changes={
                "status": [Status.SUBMITTED, Status.APPROVED],
                "values": len(values),
                "new_versions": new_versions,
                "unchanged": len(values) - new_versions,
                "measures": sorted({v.measure.number for v in values}),
            },
        )
        audit_events(((Action.CORRECT, submission, c) for c in corrections), by=by)
        transaction.on_commit(partial(enqueue_recompute, measure_ids))
        notifications.notify_approved(submission)
    return submission


def _record_values(
    submission: Submission, values: list[SubmittedValue], *, by: User
) -> tuple[list[dict[str, object]], int]:
    """Make each value current and link it to its data point, in bulk; returns what each
    replaced value changed (for its `correct` event) and how many new versions there are."""
    by_key = {(v.measure_id, v.area_id, v.period_id): v for v in values}
    recorded = record_values(
        (
            ValueEntry(
                v.measure_id, v.area_id, v.period_id, v.value, v.numerator, v.denominator, v.note
            )
            for v in values
        ),
        origin=f"submission {submission.pk}",
        submitted_by=submission.created_by,
        approved_by=by,
    )
    linked: list[SubmittedValue] = []
    corrections: list[dict[str, object]] = []
    for result in recorded:
        if result.point is None:
            continue  # the same figure is already current: no new version
        value = by_key[result.entry.key]
        value.data_point = result.point
        linked.append(value)
        if result.previous is not None:
            corrections.append(
                {
                    "measure": value.measure.number,
                    "area": value.area.name,
                    "period": value.period.label,
                    "old": decimal_text(result.previous.value),
                    "new": decimal_text(value.value),
                    "old_version": result.previous.version,
                    "new_version": result.point.version,
                    "data_point": result.point.pk,
                }
            )
    SubmittedValue.objects.bulk_update(linked, ["data_point"], batch_size=1000)
    return corrections, len(linked)


def _lock(submission_id: int) -> Submission:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None:
        raise Missing(f"There is no submission {submission_id}.")
    return submission


def _check_may_decide(submission: Submission, by: User) -> None:
    if can(by, "approve_submission", submission):
        return
    if not can(by, "review_submissions"):
        raise NotAllowed("Only approvers can approve or send back submissions.")
    raise NotAllowed(
        f"You prepared submission {submission.pk} (you created or edited it), so someone else "
        "must approve it or send it back."
    )


def _check_awaiting_decision(submission: Submission) -> None:
    if submission.status == Status.SUBMITTED:
        return
    raise TransitionError(_not_awaiting_message(submission))


def _not_awaiting_message(submission: Submission) -> str:
    if submission.status in (Status.APPROVED, Status.SENT_BACK) and submission.decided_by:
        verb = "approved" if submission.status == Status.APPROVED else "sent back"
        when = f" ({uk_date(submission.decided_at)})" if submission.decided_at else ""
        return (
            f"Submission {submission.pk} has already been {verb} by "
            f"{submission.decided_by.display_name}{when}."
        )
    if submission.status == Status.SENT_BACK:
        return f"Submission {submission.pk} has been sent back to its data lead."
    return f"Submission {submission.pk} is a draft: it has not been submitted for approval yet."


def _claim(submission: Submission, status: Status, *, by: User, comment: str | None = None) -> None:
    """Move the submission out of "submitted", or fail if someone else already has.

    The row is locked already on PostgreSQL; the condition in the UPDATE keeps the rule on
    databases where FOR UPDATE is a no-op (SQLite), so it never rests on a stale read.
    """
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status,
        "decided_by": by,
        "decided_at": now,
        "updated_at": now,
    }
    if comment is not None:
        fields["review_comment"] = comment
    claimed = Submission.objects.filter(pk=submission.pk, status=Status.SUBMITTED).update(**fields)
    if claimed != 1:
        submission.refresh_from_db()
        raise TransitionError(_not_awaiting_message(submission))
    for name, value in fields.items():
        setattr(submission, name, value)


def enqueue_recompute(measure_ids: list[int]) -> None:
    """Ask Celery to recompute these measures' live rows; never raises.

    Runs after the approval has committed, so a broker that is down must not turn a recorded
    approval into an error page: the beat task `recompute_stale` finds rows older than their data
    and heals them.
    """
    try:
        recompute_measures.delay(measure_ids)
    except (BrokerError, OSError):
        logger.warning(
            "Broker unreachable: measures %s not queued for recompute; recompute_stale heals them.",
            measure_ids,
            exc_info=True,
        )
    except Exception:
        # Eager mode runs the task here; its failure is a bug to log, not a failed approval.
        logger.exception("Recomputing measures %s failed after approval.", measure_ids)
