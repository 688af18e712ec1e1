"""Settings read from the environment: a typo stops start-up rather than meaning "off", and
production says where the portal lives."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.checks import check_portal_base_url
from portal.settings import envbool, envint

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
    ],
)
def test_envbool_reads_the_usual_spellings_in_any_case(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_FLAG", value)
    assert envbool("PORTAL_FLAG", default=not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_envbool_unset_or_empty_means_the_default(monkeypatch, default):
    monkeypatch.delenv("PORTAL_FLAG", raising=False)
    assert envbool("PORTAL_FLAG", default) is default
    monkeypatch.setenv("PORTAL_FLAG", "")
    assert envbool("PORTAL_FLAG", default) is default


@pytest.mark.parametrize("value", ["ture", "y", "2", "enabled", "off-ish"])
def test_envbool_refuses_a_typo_naming_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv("PORTAL_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=f"PORTAL_FLAG='{value}'"):
        envbool("PORTAL_FLAG", default=True)


def test_envint_reads_an_integer_and_defaults_when_unset_or_empty(monkeypatch):
    monkeypatch.setenv("PORTAL_NUMBER", " 42 ")
    assert envint("PORTAL_NUMBER", 7) == 42
    monkeypatch.setenv("PORTAL_NUMBER", "")
    assert envint("PORTAL_NUMBER", 7) == 7
    monkeypatch.delenv("PORTAL_NUMBER")
    assert envint("PORTAL_NUMBER", 7) == 7


@pytest.mark.parametrize("value", ["ten", "1.5", "60s"])
def test_envint_refuses_a_non_integer_naming_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv("PORTAL_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match=f"PORTAL_NUMBER='{value}' is not an integer"):
        envint("PORTAL_NUMBER", 7)


def import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter (they are read once, at start-up) and print
    the base URL for e-mails."""
    return subprocess.run(
        [sys.executable, "-c", "from portal import settings; print(settings.PORTAL_BASE_URL)"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_mistyped_security_switch_stops_start_up():
    result = import_settings({**os.environ, "DEBUG": "0", "SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECURE_SSL_REDIRECT='ture' is not a yes/no value" in (
        result.stderr
    )


def test_a_non_integer_setting_stops_start_up_without_a_value_error():
    result = import_settings({**os.environ, "DEBUG": "0", "SECURE_HSTS_SECONDS": "a year"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECURE_HSTS_SECONDS='a year' is not an integer" in result.stderr
    assert "ValueError" not in result.stderr


def test_in_debug_the_base_url_for_e_mails_follows_port():
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_BASE_URL"}
    result = import_settings({**env, "DEBUG": "1", "PORT": "8123"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "PORTAL_BASE_URL is not set"),
        ("scorecard.example.org", "is not an absolute http(s) URL"),
        ("ftp://scorecard.example.org", "is not an absolute http(s) URL"),
        ("https://", "is not an absolute http(s) URL"),
    ],
)
def test_the_base_url_check_reports_a_missing_or_relative_url(settings, url, problem):
    settings.PORTAL_BASE_URL = url
    errors = check_portal_base_url()
    assert [e.id for e in errors] == ["portal.E001"]
    assert problem in errors[0].msg


@pytest.mark.parametrize("url", ["https://scorecard.example.org", "http://127.0.0.1:8000/"])
def test_the_base_url_check_accepts_an_absolute_http_url(settings, url):
    settings.PORTAL_BASE_URL = url
    assert check_portal_base_url() == []
