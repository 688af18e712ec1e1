from django.urls import path

from collection import views

app_name = "collection"
urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness.csv", views.completeness_csv, name="completeness_csv"),
    path("email-preferences/", views.preferences, name="preferences"),
]
