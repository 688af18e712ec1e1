"""Shared fixtures: personas (a data lead of the owning organisation, a lead of another, an
approver, a board member, an admin who is not a superuser, a superuser, anonymous) and the
reference scorecard, which the repository carries as its demo data (scorecard/demo/)."""

import io
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from accounts.models import Role
from portal.permissions import needs_two_factor
from scorecard import caching
from scorecard.demo import DEMO_SCORECARD
from tests.factories import OrganisationFactory, UserFactory

REPO = Path(__file__).resolve().parent.parent
REFERENCE = DEMO_SCORECARD
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: "Now" for the tests whose outcome depends on today's date: a Sunday morning in late November
#: 2026. The latest ended month is then Oct 26 (Nov 26 has not ended), the latest ended financial
#: year 2025/26, and the date shows as "29 November 2026 at 10am".
FROZEN_NOW = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created in almost every test; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def forget_rendered_scorecards(monkeypatch):
    """Every test's database starts at the live version its migration made, whatever its data:
    renderings cached under it by an earlier test (scorecard.caching) must not be served. Each
    test names its own (the cache is not cleared: with Redis, its database is the broker's too)."""
    monkeypatch.setattr(caching, "NAMESPACE", f"live-scorecard-{uuid.uuid4().hex}")
    caching.forget_kept()


@pytest.fixture(autouse=True)
def static_files_without_manifest(settings):
    """The suite runs with DEBUG off, where static files are WhiteNoise's manifest storage, and
    `{% static %}` fails for any file missing from a manifest that only `collectstatic` writes.
    Tests serve static files from their sources instead, as in development."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def frozen_today() -> Iterator[time_machine.Traveller]:
    """Run the test at FROZEN_NOW, so that periods due, periods not ended yet and dates shown
    are the same whatever day the suite runs. The clock ticks on from there (so timestamps
    still order), and only tests that ask for it travel: the browser tests' live server keeps
    the real clock, which the browser's cookies expect."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def reference_path() -> Path:
    # The repository carries it: a missing file is a broken checkout, never a reason to skip.
    assert REFERENCE.is_file(), f"the demo scorecard is missing from {REFERENCE}"
    return REFERENCE


@pytest.fixture
def organisation(db):
    return OrganisationFactory(
        name="Hampshire and Isle of Wight Constabulary", short_name="Police", sources="Police"
    )


@pytest.fixture
def icu(db):
    return OrganisationFactory(
        name="Integrated Commissioning Unit",
        short_name="ICU",
        sources="ICU\nHome Office\nONS",
        is_default_owner=True,
    )


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(
        name="Office of the Police and Crime Commissioner", short_name="OPCC", sources="OPCC"
    )


@pytest.fixture
def lead(organisation):
    return UserFactory(username="lead.police", role=Role.DATA_LEAD, organisation=organisation)


@pytest.fixture
def icu_lead(icu):
    """A data lead of the ICU, which owns the measures national datasets report."""
    return UserFactory(username="lead.icu", role=Role.DATA_LEAD, organisation=icu)


@pytest.fixture
def other_lead(other_organisation):
    return UserFactory(username="lead.opcc", role=Role.DATA_LEAD, organisation=other_organisation)


@pytest.fixture
def approver(icu):
    return UserFactory(username="approver", role=Role.APPROVER, organisation=icu)


@pytest.fixture
def second_approver(icu):
    return UserFactory(username="approver2", role=Role.APPROVER, organisation=icu)


@pytest.fixture
def board(db):
    return UserFactory(username="board", role=Role.BOARD_MEMBER)


@pytest.fixture
def admin_user(db):
    """The admin persona as production has it: the admin role, not a superuser (the role alone
    gives staff status and the admin site, through portal.permissions)."""
    return UserFactory(username="admin", role=Role.ADMIN)


@pytest.fixture
def superuser(db):
    """A Django superuser as `createsuperuser` makes one, with the default role."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def client_for(user) -> Client:
    """A browser signed in as `user`; approvers and admins have also done the second step
    (with DEBUG off, as in the suite, they must: portal.permissions.needs_two_factor)."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if needs_two_factor(user):
            second_step(client, user)
    return client


def totp_device(user):
    """The user's confirmed authenticator (made once), as set up on the two-factor page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def totp_code(device, *, fresh: bool = True) -> str:
    """The code the device's app shows now; with `fresh`, one not yet used (a code works
    once, so a second sign-in in the same 30 seconds takes the next step's, within the
    device's tolerance)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if fresh and device.last_t is not None and totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def second_step(client: Client, user) -> None:
    """Mark the client's session as having passed the second step with the user's device, as
    django_otp.login does after a right code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


@pytest.fixture
def imported(db, organisation, icu, other_organisation, reference_path):
    """The reference scorecard imported, with the contract's three organisations present."""
    call_command("import_scorecard", str(reference_path), stdout=io.StringIO())
