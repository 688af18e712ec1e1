"""Writes about signing in: API tokens (issued, revoked) and the second sign-in step (TOTP
devices set up and checked)."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import User

#: Tokens one person may hold at once; issuing one more drops their oldest.
TOKENS_PER_USER = 10


def api_token_issue(user: User) -> tuple[AuthToken, str]:
    """A new API token for `user`, valid for API_TOKEN_HOURS: (its record, the token itself,
    shown this once; only a hash of it is stored)."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    keep = AuthToken.objects.filter(user=user).order_by("-created")[: TOKENS_PER_USER - 1]
    AuthToken.objects.filter(user=user).exclude(
        pk__in=list(keep.values_list("pk", flat=True))
    ).delete()
    return AuthToken.objects.create(user=user, expiry=timedelta(hours=settings.API_TOKEN_HOURS))


def api_tokens_revoke(user: User, *, keys: Iterable[str] | None = None) -> int:
    """Revoke `user`'s API tokens (those whose key prefix is in `keys`, or all); how many."""
    tokens = AuthToken.objects.filter(user_id=user.pk)
    if keys is not None:
        tokens = tokens.filter(token_key__in=list(keys))
    deleted, _ = tokens.delete()
    return deleted


def totp_pending(user: User) -> TOTPDevice:
    """The authenticator being set up for `user`: an unconfirmed device, made once and kept
    until it is confirmed, so the QR code does not change on every page view."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm a device being set up with a code it shows; False if the code is wrong."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    return True


def totp_verify(user: User, code: str) -> TOTPDevice | None:
    """The confirmed device of `user` that accepts `code`, or None (each code works once)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None
