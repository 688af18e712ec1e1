from django.urls import path

from submissions import entry_views, review_views, views

app_name = "submissions"
urlpatterns: list = [
    # Entering and uploading figures (issue 3): the data lead's pages and a return's page.
    path("", views.home, name="home"),
    path("new/", entry_views.new, name="new"),
    path("upload/", views.upload, name="upload"),
    path("upload/<str:token>/", views.preview, name="preview"),
    path("template.<str:file_format>", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", entry_views.edit, name="edit"),
    path("<int:pk>/upload/", views.upload, name="upload_replace"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    # Approval (issue 4): the approver's queue, bulk approval and one return's review.
    path("review/", review_views.queue, name="queue"),
    path("review/approve/", review_views.bulk_approve, name="bulk_approve"),
    path("<int:submission_id>/review/", review_views.review, name="review"),
]
