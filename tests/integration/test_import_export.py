"""`import_scorecard` and `export_scorecard` reproduce published scorecards, and not only
Southampton's: a second partnership's document (another area, edition, periods and values, rows
shifted elsewhere and an extra measure) round-trips just as well."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from scorecard.models import Area, DataPoint, Edition, EditionRow, Measure, ScorecardRow
from tests.conftest import FIXTURES
from tests.reference import COLUMNS, rows_from_file, rows_from_text

PORTSMOUTH = FIXTURES / "scorecards" / "portsmouth-cdp-scorecard-2025-01.tsv"
DOCUMENTS = {"southampton": ("May-2024", 39), "portsmouth": ("Jan-2025", 40)}

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(params=["southampton", "portsmouth"])
def document(
    request, reference_path, organisation, icu, other_organisation
) -> tuple[Path, str, int]:
    path = reference_path if request.param == "southampton" else PORTSMOUTH
    edition, count = DOCUMENTS[request.param]
    run("import_scorecard", str(path))
    return path, edition, count


def test_exported_edition_reads_back_to_the_same_rows(document, tmp_path):
    path, edition, count = document
    out = tmp_path / "out.tsv"
    run("export_scorecard", "--edition", edition, "--format", "tsv", "--output", str(out))
    exported, original = rows_from_file(out), rows_from_file(path)
    assert len(exported) == count
    assert exported == original


def test_live_scorecard_right_after_import_gives_the_same_rows(document):
    path, _, count = document
    exported = rows_from_text(run("export_scorecard", "--live", "--format", "tsv"))
    assert len(exported) == count
    assert exported == rows_from_file(path)


def test_second_import_changes_nothing(document):
    path, _, _ = document
    counts = lambda: [m.objects.count() for m in (Measure, DataPoint, Edition, EditionRow, Area)]  # noqa: E731
    rows_before = list(
        ScorecardRow.objects.values_list("measure_id", "computed_at", "data_version")
    )
    before = counts()
    assert "nothing changed" in run("import_scorecard", str(path))
    assert counts() == before
    assert (
        list(ScorecardRow.objects.values_list("measure_id", "computed_at", "data_version"))
        == rows_before
    )


def test_json_export_follows_the_contract_shape(document):
    path, edition, count = document
    data = json.loads(run("export_scorecard", "--edition", edition, "--format", "json"))
    assert set(data) == {"title", "edition", "area", "computed_at", "rows"}
    assert data["edition"] == edition and len(data["rows"]) == count
    expected_keys = {
        "number",
        "priority_area",
        "commitment",
        "measure",
        "unit",
        "source",
        "latest_period",
        "note",
        "local_value",
        "england_value",
        "direction",
        "compared",
        "series",
        "method",
        "tested",
        "ci_lower",
        "ci_upper",
        "judgement",
        "trend",
        "reason",
    }
    for row in data["rows"]:
        assert set(row) == expected_keys
        assert row["direction"] in {"↑", "↓", "↔", "×"}
        assert row["compared"] in {"Higher", "Lower", "Similar", "Not Comparable"}
        assert row["local_value"] is None or isinstance(row["local_value"], int | float)
        # An imported edition was judged by the document itself: as published, untested.
        assert (row["method"], row["tested"], row["ci_lower"], row["ci_upper"]) == (
            "as published",
            False,
            None,
            None,
        )
        assert (row["judgement"], row["trend"]) == ("Not tested", "Cannot be calculated")
        assert row["reason"]
    reference = {r["number"]: r for r in rows_from_file(path)}
    for row in data["rows"]:
        original = reference[row["number"]]
        assert (
            Decimal(str(row["local_value"])) if row["local_value"] is not None else None
        ) == original["local_value"]
        assert row["latest_period"] == (
            original["latest_period"].label if original["latest_period"] else None
        )


def test_live_json_is_the_default_export(document):
    data = json.loads(run("export_scorecard"))
    assert data["edition"] is None
    assert data["rows"][0]["series"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_csv_and_xlsx_exports_import_back_identically(
    fmt, reference_path, organisation, icu, tmp_path, django_db_reset_sequences
):
    run("import_scorecard", str(reference_path))
    out = tmp_path / f"scorecard.{fmt}"
    run("export_scorecard", "--edition", "May-2024", "--format", fmt, "--output", str(out))
    if fmt == "xlsx":
        sheet = load_workbook(out).active
        header_row = next(
            i for i, r in enumerate(sheet.iter_rows(values_only=True), 1) if r[0] == "Priority area"
        )
        assert sheet.cell(row=header_row + 1, column=9).value == 60  # numbers as numbers
    # Importing the export again finds nothing new: the same catalogue, data and edition.
    before = (Measure.objects.count(), DataPoint.objects.count())
    assert "nothing changed" in run("import_scorecard", str(out))
    assert (Measure.objects.count(), DataPoint.objects.count()) == before


def test_import_creates_catalogue_data_and_edition(
    reference_path, organisation, icu, other_organisation
):
    run("import_scorecard", str(reference_path))
    assert Measure.objects.count() == 39
    assert Area.objects.get(kind="local").name == "Southampton"
    assert Area.objects.filter(kind="england").exists()
    edition = Edition.objects.get()
    assert (edition.name, edition.edition_date.isoformat()) == ("May-2024", "2024-05-01")
    # 35 rows with a period; 11 of them have an England value too.
    assert DataPoint.objects.filter(area__kind="local").count() == 32
    measure = Measure.objects.get(number=20)
    assert (measure.period_type, measure.value_kind, measure.comparable_with_england) == (
        "multi_year",
        "rate",
        True,
    )
    assert Measure.objects.get(number=1).organisation == organisation
    assert Measure.objects.get(number=33).organisation == other_organisation
    assert (
        Measure.objects.get(number=8).organisation == icu
    )  # a national dataset: the default owner
    assert Measure.objects.get(number=21).status_note == "New data flows being established"


def test_an_edition_cannot_be_reimported_with_different_figures(
    reference_path, organisation, icu, tmp_path
):
    run("import_scorecard", str(reference_path))
    changed = tmp_path / "changed.tsv"
    changed.write_text(
        reference_path.read_text(encoding="utf-8").replace("\t530\t", "\t531\t"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="already published with different figures"):
        run("import_scorecard", str(changed))
    assert not DataPoint.objects.filter(value=531).exists()  # nothing half-imported


def test_another_partnerships_document_is_refused_once_an_area_is_set(
    reference_path, organisation, icu
):
    run("import_scorecard", str(reference_path))
    with pytest.raises(CommandError, match="local area is Southampton"):
        run("import_scorecard", str(PORTSMOUTH))


def test_missing_file_and_unknown_edition_give_clear_errors(db):
    with pytest.raises(CommandError, match="no such file"):
        run("import_scorecard", "/nonexistent.tsv")
    with pytest.raises(CommandError, match="No edition called Jan-1999"):
        run("export_scorecard", "--edition", "Jan-1999")


def test_export_columns_match_the_reference_header(reference_path, organisation, icu):
    run("import_scorecard", str(reference_path))
    text = run("export_scorecard", "--edition", "May-2024", "--format", "tsv")
    original = reference_path.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("Priority area"))
    assert header == next(
        line for line in original.splitlines() if line.startswith("Priority area")
    )
    assert len(COLUMNS) == 12
