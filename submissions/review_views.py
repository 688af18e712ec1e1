"""The approver's pages: the queue of submitted returns, bulk approval, and one return's review,
where the approver approves it, sends it back, or sends back some figures (each with a comment)
while approving the rest.

Thin: the rules (who may decide, which states allow it, what approval writes) live in
submissions.approval; these views parse the request, call it and say what happened.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from audit.selectors import history_for
from portal.permissions import can, requires
from portal.text import COMMENT_MAX_LENGTH
from submissions import approval, review_selectors, selectors
from submissions.models import Status, Submission, SubmittedValue

#: Returns with more figures than this are decided whole on the page: two fields a figure
#: must stay within Django's limit on posted fields (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000).
MAX_FIGURES_ONE_BY_ONE = 400


class DecisionForm(forms.Form):
    """A comment for the whole return, and for each figure a "send back" box and a comment."""

    comment = forms.CharField(
        label="Comment for the data lead",
        required=False,
        help_text="Say what needs to change. The data lead sees it on the return and by e-mail.",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, values: list[SubmittedValue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].mark_optional = False  # type: ignore[attr-defined]
        self.values = values if len(values) <= MAX_FIGURES_ONE_BY_ONE else []
        for value in self.values:
            where = f"measure {value.measure.number}, {value.area.name}, {value.period.label}"
            self.fields[f"back-{value.pk}"] = forms.BooleanField(
                required=False, label=f"Send back {where}"
            )
            self.fields[f"comment-{value.pk}"] = forms.CharField(
                required=False,
                max_length=approval.FIGURE_COMMENT_MAX_LENGTH,
                label=f"What needs to change in {where}",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value in self.values:
            ticked = data.get(f"back-{value.pk}")
            comment = (data.get(f"comment-{value.pk}") or "").strip()
            where = f"measure {value.measure.number}, {value.area.name}, {value.period.label}"
            if ticked and not comment:
                self.add_error(
                    f"comment-{value.pk}", f"Say what needs to change in {where}, or untick it"
                )
            elif comment and not ticked:
                self.add_error(
                    f"comment-{value.pk}",
                    f"Tick ‘Send back’ for {where} to send it back, or delete its comment",
                )
        return data

    def send_back(self) -> dict[int, str]:
        """The figures ticked to send back, each with its comment."""
        return {
            v.pk: self.cleaned_data.get(f"comment-{v.pk}", "")
            for v in self.values
            if self.cleaned_data.get(f"back-{v.pk}")
        }


def _reviewer(request: HttpRequest) -> User:
    """The signed-in approver or admin (`requires("review_submissions")` has admitted them
    before any submission is looked up, so the page reveals nothing to others)."""
    user = request.user
    assert isinstance(user, User)
    return user


@requires("review_submissions")
def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    entries = selectors.approval_queue(for_user=user, today=timezone.localdate())
    return render(
        request,
        "submissions/review/queue.html",
        {
            "entries": entries,
            "selectable": any(e.clean and not e.prepared_by_you for e in entries),
            "decisions": selectors.recent_decisions(),
        },
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
    lines, since = review_selectors.review_lines(submission)
    values = [line.value for line in lines]
    form = DecisionForm(values=values)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("approve", "send_back"):
            return HttpResponseBadRequest("Choose to approve or to send back.")
        form = DecisionForm(request.POST, values=values)
        if form.is_valid():
            try:
                return _decide(request, submission, form, action, by=user)
            except approval.TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("submissions:review", submission_id=submission.pk)
            except approval.FigureCommentRequired as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            except approval.CommentRequired as exc:
                form.add_error("comment", str(exc))
    figures = [
        {
            "line": line,
            "back": form[f"back-{line.value.pk}"] if form.values else None,
            "comment": form[f"comment-{line.value.pk}"] if form.values else None,
        }
        for line in lines
    ]
    return render(
        request,
        "submissions/review/review.html",
        {
            "submission": submission,
            "figures": figures,
            "since": since,
            "history": history_for(submission),
            "form": form,
            "one_by_one": bool(form.values),
            "awaiting": submission.status == Status.SUBMITTED,
            "may_decide": can(user, "approve_submission", submission),
        },
    )


def _decide(
    request: HttpRequest, submission: Submission, form: DecisionForm, action: str, *, by: User
) -> HttpResponse:
    name = submission.organisation.short_name
    if action == "send_back":
        figures = form.send_back()
        approval.submission_send_back(
            submission.pk, by=by, comment=form.cleaned_data["comment"], figure_comments=figures
        )
        messages.success(
            request,
            f"Submission {submission.pk} sent back to {submission.organisation.name} with "
            f"your comment{'s' if figures else ''}.",
        )
        return redirect("submissions:queue")
    decision = approval.submission_decide(
        submission.pk, by=by, send_back=form.send_back(), comment=form.cleaned_data["comment"]
    )
    if decision.approved is None:
        messages.success(
            request,
            f"Every figure of submission {submission.pk} was marked to send back, so the return "
            f"was sent back to {submission.organisation.name} with your comments.",
        )
    elif decision.sent_back is None:
        messages.success(
            request,
            f"Submission {submission.pk} from {name} approved. The live scorecard is being "
            "updated.",
        )
    else:
        back = decision.sent_back.values.count()
        kept = decision.approved.values.count()
        messages.success(
            request,
            f"Submission {submission.pk} from {name}: {kept} figure{'s' if kept != 1 else ''} "
            f"approved; {back} sent back to the data lead as submission "
            f"{decision.sent_back.pk}. The live scorecard is being updated.",
        )
    return redirect("submissions:queue")
