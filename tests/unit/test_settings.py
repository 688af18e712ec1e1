"""Settings read from the environment: typos stop start-up, every variable is documented, and
the package ships every app."""

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from setuptools import find_packages

from portal.checks import check_portal_base_url
from portal.settings import envbool, envint

REPO = Path(__file__).resolve().parent.parent.parent
ENV_READERS = {"envbool", "envint", "envlist"}


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


def variables_read_by_settings() -> set[str]:
    """Every name given as a literal to os.environ.get or the env* helpers in portal/settings.py."""
    tree = ast.parse((REPO / "portal" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first = node.args[0]
        # The helpers' own reads take the name as a parameter: only literal names are settings.
        if ast.unparse(node.func) in ENV_READERS | {"os.environ.get"} and isinstance(
            first, ast.Constant
        ):
            names.add(first.value)
    return names


def variables_documented_in_readme() -> list[str]:
    """The first column of the README's configuration table, one variable per row."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Configuration (environment variables)", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    names = []
    for row in rows:
        cell = row.split("|")[1].strip()
        assert re.fullmatch(r"`[A-Z0-9_]+`", cell), f"one variable per row, not {cell!r}"
        names.append(cell.strip("`"))
    return names


def test_every_variable_the_settings_read_is_in_the_readme_table():
    read = variables_read_by_settings()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "PORTAL_BASE_URL", "PORT"} <= read
    missing = read - set(variables_documented_in_readme())
    assert not missing, f"add to README's configuration table: {sorted(missing)}"


def test_the_package_includes_every_app_of_the_repository():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = set(find_packages(where=str(REPO), include=include))
    ours = {app for app in django_settings.INSTALLED_APPS if (REPO / app / "apps.py").exists()}
    assert {"accounts", "portal", "scorecard", "submissions"} <= ours
    assert ours <= packaged
