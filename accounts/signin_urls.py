"""Signing-in pages under /accounts/, before Django's own (django.contrib.auth.urls)."""

from django.urls import path

from accounts import signin_views

urlpatterns = [
    path("password_reset/", signin_views.PasswordReset.as_view(), name="password_reset"),
    path("two-factor/", signin_views.two_factor, name="two_factor"),
    path("two-factor/setup/", signin_views.two_factor_setup, name="two_factor_setup"),
    path("api-tokens/", signin_views.api_tokens, name="api_tokens"),
]
