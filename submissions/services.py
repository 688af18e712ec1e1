"""Writes to submissions: create, edit and submit a return, and stage an upload for its preview.

Each takes the actor as `by=`, validates through `submissions.validation` and writes its audit
event in the same transaction. Status changes are conditional updates, so two requests racing
cannot both move a return. (Approval and sending back live in `submissions.approval`.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import Action
from audit.services import audit_event
from portal.bulk import BATCH_SIZE, bulk_insert, collector_paused, copy_rows
from portal.errors import DomainError, NotAllowed, Problem, WrongState
from portal.permissions import can
from scorecard.figures import FIGURE_FIELDS, decimal_text
from scorecard.models import Measure
from scorecard.periods import Period
from scorecard.selectors import live_version
from scorecard.services.recording import reporting_periods
from submissions import selectors
from submissions.entry_selectors import preview_rank, upload_preview
from submissions.models import (
    EDITABLE_STATUSES,
    Channel,
    RowStatus,
    StagedUpload,
    StagedValue,
    Status,
    Submission,
    SubmittedValue,
    UploadMode,
)
from submissions.notifications import notify_submitted
from submissions.validation import (
    CleanValue,
    Issue,
    RawRow,
    ValidationResult,
    validate_rows,
)


class InvalidSubmission(DomainError):
    """The figures have errors; nothing was saved (HTTP 400 with every problem)."""

    def __init__(self, errors: list[Issue], warnings: Sequence[Issue] = ()) -> None:
        self.errors = errors
        #: The warnings raised beside the errors, for pages that show both.
        self.warnings = list(warnings)
        super().__init__(f"{len(errors)} problem(s) with the figures: nothing was saved.")

    def problems(self) -> list[Problem]:
        return [Problem(i.row, i.field, i.message) for i in self.errors]


def require_lead(by: Any) -> None:
    """Refuse (NotAllowed) anyone but a data lead."""
    if not can(by, "enter_values"):
        raise NotAllowed("Only a partner organisation's data lead can enter figures.")


def _require_editable(submission: Submission, by: Any) -> None:
    """Refuse outsiders (NotAllowed) and returns that are no longer open to change (WrongState)."""
    if can(by, "edit_submission", submission):
        return
    if can(by, "view_submission", submission) and can(by, "enter_values"):
        raise WrongState(
            f"This return is {submission.get_status_display().lower()}: "
            "only a draft or a return sent back can be changed or submitted."
        )
    raise NotAllowed("You cannot change this return.")


def _warning_list(clean: CleanValue) -> list[dict[str, str]]:
    return [warning.stored() for warning in clean.warnings]


def _store_values(submission: Submission, values: Sequence[CleanValue]) -> None:
    """Insert a return's validated values: by COPY on PostgreSQL (a 100,000-row file in
    seconds), by bulk_create elsewhere; the database's constraints hold either way."""
    periods = reporting_periods(v.period for v in values)
    bulk_insert(
        SubmittedValue,
        ({"submission_id": submission.pk, **_columns(v, periods)} for v in values),
    )


def _stage_values(staged: StagedUpload, values: Sequence[CleanValue]) -> None:
    """Keep an upload's validated values until confirmed, with what its preview shows."""
    periods = reporting_periods(v.period for v in values)
    bulk_insert(
        StagedValue,
        (
            {
                "upload_id": staged.pk,
                **_columns(v, periods),
                "status": status,
                "current": v.current if status == RowStatus.CHANGED else None,
                "rank": preview_rank(status, warned=bool(v.warnings)),
            }
            for v, status in ((v, v.status.value) for v in values)
        ),
    )


def _columns(value: CleanValue, periods: dict[Period, Any]) -> dict[str, Any]:
    return {
        "row": value.row,
        "measure_id": value.measure.pk,
        "area_id": value.area.pk,
        "period_id": periods[value.period].pk,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "variance": value.variance,
        "note": value.note,
        "warnings": _warning_list(value),
    }


def _summary(result: ValidationResult) -> dict[str, object]:
    """What an audit event records about a set of values: counts, and every correction."""
    return {
        "values": len(result.values),
        "warnings": len(result.warnings),
        "corrections": [
            {
                "measure": v.measure.number,
                "area": v.area.name,
                "period": v.period.label,
                "from": decimal_text(v.current),
                "to": decimal_text(v.value),
                "reason": v.note,
            }
            for v in result.values
            if v.is_correction
        ],
    }


def figures_check(*, by: Any, rows: Sequence[RawRow]) -> ValidationResult:
    """Check figures as submitting them would (every warning and correction needing its note),
    saving nothing: the entry grid's "Check figures"."""
    require_lead(by)
    return validate_rows(rows, user=by, require_notes=True)


@collector_paused()
@transaction.atomic
def submission_create(
    *, by: Any, rows: Sequence[RawRow], channel: str, submit: bool = False
) -> tuple[Submission, ValidationResult]:
    """Save the rows as a new draft return of the actor's organisation (and, with `submit`,
    submit it at once). All or nothing: any error raises InvalidSubmission and saves nothing."""
    require_lead(by)
    result = validate_rows(rows, user=by, require_notes=submit)
    if not result.ok:
        raise InvalidSubmission(result.errors, result.warnings)
    submission = _new_return(by, channel, _summary(result))
    _store_values(submission, result.values)
    if submit:
        _mark_submitted(submission, by=by, result=result)
    return submission, result


def _new_return(by: Any, channel: str, summary: dict[str, object]) -> Submission:
    """A new draft of the actor's organisation, its creation audited with `summary` of the
    values the caller then stores."""
    submission = Submission.objects.create(
        organisation_id=by.organisation_id, channel=Channel(channel), created_by=by
    )
    submission.editors.add(by)
    audit_event(
        by=by, action=Action.CREATE, target=submission, changes={"channel": channel, **summary}
    )
    return submission


@collector_paused()
@transaction.atomic
def submission_update(
    submission: Submission,
    *,
    by: Any,
    rows: Sequence[RawRow],
    channel: str = Channel.FORM,
    submit: bool = False,
) -> ValidationResult:
    """Replace a draft's (or a sent-back return's) values with `rows`, recording which values
    changed from what to what. All or nothing, like submission_create."""
    _require_editable(submission, by)
    result = validate_rows(rows, user=by, require_notes=submit)
    if not result.ok:
        raise InvalidSubmission(result.errors, result.warnings)
    # Claim the row first: a return submitted meanwhile is refused rather than edited after.
    claimed = Submission.objects.filter(pk=submission.pk, status__in=EDITABLE_STATUSES).update(
        updated_at=timezone.now()
    )
    if not claimed:
        raise WrongState("This return has been submitted meanwhile: it can no longer be changed.")
    before = {
        (v.measure_id, v.area_id, v.period.period): v
        for v in submission.values.select_related("measure", "area", "period")
    }
    changes = _differences(before, result.values)
    if any(changes.values()):
        submission.values.all().delete()  # a draft's values are not history; the event keeps it
        _store_values(submission, result.values)
        submission.editors.add(by)
        audit_event(
            by=by,
            action=Action.EDIT,
            target=submission,
            changes={"channel": channel, **changes},
        )
    if submit:
        _mark_submitted(submission, by=by, result=result)
    return result


def _differences(
    before: dict[tuple[int, int, Period], SubmittedValue], after: Sequence[CleanValue]
) -> dict[str, list[dict[str, object]]]:
    """Values added, removed and changed (field by field, from → to) between two versions."""
    added, changed = [], []
    seen = set()
    for new in after:
        key = (new.measure.pk, new.area.pk, new.period)
        seen.add(key)
        where = {"measure": new.measure.number, "area": new.area.name, "period": new.period.label}
        old = before.get(key)
        if old is None:
            added.append({**where, "value": decimal_text(new.value)})
            continue
        for name in FIGURE_FIELDS:
            if getattr(old, name) != getattr(new, name):
                changed.append(
                    {
                        **where,
                        "field": name,
                        "from": decimal_text(getattr(old, name)),
                        "to": decimal_text(getattr(new, name)),
                    }
                )
        if old.note != new.note:
            changed.append({**where, "field": "note", "from": old.note, "to": new.note})
    removed = [
        {
            "measure": old.measure.number,
            "area": old.area.name,
            "period": old.period.label,
            "value": decimal_text(old.value),
        }
        for key, old in before.items()
        if key not in seen
    ]
    return {"added": added, "changed": changed, "removed": removed}


@transaction.atomic
def submission_submit(submission: Submission, *, by: Any) -> ValidationResult:
    """Send a draft (or a sent-back return) for approval, after checking its values again:
    the catalogue or the approved figures may have changed since it was saved, and every value
    with a warning must now carry a note."""
    _require_editable(submission, by)
    # Lock the return before reading its values, so an edit committing meanwhile is either
    # wholly before this check or waits for it; never half-checked.
    Submission.objects.select_for_update().filter(pk=submission.pk).first()
    rows = selectors.stored_rows(submission.values.all())
    result = validate_rows(rows, user=by, require_notes=True)
    if not result.ok:
        raise InvalidSubmission(result.errors)
    _mark_submitted(submission, by=by, result=result)
    return result


def _mark_submitted(submission: Submission, *, by: Any, result: ValidationResult) -> None:
    previous = Submission.objects.filter(pk=submission.pk).values_list("status", flat=True).first()
    now = timezone.now()
    moved = Submission.objects.filter(pk=submission.pk, status__in=EDITABLE_STATUSES).update(
        status=Status.SUBMITTED, submitted_at=now, updated_at=now
    )
    if not moved:
        raise WrongState("This return has already been submitted.")
    warnings = {v.row: _warning_list(v) for v in result.values}
    stored = list(submission.values.only("pk", "row", "warnings"))
    for value in stored:
        value.warnings = warnings.get(value.row, [])
    SubmittedValue.objects.bulk_update(stored, ["warnings"], batch_size=BATCH_SIZE)
    audit_event(
        by=by,
        action=Action.SUBMIT,
        target=submission,
        changes={"from": previous, **_summary(result)},
    )
    submission.refresh_from_db()
    notify_submitted(submission)


# Uploads between preview and confirmation ----------------------------------------------------

UPLOAD_MAX_AGE = timedelta(hours=settings.STAGED_UPLOAD_HOURS)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class NothingToPreview(InvalidSubmission):
    """Every row of the file has errors: nothing could be confirmed, so nothing is staged."""


@collector_paused()
@transaction.atomic
def upload_stage(
    *,
    by: Any,
    filename: str,
    rows: Sequence[RawRow],
    submission: Submission | None = None,
    mode: str = UploadMode.REPLACE,
    ignored: int = 0,
) -> str:
    """Validate parsed rows and keep their values with their preview until the data lead
    confirms them; returns the token for the preview. Only a file with a row free of errors is
    kept (anything else has nothing to confirm: NothingToPreview lists its errors), and a person
    keeps at most STAGED_UPLOADS_PER_USER: staging one more drops their oldest.

    The values stay out of hidden form fields so the confirmed data is exactly what was
    previewed. With an open `submission`, `mode` says whether the file's figures replace its
    figures or are added to them; `ignored` is how many rows the file had without a figure.
    """
    require_lead(by)
    version = live_version()  # read first: a change while validating makes confirming re-check
    result = validate_rows(rows, user=by)
    confirmable = result.ok
    preview = upload_preview(rows, result, submission=submission, staged=confirmable)
    if not preview.worth_staging:
        errors = preview.general + [e for row in preview.rows for e in row.errors]
        raise NothingToPreview(sorted(errors, key=lambda i: i.row or 0))
    upload_sweep()
    keep = max(settings.STAGED_UPLOADS_PER_USER - 1, 0)
    older = StagedUpload.objects.filter(user_id=by.pk).order_by("-created_at", "-pk")[keep:]
    StagedUpload.objects.filter(pk__in=list(older.values_list("pk", flat=True))).delete()
    staged = StagedUpload.objects.create(
        token=secrets.token_urlsafe(24),
        user=by,
        filename=filename[:255],
        submission=submission,
        mode=UploadMode(mode),
        ignored=ignored,
        summary=_summary(result) if confirmable else {},
        version=version,
        preview=preview.as_json(),
    )
    if confirmable:
        _stage_values(staged, result.values)
    return staged.token


def upload_sweep() -> int:
    """Delete staged uploads older than UPLOAD_MAX_AGE; how many went."""
    _, deleted = StagedUpload.objects.filter(
        created_at__lt=timezone.now() - UPLOAD_MAX_AGE
    ).delete()
    return deleted.get(StagedUpload._meta.label, 0)


def upload_load(token: str, *, user: Any) -> StagedUpload | None:
    """The staged upload if it exists, has not expired and belongs to `user`. Its preview, large
    for a large file, is read when first used: confirming does not need it."""
    if not _TOKEN.fullmatch(token):
        return None
    fresh = timezone.now() - UPLOAD_MAX_AGE
    staged = StagedUpload.objects.defer("preview")
    return staged.filter(token=token, user_id=user.pk, created_at__gte=fresh).first()


@collector_paused()
@transaction.atomic
def upload_confirm(staged: StagedUpload, *, by: Any) -> Submission:
    """Save a previewed upload: a new draft, or an open return's figures replaced by the file's
    or joined by them.

    A new draft takes the values as validated when staged, copied inside the database, unless
    the catalogue or the approved figures have changed since (the live version says so) or the
    lead may no longer submit them: then, as for an open return (which may have been edited
    meanwhile), they are validated again. The staged upload is locked first and deleted last,
    in the same transaction: of two confirmations racing, the second finds it gone.
    """
    require_lead(by)
    if not StagedUpload.objects.select_for_update().filter(pk=staged.pk).exists():
        raise WrongState("This upload has already been saved: it is no longer waiting.")
    values = StagedValue.objects.filter(upload_id=staged.pk)
    if staged.submission_id is not None:
        saved = _into_open_return(staged.submission_id, staged.mode, values, by=by)
    elif staged.version == live_version() and _may_submit(by, values):
        saved = _new_return(by, Channel.UPLOAD, staged.summary)
        if not copy_rows(values, SubmittedValue, {"submission_id": saved.pk}):
            raise InvalidSubmission([Issue(None, "file", _NOT_CONFIRMABLE)])
    else:
        rows = selectors.stored_rows(values)
        saved, _ = submission_create(by=by, rows=rows, channel=Channel.UPLOAD)
    values.delete()  # one statement, then the upload itself
    StagedUpload.objects.filter(pk=staged.pk).delete()
    return saved


_NOT_CONFIRMABLE = "The file has errors: correct them and upload it again."


def _into_open_return(
    submission_id: int, mode: str, values: QuerySet[StagedValue], *, by: Any
) -> Submission:
    existing = Submission.objects.filter(pk=submission_id).first()
    if existing is None:
        raise NotAllowed("The return this file was meant for no longer exists.")
    rows = selectors.stored_rows(values)
    if not rows:
        raise InvalidSubmission([Issue(None, "file", _NOT_CONFIRMABLE)])
    if mode == UploadMode.ADD:
        rows = _joined(existing, rows, by=by)
    submission_update(existing, by=by, rows=rows, channel=Channel.UPLOAD)
    return existing


def _may_submit(by: Any, values: QuerySet[StagedValue]) -> bool:
    """Whether the actor may still submit every measure of `values` (their organisation or
    role may have changed since the file was staged)."""
    measures = Measure.objects.filter(
        pk__in=values.order_by().values("measure_id").distinct()
    ).select_related("organisation")
    return all(can(by, "submit_for_measure", measure) for measure in measures)


def _joined(submission: Submission, rows: list[RawRow], *, by: Any) -> list[RawRow]:
    """The return's figures with `rows` added: a row for a measure, area and period the return
    already has replaces that figure. The added rows are numbered after the return's own."""
    arriving = {v.key for v in validate_rows(rows, user=by).values}
    held = selectors.rows_with_keys(submission.values.all())
    kept = [row for row, key in held if key not in arriving]
    offset = max((row.row for row in kept), default=0)
    return kept + [RawRow(offset + row.row, row.fields) for row in rows]
