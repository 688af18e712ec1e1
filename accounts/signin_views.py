"""Signing in safely: the second step for approvers and admins (a code from an authenticator
app, and setting one up), a person's API tokens, and password reset limited per address and per
e-mail. Thin: each asks accounts.services and renders."""

from __future__ import annotations

import hashlib
from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts import signin_services as services
from portal.clients import allowed, client_ip
from portal.permissions import needs_two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now, for example 123456.",
        max_length=10,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-5",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the person's authenticator app."""
    if not needs_two_factor(request.user):
        return redirect(_next(request))
    if not TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).exists():
        return redirect(f"{_url('two_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_verify(request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error(
            "code", "The code is wrong or has expired: enter the code your app shows now"
        )
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of an approver or admin: add the portal to an authenticator app and
    confirm it with a code. Once a device is confirmed, only an admin can replace it."""
    if not needs_two_factor(request.user):
        return redirect(_next(request))
    if TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).exists():
        return redirect(f"{_url('two_factor')}?{request.GET.urlencode()}")
    device = services.totp_pending(request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(device, form.cleaned_data["code"]):
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(_next(request))
        form.add_error(
            "code", "The code is wrong or has expired: enter the code your app shows now"
        )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=5, dark="#0b0c0c", light="#ffffff"
            ),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A person's API tokens: when each was made and expires; revoke one or all."""
    if request.method == "POST":
        keys = None if "all" in request.POST else request.POST.getlist("token")
        count = services.api_tokens_revoke(request.user, keys=keys)  # type: ignore[arg-type]
        messages.success(request, f"{count} API token{'s' if count != 1 else ''} revoked.")
        return redirect("api_tokens")
    tokens = AuthToken.objects.filter(user_id=request.user.pk).order_by("-created")
    days = max(settings.API_TOKEN_HOURS // 24, 1)
    return render(request, "registration/api_tokens.html", {"tokens": tokens, "token_days": days})


class PasswordReset(auth_views.PasswordResetView):
    """Django's password reset, limited to PASSWORD_RESETS_PER_HOUR e-mails asked for from one
    client address and for one e-mail address (the limit fails open if the cache is down)."""

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().casefold()
        limit = settings.PASSWORD_RESETS_PER_HOUR
        by_address = allowed(f"password-reset:ip:{client_ip(self.request)}", limit, 3600)
        digest = hashlib.sha256(email.encode()).hexdigest()
        by_email = allowed(f"password-reset:email:{digest}", limit, 3600)
        if by_address and by_email:
            return super().form_valid(form)
        form.add_error(
            "email",
            "You have asked for too many password reset e-mails: wait an hour, then try again",
        )
        response = self.form_invalid(form)
        response.status_code = 429
        return response


def _url(name: str) -> str:
    return reverse(name)
