"""The portal's URLs: pages by app, the JSON API under /api/v1/, Django's auth under /accounts/."""

from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from accounts.forms import SignInForm
from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/", include("accounts.signin_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("scorecard/", include("scorecard.urls")),
    path("submissions/", include("submissions.urls")),
    path("api/v1/", include("portal.api_urls")),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
