"""The approver's pages: the queue of submitted returns, bulk approval, and one return's review.

Thin: the rules (who may decide, which states allow it, what approval writes) live in
submissions.approval; these views parse the request, call it and say what happened.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from portal.permissions import can, requires
from portal.text import COMMENT_MAX_LENGTH
from submissions import approval, selectors
from submissions.models import Status, Submission


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the data lead",
        help_text="Say what needs to change. The data lead sees it on the return and by e-mail.",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a comment saying what the data lead needs to change"},
    )


def _reviewer(request: HttpRequest) -> User:
    """The signed-in approver or admin (`requires("review_submissions")` has admitted them
    before any submission is looked up, so the page reveals nothing to others)."""
    user = request.user
    assert isinstance(user, User)
    return user


@requires("review_submissions")
def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    entries = selectors.approval_queue(for_user=user)
    return render(
        request,
        "submissions/review/queue.html",
        {"entries": entries, "selectable": any(e.clean and not e.prepared_by_you for e in entries)},
    )


@requires("review_submissions")
@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    try:
        ids = [int(i) for i in request.POST.getlist("submission")]
    except ValueError:
        return HttpResponseBadRequest("Submission ids must be numbers.")
    if not ids:
        messages.error(request, "Select at least one submission to approve.")
        return redirect("submissions:queue")
    result = approval.submissions_bulk_approve(ids, by=user)
    if result.approved:
        numbers = ", ".join(str(i) for i in result.approved)
        noun = "submission" if len(result.approved) == 1 else "submissions"
        messages.success(
            request,
            f"Approved {len(result.approved)} {noun} ({numbers}). "
            "The live scorecard is being updated.",
        )
    for _, reason in result.skipped:
        messages.warning(request, f"Not approved: {reason}")
    return redirect("submissions:queue")


@requires("review_submissions")
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = _reviewer(request)
    submission = get_object_or_404(
        Submission.objects.select_related("organisation", "created_by", "decided_by"),
        pk=submission_id,
    )
    form = SendBackForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                approval.submission_approve(submission.pk, by=user)
                messages.success(
                    request,
                    f"Submission {submission.pk} from {submission.organisation.short_name} "
                    "approved. The live scorecard is being updated.",
                )
                return redirect("submissions:queue")
            if action == "send_back":
                form = SendBackForm(request.POST)
                if form.is_valid():
                    approval.submission_send_back(
                        submission.pk, by=user, comment=form.cleaned_data["comment"]
                    )
                    messages.success(
                        request,
                        f"Submission {submission.pk} sent back to "
                        f"{submission.organisation.name} with your comment.",
                    )
                    return redirect("submissions:queue")
            else:
                return HttpResponseBadRequest("Choose to approve or to send back.")
        except approval.TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("submissions:review", submission_id=submission.pk)
        except approval.CommentRequired as exc:
            form.add_error("comment", str(exc))
    return render(
        request,
        "submissions/review/review.html",
        {
            "submission": submission,
            "lines": selectors.value_lines(submission),
            "events": submission.events.select_related("actor"),
            "form": form,
            "awaiting": submission.status == Status.SUBMITTED,
            "may_decide": can(user, "approve_submission", submission),
        },
    )
