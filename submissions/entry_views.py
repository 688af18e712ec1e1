"""The entry grid: a data lead types their figures, one row per measure and period, checks them
(warnings and errors beside the figures they concern, nothing saved), then saves and submits
them, or saves a draft. Works without JavaScript. Thin: the rows come from
`submissions.entry_selectors`, the checks from the one validator through `submissions.services`.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portal.permissions import requires
from portal.templatetags.govuk import govuk_error_list
from submissions import entry_selectors, selectors, services
from submissions.entry_selectors import EntryRow
from submissions.forms import DUE, FORM_MAX_ROWS, BaseGridFormSet, GridFormSet, PeriodChoiceForm
from submissions.models import Channel, Submission
from submissions.services import InvalidSubmission, NotAllowed, WrongState
from submissions.validation import Issue
from submissions.views import editable_or_redirect, organisation_of

ACTIONS = ("submit", "check", "draft", "add_period")


@requires("enter_values")
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Choose which figures (those now due, or a period's), then type them on the grid."""
    organisation_id = organisation_of(request).pk
    today = timezone.localdate()
    choices = selectors.period_choices(organisation_id, today)
    if "period" not in request.GET and "other" not in request.GET:
        form = PeriodChoiceForm(choices=choices, today=today, initial={"period": DUE})
        return render(request, "submissions/choose_period.html", {"form": form})
    form = PeriodChoiceForm(request.GET, choices=choices, today=today)
    if not form.is_valid():
        return render(request, "submissions/choose_period.html", {"form": form})
    chosen = form.cleaned_data["period"]
    if chosen == DUE:
        rows = entry_selectors.due_rows(organisation_id, today)
        title = "Enter the figures now due"
    else:
        rows = entry_selectors.period_rows(organisation_id, [chosen], today=today)
        title = f"Enter figures for {chosen.label}"
    return _grid(request, rows, submission=None, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's (or a sent-back return's) figures on the grid."""
    found = editable_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    submission = found
    values = list(submission.values.select_related("measure", "area", "period"))
    rows = entry_selectors.period_rows(
        submission.organisation_id,
        {v.period.period for v in values},
        values,
        today=timezone.localdate(),
        comments=True,
    )
    if len(rows) > FORM_MAX_ROWS:
        rows = [r for r in rows if r.initial]
    held = sum(1 for r in rows for key in ("value", "england") if r.initial.get(key))
    if len(rows) > FORM_MAX_ROWS or held < len(values):
        messages.info(
            request,
            f"This return has {len(values):,} figures, some of them more than the grid can "
            "show (too many rows, or areas other than the local area and England): change it "
            "by uploading a corrected file instead.",
        )
        return redirect("submissions:upload_replace", pk=submission.pk)
    return _grid(request, rows, submission=submission, title=f"Change submission {submission.pk}")


def _grid(
    request: HttpRequest, rows: list[EntryRow], *, submission: Submission | None, title: str
) -> HttpResponse:
    england = next((r.england.area.name for r in rows if r.england), "England")
    if request.method != "POST":
        formset = GridFormSet(initial=[{**r.identity(), **r.initial} for r in rows])
        return _page(request, formset, rows, submission=submission, title=title)
    formset = cast(BaseGridFormSet, GridFormSet(request.POST))
    formset.england = england
    action = request.POST.get("action")
    if action not in ACTIONS:
        action = "check"
    if not formset.is_valid():
        return _page(
            request, formset, _posted_rows(request, formset), submission=submission, title=title
        )
    rows = _posted_rows(request, formset)
    if action == "add_period":
        return _add_period(request, formset, rows, submission=submission, title=title)
    raw = formset.raw_rows()
    try:
        if action == "check":
            result = services.figures_check(by=request.user, rows=raw)
            general = formset.add_issues(result.issues)
            return _page(
                request,
                formset,
                rows,
                submission=submission,
                title=title,
                general=general,
                checked=len(result.values),
            )
        submit = action == "submit"
        if submission is None:
            submission, _ = services.submission_create(
                by=request.user, rows=raw, channel=Channel.FORM, submit=submit
            )
        else:
            services.submission_update(
                submission, by=request.user, rows=raw, channel=Channel.FORM, submit=submit
            )
    except InvalidSubmission as exc:
        general = formset.add_issues([*exc.errors, *exc.warnings])
        return _page(request, formset, rows, submission=submission, title=title, general=general)
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


def _posted_rows(request: HttpRequest, formset: BaseGridFormSet) -> list[EntryRow]:
    """The rows the posted grid holds (it may hold periods added on the page)."""
    return entry_selectors.rows_for(
        organisation_of(request).pk,
        [form.identity() for form in formset.forms],
        today=timezone.localdate(),
    )


def _add_form(request: HttpRequest, *, bound: bool) -> PeriodChoiceForm:
    today = timezone.localdate()
    choices = selectors.period_choices(organisation_of(request).pk, today)
    data = request.POST if bound else None
    return PeriodChoiceForm(data, choices=choices, today=today, offer_due=False, prefix="add")


def _add_period(
    request: HttpRequest,
    formset: BaseGridFormSet,
    rows: list[EntryRow],
    *,
    submission: Submission | None,
    title: str,
) -> HttpResponse:
    """Add a row for each of the organisation's measures of another period, keeping every
    figure typed so far; nothing is saved."""
    add = _add_form(request, bound=True)
    if not add.is_valid():
        return _page(request, formset, rows, submission=submission, title=title, add=add)
    typed = {form.identity(): form.cleaned_data for form in formset.forms}
    extra = [
        r
        for r in entry_selectors.period_rows(
            organisation_of(request).pk, [add.cleaned_data["period"]], today=timezone.localdate()
        )
        if (str(r.measure.number), r.period.label) not in typed
    ]
    if len(typed) + len(extra) > FORM_MAX_ROWS:
        add.add_error(
            "period",
            f"The grid takes at most {FORM_MAX_ROWS} rows: save these figures first, then add "
            "the period to the saved return, or upload a file.",
        )
        return _page(request, formset, rows, submission=submission, title=title, add=add)
    # Each measure's periods side by side, with what was typed kept.
    grown_rows = sorted(rows + extra, key=lambda r: (r.measure.number, r.period))
    initial = [
        typed.get((str(r.measure.number), r.period.label)) or r.identity() for r in grown_rows
    ]
    grown = GridFormSet(initial=initial)
    period = add.cleaned_data["period"]
    messages.info(request, f"Rows for {period.label} added: nothing has been saved yet.")
    return _page(request, grown, grown_rows, submission=submission, title=title)


def _page(
    request: HttpRequest,
    formset: Any,
    rows: list[EntryRow],
    *,
    submission: Submission | None,
    title: str,
    general: list[Issue] | None = None,
    checked: int | None = None,
    add: PeriodChoiceForm | None = None,
) -> HttpResponse:
    """The grid with each form beside its row's approved figures, every error in the summary
    linked to its input, and each warning beside its figure and listed above the grid."""
    by_key = {(str(r.measure.number), r.period.label): r for r in rows}
    items: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    warned: list[dict[str, str]] = []
    for index, form in enumerate(formset.forms, start=1):
        row = by_key.get(form.identity())
        label = _label(row, form)
        for name in ("value", "england"):
            # The approved figures beside the row describe its two figures' inputs.
            form.fields[name].widget.attrs["aria-describedby"] = f"row-{index}-before"
        for name, texts in form.warnings.items():
            field_id = form[name].auto_id
            attrs = form.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(
                filter(None, [attrs.get("aria-describedby"), f"{field_id}-warning"])
            )
            warned.extend({"text": f"{label}: {t}", "href": f"#{field_id}"} for t in texts)
        for name, texts in form.errors.items():
            visible = name in form.fields and not form[name].is_hidden
            anchor = f"#{form[name if visible else 'value'].auto_id}"
            errors.extend({"text": f"{label}: {t}", "href": anchor} for t in texts)
        items.append({"form": form, "row": row, "label": label})
    summary = [{"text": issue.message, "href": ""} for issue in general or []] + errors
    summary += [{"text": str(e), "href": ""} for e in formset.non_form_errors()]
    if add is not None:
        summary += govuk_error_list(add)
    local = next((r.local.area.name for r in rows), "Local area")
    return render(
        request,
        "submissions/entry.html",
        {
            "formset": formset,
            "items": items,
            "submission": submission,
            "title": title,
            "error_summary": summary,
            "warned": warned,
            "checked": checked,
            "add": add or _add_form(request, bound=False),
            "local_name": local,
            "any_ratio": any(r.uses_ratio for r in rows),
            "any_england": any(r.england for r in rows),
            "any_variance": any(r.uses_variance for r in rows),
            "mixed_due": any(r.period != r.due for r in rows),
        },
    )


def _label(row: EntryRow | None, form: Any) -> str:
    """A row as the error summary and the inputs' labels name it."""
    if row is None:
        number, period = form.identity()
        return f"Measure {number}, {period}"
    return f"Measure {row.measure.number} ({row.measure.name}), {row.period.label}"
