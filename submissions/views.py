"""Pages for partners' returns: the data lead's home, uploading a file with its preview, and a
submission's page (the entry grid is in `submissions.entry_views`). Thin: permission, then a
selector or service, then render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from audit.selectors import history_for
from portal.permissions import can, requires
from submissions import entry_selectors, resources, selectors, services
from submissions.forms import (
    UploadForm,
)
from submissions.models import Submission, UploadMode
from submissions.services import InvalidSubmission, WrongState
from submissions.validation import Issue

PREVIEW_PAGE_SIZE = 100
#: Problems listed on the upload page for a file with nothing worth previewing.
UPLOAD_ERRORS_SHOWN = 20
VALUES_PAGE_SIZE = 200
#: Returns a lead's home lists at a time: an organisation sends hundreds over the years.
RETURNS_PAGE_SIZE = 25


def organisation_of(request: HttpRequest) -> Organisation:
    """The data lead's organisation (every data lead has one: a database constraint)."""
    organisation = getattr(request.user, "organisation", None)
    assert organisation is not None
    return organisation


def editable_or_redirect(request: HttpRequest, pk: int) -> Submission | HttpResponse:
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
    """A data lead's returns tracker (what is due, grouped by what to do next) and returns."""
    organisation = organisation_of(request)
    returns = selectors.organisation_submissions(organisation.pk)
    page = Paginator(returns, RETURNS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/home.html",
        {"organisation": organisation, "submissions": page.object_list, "page": page},
    )


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
            "history": history_for(submission),
            "split_into": submission.split_into.order_by("pk"),
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
    found = editable_or_redirect(request, pk)
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
    """Upload a long-format file: for a new return, or to add to (or replace the figures of) an
    open return, chosen here or on the return's page."""
    organisation = organisation_of(request)
    submission = None
    if pk is not None:
        found = editable_or_redirect(request, pk)
        if isinstance(found, HttpResponse):
            return found
        submission = found
    open_returns = [] if submission else list(selectors.editable_returns(organisation.pk))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        submission=submission,
        open_returns=open_returns,
    )
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        parsed = resources.read_values_file(file.name or "", file.read())
        issues = parsed.issues
        if not issues:
            target, mode = form.target()
            try:
                token = services.upload_stage(
                    by=request.user,
                    filename=file.name or "",
                    rows=parsed.rows,
                    submission=target,
                    mode=mode,
                    ignored=parsed.ignored,
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
    return render(
        request,
        "submissions/upload.html",
        {
            "form": form,
            "submission": submission,
            "conventions": entry_selectors.period_conventions(
                organisation.pk, timezone.localdate()
            ),
        },
    )


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
    result = entry_selectors.Preview.from_json(staged.preview, upload_id=staged.pk)
    page = Paginator(result.rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/preview.html",
        {
            "staged": staged,
            "submission": submission,
            "adding": staged.mode == UploadMode.ADD,
            "ignored": resources.ignored_text(staged.ignored) if staged.ignored else "",
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
    organisation = organisation_of(request)
    if file_format not in resources.CONTENT_TYPES:
        raise Http404("Templates come as csv or xlsx.")
    records = entry_selectors.template_records(organisation.pk, timezone.localdate())
    content = resources.export_values(resources.values_dataset(records, names=True), file_format)
    response = HttpResponse(content, content_type=resources.CONTENT_TYPES[file_format])
    filename = f"{organisation.short_name}-figures-template.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
