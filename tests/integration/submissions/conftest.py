"""Fixtures for the submissions tests: the reference scorecard imported once per module, upload
staging under a temporary directory, and builders for long-format files and submissions."""

import csv
import io
from collections.abc import Callable, Iterable

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import Workbook

from submissions.models import Channel, Submission
from submissions.services import submission_create
from submissions.validation import FIELDS, RawRow
from tests.conftest import REFERENCE
from tests.factories import OrganisationFactory


@pytest.fixture(scope="module")
def reference_once(django_db_setup, django_db_blocker):
    """Import the reference scorecard once for a module, inside a transaction rolled back after
    it: each test still runs in its own nested transaction (a savepoint), so tests stay apart,
    but the import's ~0.25 s is paid once rather than by every test."""
    assert REFERENCE.is_file(), f"the demo scorecard is missing from {REFERENCE}"
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        OrganisationFactory(
            name="Hampshire and Isle of Wight Constabulary", short_name="Police", sources="Police"
        )
        OrganisationFactory(
            name="Integrated Commissioning Unit",
            short_name="ICU",
            sources="ICU\nHome Office\nONS",
            is_default_owner=True,
        )
        OrganisationFactory(
            name="Office of the Police and Crime Commissioner", short_name="OPCC", sources="OPCC"
        )
        call_command("import_scorecard", str(REFERENCE), stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def imported(reference_once, organisation, icu, other_organisation):
    """The reference scorecard (39 measures; Police owns 1, 2, 3 and 7), as tests/conftest.py's
    fixture of the same name, but imported once per module."""


@pytest.fixture(autouse=True)
def staging_in_tmp(settings, tmp_path):
    """Uploads between preview and confirmation are kept under VAR_DIR; keep tests' apart."""
    settings.VAR_DIR = tmp_path


@pytest.fixture
def persona(request):
    """Parametrise indirectly with a fixture name, or None for an anonymous visitor."""
    return request.getfixturevalue(request.param) if request.param else None


Row = dict[str, object]


def _csv_bytes(rows: Iterable[Row], *, bom: bool = False, header: Iterable[str] = FIELDS) -> bytes:
    header = list(header)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def _xlsx_bytes(rows: Iterable[Row], *, header: Iterable[str] = FIELDS) -> bytes:
    header = list(header)
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def make_submission() -> Callable[..., Submission]:
    """A saved draft (through the service) of `rows` as `by`: rows are dicts of the fields."""

    def make(by, *rows: Row, submit: bool = False) -> Submission:
        raw = [RawRow(i, {f: row.get(f, "") for f in FIELDS}) for i, row in enumerate(rows, 1)]
        submission, _ = submission_create(by=by, rows=raw, channel=Channel.FORM, submit=submit)
        return submission

    return make


@pytest.fixture
def csv_bytes() -> Callable[..., bytes]:
    """Long-format rows (dicts) as CSV bytes: `csv_bytes(rows, bom=False, header=FIELDS)`."""
    return _csv_bytes


@pytest.fixture
def xlsx_bytes() -> Callable[..., bytes]:
    """Long-format rows (dicts) as an XLSX workbook: `xlsx_bytes(rows, header=FIELDS)`."""
    return _xlsx_bytes
