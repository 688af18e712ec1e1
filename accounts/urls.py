from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.people, name="people"),
    path("invite/", views.invite, name="invite"),
    path("roles/", views.roles, name="roles"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/add/", views.organisation, name="organisation_add"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/active/", views.set_active, name="set_active"),
    path("<int:pk>/invitation/", views.resend, name="resend"),
]
