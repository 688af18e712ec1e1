"""The API's approval endpoints: `POST /api/v1/submissions/{id}/approve/` and `…/send-back/`.

Same rules as the review page, through submissions.approval: 403 when the caller may not decide
(role, or they prepared it), 404 for an unknown id, 409 when the submission is not awaiting a
decision, 200 with `{"id", "status"}` on success.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from portal.permissions import can
from submissions import approval
from submissions.models import Submission

DECISION = inline_serializer(
    "SubmissionDecision", {"id": serializers.IntegerField(), "status": serializers.CharField()}
)
SEND_BACK = inline_serializer("SendBack", {"comment": serializers.CharField()})
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})
RESPONSES = {
    200: DECISION,
    403: OpenApiResponse(DETAIL, description="Not an approver, or prepared this submission"),
    404: OpenApiResponse(DETAIL, description="No such submission"),
    409: OpenApiResponse(DETAIL, description="Not awaiting a decision (already decided, or draft)"),
}


class _Decision(APIView):
    def _reviewer(self, request: Request, submission_id: int) -> User:
        # The role is checked before the lookup so callers who may not review learn nothing
        # about which submissions exist.
        if not can(request.user, "review_submissions"):
            raise PermissionDenied("Only approvers can approve or send back submissions.")
        if not Submission.objects.filter(pk=submission_id).exists():
            raise NotFound(f"There is no submission {submission_id}.")
        user = request.user
        assert isinstance(user, User)
        return user

    @staticmethod
    def _answer(submission: Submission) -> Response:
        return Response({"id": submission.pk, "status": submission.status})

    @staticmethod
    def _conflict(exc: approval.TransitionError) -> Response:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


class SubmissionApprove(_Decision):
    @extend_schema(request=None, responses=RESPONSES, summary="Approve a submitted return")
    def post(self, request: Request, submission_id: int) -> Response:
        user = self._reviewer(request, submission_id)
        try:
            submission = approval.submission_approve(submission_id, by=user)
        except Submission.DoesNotExist as exc:
            raise NotFound(f"There is no submission {submission_id}.") from exc
        except approval.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except approval.TransitionError as exc:
            return self._conflict(exc)
        return self._answer(submission)


class SubmissionSendBack(_Decision):
    @extend_schema(
        request=SEND_BACK,
        responses={
            **RESPONSES,
            400: OpenApiResponse(
                description='No comment: {"errors": [{"row", "field", "message"}]}'
            ),
        },
        summary="Send a submitted return back to its data lead with a comment",
    )
    def post(self, request: Request, submission_id: int) -> Response:
        user = self._reviewer(request, submission_id)
        comment = request.data.get("comment") if hasattr(request.data, "get") else None
        try:
            submission = approval.submission_send_back(
                submission_id, by=user, comment=comment if isinstance(comment, str) else ""
            )
        except Submission.DoesNotExist as exc:
            raise NotFound(f"There is no submission {submission_id}.") from exc
        except approval.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except approval.TransitionError as exc:
            return self._conflict(exc)
        except approval.CommentRequired as exc:
            return Response(
                {"errors": [{"row": None, "field": "comment", "message": str(exc)}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self._answer(submission)
