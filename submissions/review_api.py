"""The API's approval endpoints: `POST /api/v1/submissions/{id}/approve/` and `…/send-back/`.

Same rules as the review page, through submissions.approval: 403 when the caller may not decide
(role, or they prepared it), 404 for an unknown id, 409 when the submission is not awaiting a
decision, 200 with `{"id", "status"}` on success.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from portal.api import DETAIL, Can
from submissions import approval
from submissions.models import Submission

DECISION = inline_serializer(
    "SubmissionDecision", {"id": serializers.IntegerField(), "status": serializers.CharField()}
)
SEND_BACK = inline_serializer("SendBack", {"comment": serializers.CharField()})
RESPONSES = {
    200: DECISION,
    403: OpenApiResponse(DETAIL, description="Not an approver, or prepared this submission"),
    404: OpenApiResponse(DETAIL, description="No such submission"),
    409: OpenApiResponse(DETAIL, description="Not awaiting a decision (already decided, or draft)"),
}


class _Decision(APIView):
    # The role is checked before any lookup, so callers who may not review learn nothing about
    # which submissions exist; the service then checks the rest (prepared it, already decided).
    permission_classes = [
        Can("review_submissions", "Only approvers can approve or send back submissions.")
    ]

    @staticmethod
    def _reviewer(request: Request) -> User:
        assert isinstance(request.user, User)  # Can() admits signed-in reviewers only
        return request.user

    @staticmethod
    def _answer(submission: Submission) -> Response:
        return Response({"id": submission.pk, "status": submission.status})


class SubmissionApprove(_Decision):
    @extend_schema(request=None, responses=RESPONSES, summary="Approve a submitted return")
    def post(self, request: Request, submission_id: int) -> Response:
        return self._answer(approval.submission_approve(submission_id, by=self._reviewer(request)))


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
        comment = request.data.get("comment") if hasattr(request.data, "get") else None
        submission = approval.submission_send_back(
            submission_id,
            by=self._reviewer(request),
            comment=comment if isinstance(comment, str) else "",
        )
        return self._answer(submission)
