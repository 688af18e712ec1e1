"""Hostile and unlucky input: oversized figures, huge numbers, markup in catalogue text, formula
cells, odd edition dates and races between two people; each once a real defect."""

import time

import pytest
from rest_framework.test import APIClient

from scorecard.models import Measure
from submissions.models import SubmittedValue
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staging_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_value_that_rounds_past_the_column_limit_is_refused_not_saved(imported, lead):
    # Below the limit as typed, but rounding to six places carries it to 10^14, which the
    # DecimalField(max_digits=20, decimal_places=6) cannot hold: it used to be saved, and every
    # later read of the return crashed (500).
    response = _api(lead).post(
        "/api/v1/submissions/",
        '{"values": [{"measure": 1, "period": "Oct 23", "value": "99999999999999.9999999"}]}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "value"
    assert not SubmittedValue.objects.exists()


def test_entry_form_escapes_the_measure_unit_in_the_value_hint(imported, lead):
    Measure.objects.filter(number=1).update(unit="Monthly count <script>alert(1)</script>")
    response = client_for(lead).get("/submissions/new/", {"period": "Oct 23"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_value_with_more_digits_than_sqlite_keeps_is_refused_not_truncated(imported, lead):
    # SQLite (the embedded default) keeps a DecimalField as a double: 15 significant digits.
    # 12345678901234.123456 used to be accepted, shown back in the warning in full, and stored
    # as 12345678901234.1 without a word.
    response = _api(lead).post(
        "/api/v1/submissions/",
        {"values": [{"measure": 2, "period": "Oct 23", "value": "12345678901234.123456"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "value"
    assert not SubmittedValue.objects.exists()


def test_value_with_fifteen_significant_digits_is_kept_exactly(imported, lead):
    response = _api(lead).post(
        "/api/v1/submissions/",
        {"values": [{"measure": 2, "period": "Oct 23", "value": "123456789.012345"}]},
        format="json",
    )
    assert response.status_code == 201
    assert str(SubmittedValue.objects.get().value) == "123456789.012345"


@pytest.mark.parametrize("value", ["1e99999999999999999", "-1e99999999999999999"])
def test_value_with_a_huge_exponent_is_an_error_not_a_crash(imported, lead, value):
    # abs() of such a Decimal raises decimal.Overflow under the default context: it was a 500.
    response = _api(lead).post(
        "/api/v1/submissions/",
        {"values": [{"measure": 1, "period": "Oct 23", "value": value}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "value"


@pytest.mark.parametrize("measure", ["1e99999999999999999", "1e1000000"])
def test_measure_number_with_a_huge_exponent_is_unknown_not_a_crash_or_a_hang(
    imported, lead, measure
):
    # int() of such a Decimal builds a number of 10^17 digits (MemoryError, a 500) or of a
    # million digits (some 20 s of CPU for nine characters, per row): a small upload could tie
    # up a worker for hours.
    started = time.monotonic()
    response = _api(lead).post(
        "/api/v1/submissions/",
        {"values": [{"measure": measure, "period": "Oct 23", "value": "1"}]},
        format="json",
    )
    assert time.monotonic() - started < 3
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "measure"


LONG_QUARTER = "2022 Q" + "2000" * 1250  # every four digits a plausible year


def test_period_with_a_very_long_quarter_number_is_an_error_not_a_crash(imported, lead):
    # int() refuses strings of more than 4,300 digits with a plain ValueError, which the
    # validator (catching PeriodError) let through as a 500.
    response = _api(lead).post(
        "/api/v1/submissions/",
        {"values": [{"measure": 1, "period": LONG_QUARTER, "value": "1"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "period"


def test_period_choice_with_a_very_long_quarter_number_is_a_form_error(imported, lead):
    response = client_for(lead).get("/submissions/new/", {"period": LONG_QUARTER})
    assert response.status_code == 200
    assert b"quarters run Q1 to Q4" in response.content


def test_scorecard_downloads_neutralise_a_formula_in_the_area_name_of_the_header(imported, board):
    import csv
    import io

    from openpyxl import load_workbook

    from scorecard.models import Area, AreaKind

    Area.objects.filter(kind=AreaKind.LOCAL).update(name='=HYPERLINK("http://evil.example")')
    client = client_for(board)
    text = client.get("/scorecard/download.csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.startswith("=")]
    workbook = load_workbook(io.BytesIO(client.get("/scorecard/download.xlsx").content))
    formulas = [
        cell.value
        for row in workbook.active.iter_rows()
        for cell in row
        if cell.data_type == "f" or str(cell.value or "").startswith("=")
    ]
    assert formulas == []


def test_import_of_a_document_dated_with_a_slash_keeps_the_scorecard_pages_working(
    organisation, icu, other_organisation, board, reference_path, tmp_path
):
    # parse_edition_date accepts "May/2024"; an edition of that name cannot be linked to
    # (editions/<name>/ stops at the slash), so the live scorecard and the editions list,
    # which link to the latest edition, were a 500 for everyone.
    import io

    from django.core.management import call_command

    document = tmp_path / "scorecard.tsv"
    text = reference_path.read_text(encoding="utf-8").replace("May-2024", "May/2024", 1)
    document.write_text(text, encoding="utf-8")
    call_command("import_scorecard", str(document), stdout=io.StringIO())
    client = client_for(board)
    assert client.get("/scorecard/").status_code == 200
    assert client.get("/scorecard/editions/").status_code == 200
    # Importing it again changes nothing.
    out = io.StringIO()
    call_command("import_scorecard", str(document), stdout=out)
    from scorecard.models import Edition

    assert Edition.objects.count() == 1


def test_publishing_an_edition_someone_published_meanwhile_is_refused_not_a_500(
    imported, approver, second_approver, monkeypatch
):
    # edition_publish checked the name was free and then created it: another approver
    # publishing the same name in between hit the unique constraint, an IntegrityError (500).
    from scorecard import selectors
    from scorecard.services.publishing import edition_publish

    real = selectors.live_scorecard

    def published_meanwhile():
        monkeypatch.setattr(selectors, "live_scorecard", real)
        edition_publish("Jun-2024", by=second_approver)
        return real()

    monkeypatch.setattr(selectors, "live_scorecard", published_meanwhile)
    response = client_for(approver).post(
        "/scorecard/publish/", {"name": "Jun-2024", "confirm": "Jun-2024"}
    )
    assert response.status_code == 200
    assert b"was published meanwhile" in response.content


def test_a_staged_upload_is_kept_in_the_database_and_expires(imported, lead, settings):
    # Kept in the database, any web machine can show and confirm it; an expired one is swept by
    # the next upload and cannot be loaded meanwhile.
    from datetime import timedelta

    from django.utils import timezone

    from submissions.models import StagedUpload, StagedValue
    from submissions.services import UPLOAD_MAX_AGE, upload_load, upload_stage
    from submissions.validation import RawRow

    rows = [RawRow(2, {"measure": "1", "period": "Oct 23", "value": "5"})]
    old = upload_stage(by=lead, filename="old.csv", rows=rows)
    StagedUpload.objects.filter(token=old).update(
        created_at=timezone.now() - UPLOAD_MAX_AGE - timedelta(minutes=1)
    )
    assert upload_load(old, user=lead) is None

    token = upload_stage(by=lead, filename="figures.csv", rows=rows)

    assert list(StagedUpload.objects.values_list("token", flat=True)) == [token]
    assert upload_load(token, user=lead) is not None
    kept = StagedUpload.objects.get(token=token).values.values_list("row", "value")
    assert list(kept) == [(2, 5)]  # row 2's value, as validated
    assert StagedValue.objects.count() == 1  # the expired upload's went with it


def test_unconfirmed_uploads_are_swept_hourly_by_beat(imported, lead, settings):
    from datetime import timedelta

    from django.utils import timezone

    from submissions.models import StagedUpload
    from submissions.services import UPLOAD_MAX_AGE, upload_stage
    from submissions.tasks import sweep_staged_uploads
    from submissions.validation import RawRow

    token = upload_stage(
        by=lead,
        filename="f.csv",
        rows=[RawRow(2, {"measure": "1", "period": "Oct 23", "value": "5"})],
    )
    assert sweep_staged_uploads() == 0
    StagedUpload.objects.filter(token=token).update(
        created_at=timezone.now() - UPLOAD_MAX_AGE - timedelta(minutes=1)
    )
    assert sweep_staged_uploads() == 1
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "submissions.tasks.sweep_staged_uploads" in tasks


def test_staff_access_follows_the_role_when_it_changes(db):
    from accounts.models import Role
    from tests.factories import UserFactory

    person = UserFactory(username="once.admin", role=Role.ADMIN)
    assert person.is_staff
    person.role = Role.BOARD_MEMBER
    person.save(update_fields=["role"])
    person.refresh_from_db()
    assert not person.is_staff
    assert client_for(person).get("/admin/").status_code == 302  # to the admin's sign-in


@pytest.mark.parametrize("persona", ["lead", "board", "approver"])
def test_pages_and_api_answers_for_a_signed_in_person_are_never_cached(imported, request, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for url in ("/", "/scorecard/", "/api/v1/scorecard/"):
        response = client.get(url, follow=True)
        assert "no-store" in response["Cache-Control"], url
    assert "no-store" in _api(user).get("/api/v1/measures/")["Cache-Control"]
