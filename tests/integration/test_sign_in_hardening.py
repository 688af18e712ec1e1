"""Signing in under attack and failure: the client's address behind a proxy (one rule for the
lockout and the throttles), a lockout that an attacker cannot turn on everyone, throttles that
fail open when Redis is down, password reset limited, sessions ending when idle, API tokens that
expire and can be revoked, and the second step for approvers and admins."""

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.signin_services import api_token_issue
from portal.clients import client_ip
from tests.conftest import client_for, totp_code, totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # throttle counts and rate limits of earlier tests


def token_request(body, **headers):
    return APIClient().post("/api/v1/token/", body, format="json", **headers)


# The client's address ------------------------------------------------------------------------


class Meta:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy of ours: the header is the client's invention
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what our proxy appended
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, None, "10.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_our_own_proxies_vouch_for(
    settings, hops, forwarded, expected
):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(Meta("10.0.0.1", forwarded)) == expected


def test_a_new_x_forwarded_for_does_not_escape_the_token_throttle(board):
    statuses = [
        token_request(
            {"username": "board", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429


def test_behind_a_proxy_wrong_passwords_lock_out_the_attacker_not_the_user(lead, settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/accounts/login/", {"username": "lead.police", "password": "guess"})

    locked = attacker.post("/accounts/login/", {"username": "lead.police", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()

    user = Client(HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    signed_in = user.post("/accounts/login/", {"username": "lead.police", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def test_the_token_endpoint_counts_towards_the_same_lockout(lead, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_request({"username": "lead.police", "password": "guess"})
    response = token_request({"username": "lead.police", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed sign-in attempts: try again in an hour."}


# When the cache is down ----------------------------------------------------------------------


def test_with_redis_down_the_token_endpoint_still_answers_and_says_why_in_the_log(
    lead, settings, caplog
):
    settings.CACHES = UNREACHABLE_REDIS
    with caplog.at_level(logging.WARNING, logger="portal.api"):
        response = token_request({"username": "lead.police", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]
    assert "Throttle not applied" in caplog.text


def test_with_redis_down_password_reset_still_sends_the_e_mail(lead, settings, caplog):
    settings.CACHES = UNREACHABLE_REDIS
    with caplog.at_level(logging.WARNING, logger="portal.clients"):
        response = Client().post("/accounts/password_reset/", {"email": lead.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Rate limit not applied" in caplog.text


# Password reset ------------------------------------------------------------------------------


def test_password_reset_is_limited_per_address_and_per_e_mail(lead, other_lead, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="192.0.2.1")
    answers = [client.post("/accounts/password_reset/", {"email": lead.email}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "too many password reset e-mails" in answers[2].content.decode()
    assert len(mail.outbox) == 2

    # The same e-mail address from elsewhere is limited too; another address from elsewhere not.
    elsewhere = Client(REMOTE_ADDR="192.0.2.2")
    assert elsewhere.post("/accounts/password_reset/", {"email": lead.email}).status_code == 429
    assert (
        elsewhere.post("/accounts/password_reset/", {"email": other_lead.email}).status_code == 302
    )


def test_password_reset_pages_are_the_services_own(lead):
    client = Client()
    form = client.get("/accounts/password_reset/").content.decode()
    assert "govuk-template" in form and "Reset your password" in form
    assert "Django administration" not in form
    client.post("/accounts/password_reset/", {"email": lead.email})
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    confirm = client.get(link.split("testserver", 1)[1], follow=True).content.decode()
    assert "Choose your password" in confirm and "govuk-template" in confirm
    assert "Sign in" in client.get("/accounts/reset/done/").content.decode()


# Sessions ------------------------------------------------------------------------------------


def test_a_session_ends_after_the_idle_time_and_each_request_moves_the_end_on(
    lead, settings, monkeypatch
):
    import portal.middleware

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 3600
    client = client_for(lead)
    session = Session.objects.get()
    first_end = session.expire_date

    later = portal.middleware.time.time() + 600
    monkeypatch.setattr(portal.middleware.time, "time", lambda: later)
    assert client.get("/submissions/").status_code == 200
    moved = Session.objects.get().expire_date
    assert moved > first_end  # ten minutes of activity: the end moved on

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/submissions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# API tokens ----------------------------------------------------------------------------------


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_expires_and_only_its_hash_is_stored(lead, settings):
    response = token_request({"username": "lead.police", "password": PASSWORD})
    token = response.json()["token"]
    expiry = AuthToken.objects.get().expiry
    assert timedelta(hours=719) < expiry - timezone.now() <= timedelta(hours=720)
    assert with_token(token).get("/api/v1/measures/").status_code == 200
    assert not AuthToken.objects.filter(digest=token).exists()
    assert token not in str(list(AuthToken.objects.values()))

    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert with_token(token).get("/api/v1/measures/").status_code == 401


def test_a_new_password_revokes_every_token(lead):
    token = api_token_issue(lead)[1]
    lead.set_password("a-brand-new-password-2026")
    lead.save()
    assert with_token(token).get("/api/v1/measures/").status_code == 401


def test_signing_out_revokes_the_persons_tokens(lead):
    token = api_token_issue(lead)[1]
    client = client_for(lead)
    client.post("/accounts/logout/")
    assert with_token(token).get("/api/v1/measures/").status_code == 401


def test_a_token_can_revoke_itself_or_all_of_its_owners(lead):
    first, second, third = (api_token_issue(lead)[1] for _ in range(3))
    assert with_token(first).post("/api/v1/token/revoke/").json() == {"revoked": 1}
    assert with_token(first).get("/api/v1/measures/").status_code == 401
    assert with_token(second).get("/api/v1/measures/").status_code == 200
    revoke_all = with_token(second).post("/api/v1/token/revoke/", {"all": True}, format="json")
    assert revoke_all.json() == {"revoked": 2}
    assert with_token(third).get("/api/v1/measures/").status_code == 401


def test_the_api_tokens_page_lists_and_revokes_a_persons_tokens(lead, other_lead):
    record, token = api_token_issue(lead)
    theirs = api_token_issue(other_lead)[1]
    client = client_for(lead)
    page = client.get("/accounts/api-tokens/").content.decode()
    assert record.token_key[:8] in page and "Revoke all your tokens" in page

    client.post("/accounts/api-tokens/", {"token": record.token_key})

    assert with_token(token).get("/api/v1/measures/").status_code == 401
    assert with_token(theirs).get("/api/v1/measures/").status_code == 200


# The second step -----------------------------------------------------------------------------


def password_only(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["approver", "admin_user"])
def test_approvers_and_admins_with_a_password_alone_reach_only_the_second_step(request, persona):
    user = request.getfixturevalue(persona)
    totp_device(user)
    client = password_only(user)
    for url in ("/", "/scorecard/", "/submissions/approvals/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/?next="), url
    assert client.get("/api/v1/scorecard/").status_code == 403


def test_the_right_code_completes_signing_in_and_a_wrong_one_does_not(approver):
    device = totp_device(approver)
    client = password_only(approver)
    wrong = client.post("/accounts/two-factor/?next=/scorecard/", {"code": "000000"})
    assert "The code is wrong or has expired" in wrong.content.decode()
    assert client.get("/scorecard/").status_code == 302
    # django_otp slows guessing down: after a failure the next try must wait a moment.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    device.refresh_from_db()

    right = client.post("/accounts/two-factor/?next=/scorecard/", {"code": totp_code(device)})
    assert right.status_code == 302 and right["Location"] == "/scorecard/"
    assert client.get("/scorecard/").status_code == 200


def test_a_first_sign_in_sets_up_an_authenticator_app(approver):
    client = password_only(approver)
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert "Set up two-factor sign-in" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=approver, confirmed=False)
    assert client.get("/accounts/two-factor/setup/").context["secret"].replace(" ", "")

    confirmed = client.post("/accounts/two-factor/setup/", {"code": totp_code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/scorecard/").status_code == 200
    # Once set up, the page cannot be used to add another authenticator.
    assert client.get("/accounts/two-factor/setup/")["Location"].startswith("/accounts/two-factor/")


def test_data_leads_and_board_members_sign_in_in_one_step(lead, board):
    assert password_only(lead).get("/submissions/").status_code == 200
    assert password_only(board).get("/scorecard/").status_code == 200


def test_with_two_factor_off_approvers_sign_in_in_one_step(approver, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert password_only(approver).get("/scorecard/").status_code == 200


def test_an_approvers_token_needs_the_code_too(approver):
    body = {"username": "approver", "password": PASSWORD}
    assert token_request(body).status_code == 403  # no authenticator set up yet
    device = totp_device(approver)

    missing = token_request(body)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "otp"
    response = token_request({**body, "otp": totp_code(device)})
    assert response.status_code == 200 and response.json()["token"]
