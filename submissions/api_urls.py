"""The submissions API's routes, included under /api/v1/ by portal.api_urls."""

from django.urls import path

from submissions import api, review_api

urlpatterns = [
    path("submissions/", api.SubmissionListCreate.as_view(), name="api-submissions"),
    path(
        "submissions/<int:submission_id>/",
        api.SubmissionDetail.as_view(),
        name="api-submission",
    ),
    path(
        "submissions/<int:submission_id>/submit/",
        api.SubmissionSubmit.as_view(),
        name="api-submission-submit",
    ),
    path(
        "submissions/<int:submission_id>/approve/",
        review_api.SubmissionApprove.as_view(),
        name="api-submission-approve",
    ),
    path(
        "submissions/<int:submission_id>/send-back/",
        review_api.SubmissionSendBack.as_view(),
        name="api-submission-send-back",
    ),
]
