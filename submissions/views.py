"""Pages for partners' returns: the data lead's home, entering figures, uploading a file with its
preview, and a submission's page. Thin: permission, then a selector or service, then render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from portal.permissions import can, requires
from scorecard.figures import uk_number
from scorecard.periods import Period
from submissions import entry_selectors, resources, selectors, services
from submissions.forms import (
    FORM_MAX_ROWS,
    BaseValueFormSet,
    PeriodChoiceForm,
    UploadForm,
    ValueFormSet,
)
from submissions.models import Channel, Submission
from submissions.services import InvalidSubmission, NotAllowed, WrongState
from submissions.validation import Issue

PREVIEW_PAGE_SIZE = 100
#: Problems listed on the upload page for a file with nothing worth previewing.
UPLOAD_ERRORS_SHOWN = 20
VALUES_PAGE_SIZE = 200


def _organisation(request: HttpRequest) -> Organisation:
    """The data lead's organisation (every data lead has one: a database constraint)."""
    organisation = getattr(request.user, "organisation", None)
    assert organisation is not None
    return organisation


def _editable(request: HttpRequest, pk: int) -> Submission | HttpResponse:
    """The submission if the user may change it now; else the response that says why."""
    submission = selectors.submission_for(request.user, pk)
    if can(request.user, "edit_submission", submission):
        return submission
    if not can(request.user, "enter_values"):
        raise PermissionDenied("You can view this return but not change it.")
    messages.error(
        request,
        f"This return is {submission.get_status_display().lower()}: only a draft or a return "
        "sent back can be changed.",
    )
    return redirect("submissions:detail", pk=submission.pk)


@requires("enter_values")
def home(request: HttpRequest) -> HttpResponse:
    """A data lead's measures (latest approved figure, period due, open return) and returns."""
    organisation = _organisation(request)
    return render(
        request,
        "submissions/home.html",
        {
            "organisation": organisation,
            "statuses": selectors.measure_statuses(organisation.pk, timezone.localdate()),
            "submissions": selectors.organisation_submissions(organisation.pk),
        },
    )


# Entering figures ----------------------------------------------------------------------------


def _row_label(form: Any) -> str:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else form.initial
    return f"Measure {data.get('measure')}, {data.get('area')}, {data.get('period')}"


def _entry_page(
    request: HttpRequest,
    formset: Any,
    rows: list[entry_selectors.EntryRow],
    *,
    submission: Submission | None,
    period: Period | None,
    general: list[Issue] | None = None,
) -> HttpResponse:
    context_rows = {(str(r.measure.number), r.area.name, r.period.label): r for r in rows}
    items = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else form.initial
        key = (str(data.get("measure")), str(data.get("area")), str(data.get("period")))
        row = context_rows.get(key)
        if row is not None:
            # The bound field copies help_text when first built (validation builds it).
            form.fields["value"].help_text = form["value"].help_text = _value_hint(row)
        items.append({"form": form, "row": row, "label": _row_label(form)})
    summary = [{"text": issue.message, "href": ""} for issue in general or []]
    for item in items:
        form = item["form"]
        for name, errors in form.errors.items():
            anchor = f"#{form[name].id_for_label}" if name in form.fields else ""
            if name == "__all__" or not anchor:
                anchor = f"#{form['value'].id_for_label}"
            summary.extend({"text": f"{item['label']}: {e}", "href": anchor} for e in errors)
    return render(
        request,
        "submissions/entry.html",
        {
            "formset": formset,
            "items": items,
            "submission": submission,
            "period": period,
            "error_summary": summary,
        },
    )


def _value_hint(row: entry_selectors.EntryRow) -> str:
    """The value's hint, escaped: the field template treats help text as trusted HTML, and this
    one carries catalogue text (the unit)."""
    return escape(_value_hint_text(row))


def _value_hint_text(row: entry_selectors.EntryRow) -> str:
    places = row.measure.decimal_places
    parts = []
    if row.previous_value is not None and row.previous_period is not None:
        parts.append(
            f"Previous: {uk_number(row.previous_value, places)} ({row.previous_period.label})."
        )
    else:
        parts.append("No earlier approved figure.")
    if row.current_value is not None:
        parts.append(
            f"Approved for {row.period.label}: {uk_number(row.current_value, places)}; "
            "a different value is a correction."
        )
    parts.append(f"Unit: {row.measure.unit}.")
    return " ".join(parts)


def _save_entry(
    request: HttpRequest,
    rows: list[entry_selectors.EntryRow],
    *,
    submission: Submission | None,
    period: Period | None,
) -> HttpResponse:
    formset = cast(BaseValueFormSet, ValueFormSet(request.POST))
    if not formset.is_valid():
        return _entry_page(request, formset, rows, submission=submission, period=period)
    submit = request.POST.get("action") == "submit"
    raw = formset.raw_rows()
    try:
        if submission is None:
            submission, _ = services.submission_create(
                by=request.user, rows=raw, channel=Channel.FORM, submit=submit
            )
        else:
            services.submission_update(
                submission, by=request.user, rows=raw, channel=Channel.FORM, submit=submit
            )
    except InvalidSubmission as exc:
        # The validator numbered the rows by form position, so its issues land on their forms.
        general = formset.add_issues(exc.errors)
        return _entry_page(
            request, formset, rows, submission=submission, period=period, general=general
        )
    except WrongState as exc:
        messages.error(request, str(exc))
        assert submission is not None
        return redirect("submissions:detail", pk=submission.pk)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(
        request,
        f"Submission {submission.pk} submitted for approval."
        if submit
        else f"Submission {submission.pk} saved as a draft.",
    )
    return redirect("submissions:detail", pk=submission.pk)


@requires("enter_values")
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Pick a period, then type the organisation's figures for it."""
    organisation_id = _organisation(request).pk
    today = timezone.localdate()
    choices = selectors.period_choices(organisation_id, today)
    if "period" not in request.GET and "other" not in request.GET:
        form = PeriodChoiceForm(choices=choices, today=today)
        return render(request, "submissions/choose_period.html", {"form": form})
    form = PeriodChoiceForm(request.GET, choices=choices, today=today)
    if not form.is_valid():
        return render(request, "submissions/choose_period.html", {"form": form})
    period: Period = form.cleaned_data["period"]
    rows = entry_selectors.entry_rows(organisation_id, [period])
    if request.method == "POST":
        return _save_entry(request, rows, submission=None, period=period)
    formset = ValueFormSet(initial=[{**r.identity(), **r.initial} for r in rows])
    return _entry_page(request, formset, rows, submission=None, period=period)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's (or a sent-back return's) figures on the form."""
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    submission = found
    values = list(submission.values.select_related("measure", "area", "period"))
    periods = {v.period.period for v in values}
    rows = entry_selectors.entry_rows(submission.organisation_id, periods, values)
    if len(rows) > FORM_MAX_ROWS:
        rows = [r for r in rows if r.initial]
    if len(rows) > FORM_MAX_ROWS:
        messages.info(
            request,
            f"This return has {len(rows):,} values, too many to change on screen: upload a "
            "corrected file instead.",
        )
        return redirect("submissions:upload_replace", pk=submission.pk)
    if request.method == "POST":
        return _save_entry(request, rows, submission=submission, period=None)
    formset = ValueFormSet(initial=[{**r.identity(), **r.initial} for r in rows])
    return _entry_page(request, formset, rows, submission=submission, period=None)


# A submission's page -------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest, submission: Submission, errors: list[Issue] | None = None
) -> HttpResponse:
    values = selectors.value_lines(submission)
    page = Paginator(values, VALUES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/detail.html",
        {
            "submission": submission,
            "page": page,
            "values": page.object_list,
            "value_count": len(values),
            "corrections": sum(1 for v in values if v.is_correction),
            "warning_count": sum(1 for v in values if v.value.warnings),
            "events": selectors.submission_events(submission),
            "can_edit": can(request.user, "edit_submission", submission),
            "can_approve": can(request.user, "approve_submission", submission),
            "is_lead": can(request.user, "enter_values"),
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A return's status, values (with warnings, notes and corrections) and audit trail."""
    return _detail_page(request, selectors.submission_for(request.user, pk))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    try:
        services.submission_submit(found, by=request.user)
    except InvalidSubmission as exc:
        return _detail_page(request, found, exc.errors)
    except WrongState as exc:
        messages.error(request, str(exc))
        return redirect("submissions:detail", pk=found.pk)
    messages.success(request, f"Submission {found.pk} submitted for approval.")
    return redirect("submissions:detail", pk=found.pk)


# Uploading a file ----------------------------------------------------------------------------


@requires("enter_values")
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Upload a long-format file, for a new return or to replace an open return's values."""
    submission = None
    if pk is not None:
        found = _editable(request, pk)
        if isinstance(found, HttpResponse):
            return found
        submission = found
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        parsed = resources.read_values_file(file.name or "", file.read())
        issues = parsed.issues
        if not issues:
            try:
                token = services.upload_stage(
                    by=request.user,
                    filename=file.name or "",
                    rows=parsed.rows,
                    submission=submission,
                )
            except services.NothingToPreview as exc:
                issues = exc.errors
            else:
                return redirect("submissions:preview", token=token)
        for issue in issues[:UPLOAD_ERRORS_SHOWN]:
            where = f"Row {issue.row}, column '{issue.field}': " if issue.row else ""
            form.add_error("file", f"{where}{issue.message}")
        if len(issues) > UPLOAD_ERRORS_SHOWN:
            more = len(issues) - UPLOAD_ERRORS_SHOWN
            form.add_error("file", f"And {more:,} more problem{pluralize(more)} in the file.")
    return render(request, "submissions/upload.html", {"form": form, "submission": submission})


@requires("enter_values")
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """What the file would change, row by row, problems first; saves only when confirmed.
    The preview was validated when the file was staged: its pages only read it back."""
    staged = services.upload_load(token, user=request.user)
    if staged is None:
        raise Http404("No such upload: it may have expired. Upload the file again.")
    submission = None
    if staged.submission_id is not None:
        submission = selectors.submission_for(request.user, staged.submission_id)
    general: list[Issue] = []
    if request.method == "POST":
        try:
            saved = services.upload_confirm(staged, by=request.user)
        except InvalidSubmission as exc:
            general = [i for i in exc.errors if i.row is None]
            if not general:
                general = [Issue(None, "file", _CHANGED_SINCE)]
        except WrongState as exc:
            messages.error(request, str(exc))
            if staged.submission_id is None:
                return redirect("submissions:home")
            return redirect("submissions:detail", pk=staged.submission_id)
        else:
            messages.success(
                request, f"Submission {saved.pk} saved as a draft: check it, then submit it."
            )
            return redirect("submissions:detail", pk=saved.pk)
    result = entry_selectors.Preview.from_json(staged.preview)
    page = Paginator(result.rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/preview.html",
        {
            "staged": staged,
            "submission": submission,
            "preview": result,
            "general": general + result.general,
            "page": page,
        },
        status=400 if request.method == "POST" else 200,
    )


_CHANGED_SINCE = (
    "Some figures are no longer acceptable: the catalogue or the approved figures have changed "
    "since the file was checked. Upload it again to see why."
)


@requires("enter_values")
def template(request: HttpRequest, file_format: str) -> HttpResponse:
    """A blank long-format file listing the organisation's measures and the period now due."""
    organisation = _organisation(request)
    if file_format not in resources.CONTENT_TYPES:
        raise Http404("Templates come as csv or xlsx.")
    records = entry_selectors.template_records(organisation.pk, timezone.localdate())
    content = resources.export_values(resources.values_dataset(records, names=True), file_format)
    response = HttpResponse(content, content_type=resources.CONTENT_TYPES[file_format])
    filename = f"{organisation.short_name}-figures-template.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
