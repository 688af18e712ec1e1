"""Writes to a measure's commentary: write or rewrite it, submit it, approve it, send it back.

The same workflow as a return of figures (submissions.services and submissions.approval): each
takes the actor as `by=`, checks portal.permissions, moves the status with a conditional UPDATE
on a locked row (so of two people acting at once only one succeeds) and writes its audit event
in the same transaction. Approvers hear of a submitted commentary, and its writers of the
decision, once the transaction commits.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_event
from commentary import notifications
from commentary.models import MAX_CHARS, Commentary
from portal.errors import FieldError, Missing, NotAllowed, WrongState
from portal.permissions import can
from scorecard.models import Measure, ScorecardRow
from scorecard.services.versioning import scorecard_changed
from submissions.approval import CommentRequired, TransitionError
from submissions.models import EDITABLE_STATUSES, OPEN_STATUSES, Status

#: What an audit event records of a commentary's text.
TEXT_FIELDS = ("commentary", "actions")


def _checked_text(commentary: str, actions: str) -> tuple[str, str]:
    commentary, actions = (commentary or "").strip(), (actions or "").strip()
    if not commentary:
        raise FieldError("commentary", "Enter a commentary saying what the latest figure means.")
    for field, text in (("commentary", commentary), ("actions", actions)):
        if len(text) > MAX_CHARS:
            raise FieldError(
                field,
                f"The {field} must be {MAX_CHARS:,} characters or fewer; it has {len(text):,}.",
            )
    return commentary, actions


def _about_period_id(measure: Measure) -> int | None:
    """The period of the measure's latest figures on the live scorecard (what it talks about)."""
    return (
        ScorecardRow.objects.filter(measure=measure)
        .values_list("latest_period_id", flat=True)
        .first()
    )


def commentary_save(
    measure: Measure, *, by: Any, commentary: str, actions: str, submit: bool = False
) -> Commentary:
    """Write the measure's commentary: a new draft, or a rewrite of the one in hand (a draft or
    one sent back); with `submit`, send it for approval too.

    Raises NotAllowed (not a data lead of the measure's organisation), FieldError (empty or too
    long) or WrongState (the one in hand is waiting for approval).
    """
    if not can(by, "write_commentary", measure):
        raise NotAllowed(
            "Only a data lead of the organisation responsible for this measure can write its "
            "commentary."
        )
    text, planned = _checked_text(commentary, actions)
    with transaction.atomic():
        in_hand = (
            Commentary.objects.select_for_update()
            .filter(measure=measure, status__in=OPEN_STATUSES)
            .first()
        )
        if in_hand is None:
            written = _create(measure, by=by, commentary=text, actions=planned)
        else:
            written = _rewrite(in_hand, by=by, commentary=text, actions=planned)
        if submit:
            _mark_submitted(written, by=by)
    return written


def _create(measure: Measure, *, by: Any, commentary: str, actions: str) -> Commentary:
    assert measure.organisation_id is not None  # a lead of it may write (can() checked)
    try:
        with transaction.atomic():
            written = Commentary.objects.create(
                measure=measure,
                organisation_id=measure.organisation_id,
                about_period_id=_about_period_id(measure),
                commentary=commentary,
                actions=actions,
                created_by=by,
            )
    except IntegrityError:
        # The database allows one commentary in hand per measure: a colleague started one.
        raise WrongState(
            "A colleague started this measure's commentary meanwhile. Reload the page to edit it."
        ) from None
    written.editors.add(by)
    audit_event(
        by=by,
        action=Action.CREATE,
        target=written,
        changes={"measure": measure.number, "commentary": commentary, "actions": actions},
    )
    return written


def _rewrite(in_hand: Commentary, *, by: Any, commentary: str, actions: str) -> Commentary:
    if not can(by, "edit_commentary", in_hand):
        raise WrongState(
            "This measure's commentary is waiting for approval: it can be changed once an "
            "approver sends it back."
        )
    changes = {
        field: [getattr(in_hand, field), new]
        for field, new in zip(TEXT_FIELDS, (commentary, actions), strict=True)
        if getattr(in_hand, field) != new
    }
    if not changes:
        return in_hand
    about = _about_period_id(in_hand.measure)
    moved = Commentary.objects.filter(pk=in_hand.pk, status__in=EDITABLE_STATUSES).update(
        commentary=commentary, actions=actions, about_period_id=about, updated_at=timezone.now()
    )
    if not moved:
        raise WrongState("This commentary has been submitted meanwhile: it can no longer change.")
    in_hand.refresh_from_db()
    in_hand.editors.add(by)
    audit_event(by=by, action=Action.EDIT, target=in_hand, changes=changes)
    return in_hand


def commentary_submit(commentary_id: int, *, by: Any) -> Commentary:
    """Send a draft (or a commentary sent back) for approval."""
    with transaction.atomic():
        commentary = _lock(commentary_id)
        if not can(by, "edit_commentary", commentary):
            if can(by, "view_commentary", commentary) and can(by, "enter_values"):
                raise WrongState(
                    f"This commentary is {commentary.get_status_display().lower()}: only a "
                    "draft or one sent back can be submitted."
                )
            raise NotAllowed("You cannot submit this commentary.")
        _mark_submitted(commentary, by=by)
    return commentary


def _mark_submitted(commentary: Commentary, *, by: Any) -> None:
    previous = commentary.status
    now = timezone.now()
    moved = Commentary.objects.filter(pk=commentary.pk, status__in=EDITABLE_STATUSES).update(
        status=Status.SUBMITTED, submitted_at=now, updated_at=now
    )
    if not moved:
        raise WrongState("This commentary has already been submitted.")
    commentary.refresh_from_db()
    audit_event(
        by=by,
        action=Action.SUBMIT,
        target=commentary,
        changes={"status": [previous, Status.SUBMITTED]},
    )
    notifications.notify_submitted(commentary)


def commentary_approve(commentary_id: int, *, by: Any) -> Commentary:
    """Approve a submitted commentary: it becomes the one the scorecard and the next edition
    show. Raises NotAllowed (role, or `by` wrote or edited it), TransitionError or Missing."""
    with transaction.atomic():
        commentary = _lock(commentary_id)
        _check_may_decide(commentary, by)
        _claim(commentary, Status.APPROVED, by=by)
        audit_event(
            by=by,
            action=Action.APPROVE,
            target=commentary,
            changes={"status": [Status.SUBMITTED, Status.APPROVED]},
        )
        notifications.notify_decided(commentary)
    return commentary


def commentary_send_back(commentary_id: int, *, by: Any, comment: str) -> Commentary:
    """Return a submitted commentary to its writers with a comment saying what to change."""
    comment = (comment or "").strip()
    with transaction.atomic():
        commentary = _lock(commentary_id)
        _check_may_decide(commentary, by)
        if not comment:
            raise CommentRequired
        _claim(commentary, Status.SENT_BACK, by=by, comment=comment)
        audit_event(
            by=by,
            action=Action.SEND_BACK,
            target=commentary,
            changes={"status": [Status.SUBMITTED, Status.SENT_BACK], "comment": comment},
        )
        notifications.notify_decided(commentary)
    return commentary


def _lock(commentary_id: int) -> Commentary:
    commentary = Commentary.objects.select_for_update().filter(pk=commentary_id).first()
    if commentary is None:
        raise Missing(f"There is no commentary {commentary_id}.")
    return commentary


def _check_may_decide(commentary: Commentary, by: Any) -> None:
    if can(by, "approve_commentary", commentary):
        return
    if not can(by, "review_submissions"):
        raise NotAllowed("Only approvers can approve or send back commentary.")
    raise NotAllowed(
        "You wrote or edited this commentary, so someone else must approve it or send it back."
    )


def _claim(commentary: Commentary, status: Status, *, by: Any, comment: str = "") -> None:
    """Move the commentary out of "submitted", or fail if it is not there (a draft, or someone
    else decided first)."""
    now = timezone.now()
    claimed = Commentary.objects.filter(pk=commentary.pk, status=Status.SUBMITTED).update(
        status=status, decided_by=by, decided_at=now, updated_at=now, review_comment=comment
    )
    if claimed != 1:
        commentary.refresh_from_db()
        if commentary.status == Status.DRAFT:
            raise TransitionError("This commentary is a draft: it has not been submitted yet.")
        who = commentary.decided_by.display_name if commentary.decided_by else "someone else"
        raise TransitionError(
            f"This commentary has already been {commentary.get_status_display().lower()} by {who}."
        )
    if status == Status.APPROVED:
        scorecard_changed()  # the scorecard shows each measure's latest approved commentary
    commentary.refresh_from_db()
