"""The portal's URLs: pages by app, the JSON API under /api/v1/, Django's auth under /accounts/.

Django's own auth views serve signing in and out and resetting a password, at their usual paths
and names (so limits wrapped around them, such as on password resets, apply); only the forms that
set a password are the portal's, to record it in the audit trail.
"""

from django.contrib import admin
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetConfirmView
from django.urls import include, path

from accounts.forms import AuditedPasswordChangeForm, AuditedSetPasswordForm, SignInForm
from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path(
        "accounts/password_change/",
        PasswordChangeView.as_view(form_class=AuditedPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(form_class=AuditedSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/", include("accounts.signin_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("people/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("scorecard/", include("scorecard.urls")),
    path("submissions/", include("submissions.urls")),
    path("returns/", include("collection.urls")),
    path("commentary/", include("commentary.urls")),
    path("api/v1/", include("portal.api_urls")),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
