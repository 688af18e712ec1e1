"""The project's set-up: demo accounts, production settings, and the database really in use."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role, User
from portal.permissions import can
from scorecard.models import Measure

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.django_db
def test_load_demo_creates_the_contract_accounts_idempotently(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password")
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    users = {u.username: u for u in User.objects.select_related("organisation")}
    assert set(users) == {"lead.police", "lead.icu", "lead.opcc", "approver", "board", "admin"}
    assert users["lead.police"].organisation.name == "Hampshire and Isle of Wight Constabulary"
    assert (
        users["approver"].role == Role.APPROVER
        and users["approver"].organisation.short_name == "ICU"
    )
    assert users["admin"].is_superuser and users["board"].organisation is None
    assert users["board"].check_password("a-demo-password")


@pytest.mark.django_db
def test_load_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    call_command("load_demo", "--force", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_then_import_maps_measures_to_organisations_by_source(settings, reference_path):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("import_scorecard", str(reference_path), stdout=io.StringIO())
    owners = dict(Measure.objects.values_list("number", "organisation__short_name"))
    assert {n for n, o in owners.items() if o == "Police"} == {1, 2, 3, 7}
    assert owners[33] == "OPCC"
    assert all(o == "ICU" for n, o in owners.items() if n not in {1, 2, 3, 7, 33})
    lead = User.objects.get(username="lead.police")
    assert can(lead, "submit_for_measure", Measure.objects.get(number=1))
    assert not can(lead, "submit_for_measure", Measure.objects.get(number=4))


def deploy_check(**overrides: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` failing on any message, with production-like settings: none of
    the suite's own defaults (pytest-env) carried over, except where `overrides` says."""
    suite_defaults = {"SECURE_SSL_REDIRECT", "PORTAL_BASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in suite_defaults},
        "DEBUG": "0",
        "SECRET_KEY": "x7$kq!p2-production-like-secret-key-with-enough-entropy-0987654321",
        "ALLOWED_HOSTS": "scorecard.example.org",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = deploy_check(PORTAL_BASE_URL="https://scorecard.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_fail_the_checks_without_a_base_url_for_e_mails():
    result = deploy_check()
    assert result.returncode != 0
    assert "(portal.E001) PORTAL_BASE_URL is not set." in result.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings';"
            "django.setup()",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_when_database_url_says_so():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not a PostgreSQL URL: running on SQLite")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_accessibility_statement_is_public(client):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert b"WCAG" in response.content


@pytest.mark.django_db
def test_load_demo_gives_the_reference_measures_their_method_without_overriding_an_admin(
    settings, reference_path
):
    settings.DEBUG = True
    call_command("import_scorecard", str(reference_path), stdout=io.StringIO())
    # An admin's choices, made before the demo catalogue is applied.
    Measure.objects.filter(number=20).update(polarity="higher_is_better")
    Measure.objects.filter(number=4).update(confidence_level="99.8")
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    measures = {
        m.number: m
        for m in Measure.objects.only(
            "number", "polarity", "value_kind", "multiplier", "comparison_method",
            "confidence_level", "comparable_with_england",
        )
    }  # fmt: skip
    assert measures[12].polarity == "lower_is_better"
    assert measures[16].polarity == "higher_is_better"
    assert measures[20].polarity == "higher_is_better"  # the admin's
    assert measures[1].polarity == "no_judgement"
    # Measure 31's unit says "rate per 1,000"; it is a percentage of prison leavers.
    assert (measures[31].value_kind, measures[31].multiplier) == ("percentage", 100)
    # Deaths from drug use: directly standardised, per 100,000.
    assert (measures[20].value_kind, measures[20].multiplier) == ("dsr", 100_000)
    # Unmet need: the denominator is an estimate, so the values only.
    assert measures[12].comparison_method == "values"
    # Average caseloads: means, with no national figure.
    assert (measures[22].value_kind, measures[22].comparable_with_england) == ("average", False)
    assert measures[4].confidence_level == "99.8"  # the admin's
