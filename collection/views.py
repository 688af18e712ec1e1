"""Pages for running the collection: every partner's returns tracker (approvers and admins),
completeness and timeliness with its CSV, and a person's e-mail preferences. Thin: permission,
then a selector or service, then render.

(A data lead's own tracker is on their home page and the board's freshness panel on the
scorecard, both through `collection.templatetags.collection`.)
"""

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from collection import selectors, services
from collection.charts import completeness_chart
from collection.completeness import days_text, percent
from collection.filters import ReturnFilter
from portal.permissions import can, requires
from scorecard.figures import neutralise
from scorecard.models import Measure


@requires("oversee_collection")
def tracker(request: HttpRequest) -> HttpResponse:
    """Every partner's returns, filterable by partner, measure and status (a GET form)."""
    filterset = ReturnFilter(request.GET or None, queryset=Measure.objects.all())
    today = timezone.localdate()
    rows = selectors.returns(today=today, measures=filterset.qs)
    statuses = filterset.statuses
    shown = [r for r in rows if not statuses or r.status in statuses]
    shown.sort(key=lambda r: (r.organisation.name, r.measure.number))  # periods stay newest first
    return render(
        request,
        "collection/tracker.html",
        {
            "filter": filterset,
            "rows": shown,
            "total": len(rows),
            "counts": selectors.status_counts(rows),
            "today": today,
        },
    )


@requires("oversee_collection")
def completeness(request: HttpRequest) -> HttpResponse:
    """Completeness and timeliness over the last twelve months, by partner and by measure."""
    rows = selectors.returns(today=timezone.localdate())
    partners = selectors.completeness_by_partner(rows)
    return render(
        request,
        "collection/completeness.html",
        {
            "partners": partners,
            "measures": selectors.completeness_by_measure(rows),
            "chart": completeness_chart(partners),
        },
    )


CSV_HEADER = [
    "partner",
    "measure",
    "measure_name",
    "periods_expected",
    "approved",
    "approved_percent",
    "submitted_by_due_date",
    "on_time_percent",
    "submitted_late",
    "median_days_late",
]


@requires("oversee_collection")
def completeness_csv(request: HttpRequest) -> HttpResponse:
    """The completeness table as CSV: each partner's total, then its measures (formula-safe)."""
    rows = selectors.returns(today=timezone.localdate())
    by_measure = selectors.completeness_by_measure(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for partner in selectors.completeness_by_partner(rows):
        lines = [partner] + [m for m in by_measure if m.organisation.pk == partner.organisation.pk]
        for line in lines:
            figures = line.figures
            median = figures.median_days_late
            writer.writerow(
                [
                    neutralise(line.organisation.name),
                    "all" if line.measure is None else line.measure.number,
                    "" if line.measure is None else neutralise(line.measure.name),
                    figures.expected,
                    figures.approved,
                    _blank(percent(figures.approved_share)),
                    figures.on_time,
                    _blank(percent(figures.on_time_share)),
                    figures.late,
                    "" if median is None else days_text(median),
                ]
            )
    filename = f"completeness-{timezone.localdate():%Y-%m-%d}.csv"
    return HttpResponse(
        "\ufeff" + out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "private, no-store",
        },
    )


def _blank(value: int | None) -> str | int:
    return "" if value is None else value


class PreferencesForm(forms.Form):
    weekly_digest = forms.BooleanField(
        required=False,
        label="Send me the weekly digest",
        help_text=(
            "On Monday mornings: by partner, the returns that are overdue and those waiting "
            "for approval. Not sent in a week with nothing to report."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """What the portal e-mails this person, and the weekly digest switched on or off."""
    user = request.user
    reviewer = can(user, "review_submissions")
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"weekly_digest": selectors.digest_wanted(user)},
    )
    if request.method == "POST" and not reviewer:
        raise PermissionDenied("Only approvers and admins get the weekly digest.")
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["weekly_digest"]
        services.preferences_update(user, weekly_digest=wanted)  # type: ignore[arg-type]
        messages.success(
            request,
            "You will get the weekly digest." if wanted else "The weekly digest is switched off.",
        )
        return redirect("collection:preferences")
    return render(
        request,
        "collection/preferences.html",
        {
            "form": form,
            "reviewer": reviewer,
            "lead": can(user, "enter_values"),
        },
    )
