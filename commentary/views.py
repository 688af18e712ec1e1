"""Pages for a measure's commentary: the data lead writes it, an approver decides it. Thin: the
rules live in commentary.services and portal.permissions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit.selectors import events_for
from commentary import selectors, services
from commentary.forms import CommentaryForm
from commentary.models import Commentary
from portal.errors import FieldError, Missing, NotAllowed, WrongState
from portal.permissions import can, requires
from scorecard.models import Measure
from scorecard.selectors import document_row, row_of
from submissions.approval import CommentRequired, TransitionError
from submissions.forms import SendBackForm


def _measure_or_404(number: int) -> Measure:
    measure = (
        Measure.objects.select_related("organisation", "row__latest_period", "commitment")
        .filter(number=number)
        .first()
    )
    if measure is None:
        raise Http404("No such measure")
    return measure


@requires("view_scorecard")
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, number: int) -> HttpResponse:
    """Write or rewrite a measure's commentary and actions (a data lead of its organisation)."""
    measure = _measure_or_404(number)
    if not can(request.user, "write_commentary", measure):
        raise PermissionDenied("Only a data lead of the measure's organisation writes it.")
    current = selectors.in_hand(measure)
    if current is not None and not can(request.user, "edit_commentary", current):
        messages.info(
            request, "This measure's commentary is waiting for approval, so it cannot change now."
        )
        return redirect("commentary:detail", current.pk)
    approved = selectors.approved_by_measure([measure.pk]).get(measure.pk)
    start = current or approved
    form = CommentaryForm(
        request.POST or None,
        initial={"commentary": start.commentary, "actions": start.actions} if start else None,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            written = services.commentary_save(
                measure,
                by=request.user,
                commentary=form.cleaned_data["commentary"],
                actions=form.cleaned_data["actions"],
                submit=submit,
            )
        except FieldError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except WrongState as exc:
            messages.error(request, str(exc))
            return redirect("commentary:write", number)
        else:
            messages.success(
                request,
                f"Commentary on measure {measure.number} submitted for approval."
                if submit
                else f"Commentary on measure {measure.number} saved as a draft.",
            )
            return redirect("commentary:detail", written.pk)
    return render(
        request,
        "commentary/write.html",
        {
            "measure": measure,
            "row": document_row(row_of(measure)),
            "form": form,
            "current": current,
            "approved": approved,
        },
    )


def _commentary_or_404(request: HttpRequest, pk: int) -> Commentary:
    try:
        return selectors.commentary_for(request.user, pk)
    except Missing as exc:
        raise Http404(str(exc)) from exc


@requires("view_scorecard")
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A commentary with its history; an approver approves it or sends it back here."""
    commentary = _commentary_or_404(request, pk)
    form = SendBackForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.commentary_approve(commentary.pk, by=request.user)
                messages.success(
                    request,
                    f"Commentary on measure {commentary.measure.number} approved. It now shows "
                    "on the live scorecard.",
                )
                return redirect("submissions:queue")
            if action != "send_back":
                return HttpResponseBadRequest("Choose to approve or to send back.")
            form = SendBackForm(request.POST)
            if form.is_valid():
                services.commentary_send_back(
                    commentary.pk, by=request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(
                    request,
                    f"Commentary on measure {commentary.measure.number} sent back to "
                    f"{commentary.organisation.name} with your comment.",
                )
                return redirect("submissions:queue")
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("commentary:detail", commentary.pk)
        except CommentRequired as exc:
            form.add_error("comment", str(exc))
    user = request.user
    return render(
        request,
        "commentary/detail.html",
        {
            "commentary": commentary,
            "events": events_for(commentary),
            "can_edit": can(user, "edit_commentary", commentary),
            "can_decide": commentary.status == "submitted"
            and can(user, "approve_commentary", commentary),
            "prepared_by_you": can(user, "review_submissions") and commentary.was_prepared_by(user),
            "form": form,
        },
    )


@requires("view_scorecard")
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    commentary = _commentary_or_404(request, pk)
    try:
        services.commentary_submit(commentary.pk, by=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except WrongState as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Commentary on measure {commentary.measure.number} submitted for approval.",
        )
    return redirect("commentary:detail", commentary.pk)
