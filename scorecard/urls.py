from django.urls import path

from scorecard import views

app_name = "scorecard"
urlpatterns = [
    path("", views.live, name="live"),
    path("editions/", views.edition_list, name="editions"),
    path("editions/<str:name>/", views.edition_detail, name="edition"),
]
