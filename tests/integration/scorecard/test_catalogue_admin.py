"""The catalogue admin: history and editions read-only, users shown with their role, and the
measure catalogue round-trips through a spreadsheet. (Who may open the admin at all is in
tests/integration/test_admin_site.py.)"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation
from scorecard.models import DataPoint, Edition, Measure
from scorecard.resources import MeasureResource
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CATALOGUE_FIELDS = [
    "number",
    "code",
    "name",
    "definition",
    "numerator_definition",
    "denominator_definition",
    "caveats",
    "commitment_id",
    "unit",
    "value_kind",
    "period_type",
    "source",
    "source_url",
    "organisation_id",
    "comparable_with_england",
    "multiplier",
    "confidence_level",
    "comparison_method",
    "small_number_threshold",
    "publish_small_numbers",
    "polarity",
    "decimal_places",
    "status_note",
    "status_note_until",
    "active",
]


def _catalogue() -> list[tuple[object, ...]]:
    return list(Measure.objects.order_by("number").values_list(*CATALOGUE_FIELDS))


def test_history_computed_rows_and_editions_are_read_only(imported, admin_user):
    client = client_for(admin_user)
    for model in ("edition", "datapoint", "scorecardrow"):
        assert client.get(f"/admin/scorecard/{model}/add/").status_code == 403, model
    edition = Edition.objects.get()
    page = client.get(f"/admin/scorecard/edition/{edition.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert "Rate of drug offences" in page  # the frozen rows, inline
    point = DataPoint.objects.first()
    response = client.post(
        f"/admin/scorecard/datapoint/{point.pk}/change/", {"value": "1", "note": "edited"}
    )
    assert response.status_code == 403
    point.refresh_from_db()
    assert point.note == ""
    response = client.post(f"/admin/scorecard/edition/{edition.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Edition.objects.filter(pk=edition.pk).exists()


def test_user_admin_shows_role_and_organisation(imported, superuser, lead):
    client = client_for(superuser)
    listing = client.get("/admin/accounts/user/?role__exact=data_lead").content.decode()
    assert "lead.police" in listing
    assert "column-role" in listing and "column-organisation" in listing
    page = client.get(f"/admin/accounts/user/{lead.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="organisation"' in page


def test_the_catalogue_exports_and_imports_back_unchanged(imported, admin_user):
    before = _catalogue()
    client = client_for(admin_user)

    export_page = client.get("/admin/scorecard/measure/export/").content.decode()
    csv_format = re.search(r'<option value="(\d+)">csv</option>', export_page).group(1)
    selected = re.findall(r'<input type="checkbox" name="(measureresource_[a-z_]+)"', export_page)
    assert len(selected) == len(MeasureResource().get_export_fields())
    exported = client.post(
        "/admin/scorecard/measure/export/",
        {"format": csv_format, "resource": "0", **dict.fromkeys(selected, "on")},
    )
    assert exported.status_code == 200
    content = exported.content.decode("utf-8-sig")
    assert content.splitlines()[0].startswith(
        "number,code,name,definition,numerator_definition,denominator_definition,caveats,"
        "commitment,"
    )
    assert "Integrated Commissioning Unit" not in content and ",ICU," in content

    confirm = client.post(
        "/admin/scorecard/measure/import/",
        {
            "format": csv_format,
            "resource": "0",
            "import_file": SimpleUploadedFile("catalogue.csv", exported.content, "text/csv"),
        },
    )
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "errorlist" not in page and "Errors" not in page
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page))
    processed = client.post("/admin/scorecard/measure/process_import/", hidden)
    assert processed.status_code == 302
    assert _catalogue() == before


def test_a_spreadsheet_edit_updates_the_measure_by_number(imported):
    dataset = MeasureResource().export()
    numbers = dataset["number"]
    row = numbers.index("4")
    values = list(dataset[row])
    headers = dataset.headers
    values[headers.index("polarity")] = "lower_is_better"
    values[headers.index("organisation")] = "Police"
    dataset[row] = values

    result = MeasureResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1
    assert result.totals["skip"] == len(numbers) - 1
    measure = Measure.objects.get(number=4)
    assert measure.polarity == "lower_is_better"
    assert measure.organisation == Organisation.objects.get(short_name="Police")


def test_a_spreadsheet_row_naming_an_unknown_organisation_is_refused(imported):
    before = _catalogue()
    dataset = MeasureResource().export()
    row = dataset["number"].index("4")
    values = list(dataset[row])
    values[dataset.headers.index("organisation")] = "Nobody"
    dataset[row] = values

    result = MeasureResource().import_data(dataset, dry_run=False, raise_errors=False)

    assert result.has_errors() or result.has_validation_errors()
    assert _catalogue() == before


def test_the_catalogue_spreadsheet_from_the_admin_never_holds_a_formula(imported, admin_user):
    from openpyxl import load_workbook

    Measure.objects.filter(number=4).update(name='=HYPERLINK("http://evil.example","x")')
    client = client_for(admin_user)
    export_page = client.get("/admin/scorecard/measure/export/").content.decode()
    selected = re.findall(r'<input type="checkbox" name="(measureresource_[a-z_]+)"', export_page)
    for label in ("csv", "xlsx"):
        file_format = re.search(rf'<option value="(\d+)">{label}</option>', export_page).group(1)
        exported = client.post(
            "/admin/scorecard/measure/export/",
            {"format": file_format, "resource": "0", **dict.fromkeys(selected, "on")},
        )
        if label == "csv":
            cells = exported.content.decode("utf-8-sig").replace('"', "").split(",")
        else:
            sheet = load_workbook(io.BytesIO(exported.content)).active
            cells = [str(c.value or "") for row in sheet.iter_rows() for c in row]
        assert not [c for c in cells if c.startswith("=")], label
        assert any(c.startswith("'=HYPERLINK") for c in cells), label
