"""Signing off partners' returns: approve, send back (the whole return, or some figures while
approving the rest), bulk approve.

Every decision locks the submission row and moves it out of "submitted" with a conditional
UPDATE inside one transaction, so two approvers acting at once cannot both succeed: the second
gets a TransitionError naming who decided first. Approval turns each submitted value into an
approved data point through `scorecard.services.recording.record_values` (a new version, never
an edit of an old one) and, once committed, asks Celery to recompute only the measures it
touched.

Sending back some figures while approving the rest splits the return: the figures sent back move,
each with its comment, to a new return for the same data lead (`split_from` names the original;
its preparers stay its preparers, so the approver who split it may still decide it later), and
the rest are approved as usual. Both returns record it in the audit trail.

About 480 lines on purpose: every decision shares one lock, one set of checks and one claim of
the row, and keeping them beside the decisions keeps the transition rule in one place.
"""

import logging
from collections.abc import Iterable, Mapping
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
from scorecard.figures import decimal_text, uk_date, uk_number
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


class FigureCommentRequired(FieldError):
    """A figure sent back needs a comment saying what to change (`value_id` names which)."""

    def __init__(self, value_id: int, message: str) -> None:
        self.value_id = value_id
        super().__init__(f"comment-{value_id}", message)


#: The longest comment on one figure sent back.
FIGURE_COMMENT_MAX_LENGTH = 2000


class NotClean(DomainError):
    """Bulk approval only takes returns without warnings; those need a reviewer's eye."""


# Decisions ---------------------------------------------------------------------------------------


def submission_approve(submission_id: int, *, by: User) -> Submission:
    """Approve a submitted return: its values become the current approved figures.

    Raises NotAllowed (role, or `by` created or edited it), TransitionError (not awaiting a
    decision) or Missing.
    """
    return _approve(submission_id, by=by, require_clean=False)


def submission_send_back(
    submission_id: int,
    *,
    by: User,
    comment: str,
    figure_comments: Mapping[int, str] | None = None,
) -> Submission:
    """Return a submitted return to its data lead with a comment saying what to change, and
    optionally a comment on particular figures (value id -> comment).

    The data lead edits the same submission and submits it again; nothing reaches the scorecard.
    The event keeps the figures as they were sent back, so the next review can show what changed.
    """
    comment = checked_text("comment", (comment or "").strip(), COMMENT_MAX_LENGTH)
    figure_comments = _cleaned(figure_comments)
    with transaction.atomic():
        submission = _lock(submission_id)
        _check_may_decide(submission, by)
        _check_awaiting_decision(submission)
        if not comment and not figure_comments:
            raise CommentRequired
        values = _values(submission)
        _check_figure_comments(values, figure_comments)
        _send_back_locked(submission, values, by=by, comment=comment, figures=figure_comments)
    return submission


def _send_back_locked(
    submission: Submission,
    values: list[SubmittedValue],
    *,
    by: User,
    comment: str,
    figures: Mapping[int, str],
) -> None:
    for value in values:
        value.review_comment = figures.get(value.pk, "")
    SubmittedValue.objects.bulk_update(values, ["review_comment"], batch_size=1000)
    commented = [v for v in values if v.review_comment]
    _claim(submission, Status.SENT_BACK, by=by, comment=_summary(comment, commented))
    _record_sent_back(submission, values, by=by, comment=comment)


def _record_sent_back(
    submission: Submission, values: list[SubmittedValue], *, by: User, **about: object
) -> None:
    """The send-back event, keeping the figures as they went back (what changes next is shown
    against them), and the data lead's e-mail."""
    audit_event(
        by=by,
        action=Action.SEND_BACK,
        target=submission,
        changes={
            "status": [Status.SUBMITTED, Status.SENT_BACK],
            **about,
            "figures": [figure_record(v) for v in values],
        },
    )
    notifications.notify_sent_back(submission)


@dataclass(frozen=True)
class Decision:
    """What a review decided: the return approved (None when every figure went back) and the
    return holding the figures sent back (None when none did)."""

    approved: Submission | None
    sent_back: Submission | None


def submission_decide(
    submission_id: int, *, by: User, send_back: Mapping[int, str], comment: str = ""
) -> Decision:
    """Approve a submitted return except the figures in `send_back` (value id -> comment), which
    go back to its data lead as a new return. Without any, the whole return is approved; with
    all of them, the whole return is sent back.

    Raises what submission_approve raises, and FigureCommentRequired for a figure chosen
    without a comment or one that is not in the return.
    """
    send_back = _cleaned(send_back, keep_blank=True)
    if not send_back:
        return Decision(submission_approve(submission_id, by=by), None)
    try:
        with transaction.atomic():
            submission = _lock(submission_id)
            _check_may_decide(submission, by)
            _check_awaiting_decision(submission)
            values = _values(submission)
            _check_figure_comments(values, send_back)
            if len(send_back) == len(values):
                _send_back_locked(
                    submission, values, by=by, comment=comment.strip(), figures=send_back
                )
                return Decision(None, submission)
            returned = _split(submission, values, by=by, send_back=send_back)
    except IntegrityError as exc:
        raise _racing_approval() from exc
    return Decision(submission, returned)


def _split(
    submission: Submission, values: list[SubmittedValue], *, by: User, send_back: Mapping[int, str]
) -> Submission:
    """Move the figures sent back to a new return for the same data lead, approve the rest."""
    back = [v for v in values if v.pk in send_back]
    keep = [v for v in values if v.pk not in send_back]
    now = timezone.now()
    for value in back:
        value.review_comment = send_back[value.pk]
    returned = Submission.objects.create(
        organisation_id=submission.organisation_id,
        status=Status.SENT_BACK,
        channel=submission.channel,
        created_by_id=submission.created_by_id,
        decided_by=by,
        decided_at=now,
        review_comment=_summary("", back),
        split_from=submission,
    )
    returned.editors.set(submission.editors.all())
    for value in back:
        value.submission = returned
    SubmittedValue.objects.bulk_update(back, ["submission", "review_comment"], batch_size=1000)
    _approve_values(
        submission,
        keep,
        by=by,
        also={"sent_back": [figure_record(v) for v in back], "returned_as": returned.pk},
    )
    _record_sent_back(returned, back, by=by, split_from=submission.pk)
    return returned


def figure_record(value: SubmittedValue) -> dict[str, object]:
    """A figure as an event keeps it: where, what, its note and the approver's comment."""
    return {
        "measure": value.measure.number,
        "area": value.area.name,
        "period": value.period.label,
        "value": decimal_text(value.value),
        "numerator": decimal_text(value.numerator),
        "denominator": decimal_text(value.denominator),
        "note": value.note,
        "comment": value.review_comment,
    }


def _summary(comment: str, commented: list[SubmittedValue]) -> str:
    """The return's comment: the approver's own, then each figure sent back with its comment
    (shown to the data lead on their home page and in the e-mail)."""
    lines = [comment] if comment else []
    if commented:
        noun = "figure" if len(commented) == 1 else "figures"
        lines.append(f"{len(commented)} {noun} to change:")
        lines += [
            f"- Measure {v.measure.number}, {v.area.name}, {v.period.label} "
            f"({uk_number(v.value)}): {v.review_comment}"
            for v in commented
        ]
    return "\n".join(lines)


def _cleaned(comments: Mapping[int, str] | None, *, keep_blank: bool = False) -> dict[int, str]:
    """Figure comments stripped; blank ones dropped unless kept for the check that refuses
    them."""
    cleaned = {
        pk: checked_text("comment", (text or "").strip(), COMMENT_MAX_LENGTH)
        for pk, text in (comments or {}).items()
    }
    return cleaned if keep_blank else {pk: text for pk, text in cleaned.items() if text}


def _check_figure_comments(values: list[SubmittedValue], comments: Mapping[int, str]) -> None:
    known = {v.pk: v for v in values}
    for pk, text in comments.items():
        value = known.get(pk)
        if value is None:
            raise FigureCommentRequired(pk, "That figure is not in this return: reload the page.")
        if not text:
            raise FigureCommentRequired(
                pk,
                f"Say what needs to change in measure {value.measure.number}, "
                f"{value.area.name}, {value.period.label}, or do not send it back.",
            )
        if len(text) > FIGURE_COMMENT_MAX_LENGTH:
            raise FigureCommentRequired(
                pk,
                f"A comment on a figure must be {FIGURE_COMMENT_MAX_LENGTH:,} characters or fewer.",
            )


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
        raise _racing_approval() from exc


def _racing_approval() -> TransitionError:
    # Two returns carrying a figure for the same new period, approved at the same instant:
    # the database's one-current-value rule lets only the first in. Nothing was saved.
    return TransitionError(
        "Another approval recorded a figure for the same measure and period at the same "
        "moment, so nothing was saved. Reload the page and try again."
    )


def _approve_atomically(submission_id: int, *, by: User, require_clean: bool) -> Submission:
    with transaction.atomic():
        submission = _lock(submission_id)
        _check_may_decide(submission, by)
        _check_awaiting_decision(submission)
        values = _values(submission)
        if require_clean and any(v.warnings for v in values):
            raise NotClean(
                f"Submission {submission.pk} has warnings, so it needs reviewing on its own."
            )
        _approve_values(submission, values, by=by)
    return submission


def _values(submission: Submission) -> list[SubmittedValue]:
    return list(submission.values.select_related("measure", "area", "period").order_by("row", "pk"))


def _approve_values(
    submission: Submission,
    values: list[SubmittedValue],
    *,
    by: User,
    also: Mapping[str, object] | None = None,
) -> None:
    """Claim the locked return as approved and record `values` as the approved figures."""
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
            **(also or {}),
        },
    )
    audit_events(((Action.CORRECT, submission, c) for c in corrections), by=by)
    transaction.on_commit(partial(enqueue_recompute, measure_ids))
    notifications.notify_approved(submission)


def _record_values(
    submission: Submission, values: list[SubmittedValue], *, by: User
) -> tuple[list[dict[str, object]], int]:
    """Make each value current and link it to its data point, in bulk; returns what each
    replaced value changed (for its `correct` event) and how many new versions there are."""
    by_key = {(v.measure_id, v.area_id, v.period_id): v for v in values}
    recorded = record_values(
        (
            ValueEntry(
                v.measure_id,
                v.area_id,
                v.period_id,
                v.value,
                v.numerator,
                v.denominator,
                v.note,
                v.variance,
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
                    "reason": value.note,
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
