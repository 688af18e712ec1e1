"""Downloads of the live scorecard and of an edition in the reference layout (CSV, XLSX), read
back with csv and openpyxl rather than the portal's own reader."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scorecard.layout import header_row
from scorecard.models import Commitment, Measure
from scorecard.periods import parse_period
from scorecard.services.recomputing import scorecard_recompute
from submissions.approval import submission_approve
from tests.factories import MeasureFactory, Value, submission
from tests.integration.scorecard.helpers import get
from tests.reference import COLUMNS, rows_from_file

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com/steal","Click me")'


def _rows(cells: list[list[object]]) -> list[dict[str, object]]:
    """Body rows as the reference reader gives them: merged cells filled, numbers as Decimal."""
    header = next(i for i, row in enumerate(cells) if row and row[0] == "Priority area")
    rows, priority, commitment = [], "", ""
    for raw in cells[header + 1 :]:
        text = ["" if cell is None else str(cell) for cell in raw][:12]
        if not any(text):
            continue
        priority, commitment = text[0] or priority, text[1] or commitment
        row = dict(zip(COLUMNS, [priority, commitment, *text[2:]], strict=False))
        row["number"] = int(str(row["number"]))
        for column in ("local_value", "england_value"):
            row[column] = None if row[column] == "No Value" else Decimal(str(row[column]))
        row["latest_period"] = (
            None if row["latest_period"] == "No Value" else parse_period(str(row["latest_period"]))
        )
        rows.append(row)
    return rows


def _csv_rows(content: bytes) -> list[dict[str, object]]:
    return _rows(list(csv.reader(io.StringIO(content.decode("utf-8-sig")))))


def _xlsx_cells(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    cells = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return cells


def _same_figures(rows: list[dict[str, object]], reference: list[dict[str, object]]) -> None:
    assert [r["number"] for r in rows] == [r["number"] for r in reference]
    for row, expected in zip(rows, reference, strict=True):
        for column in COLUMNS:
            if column in ("local_value", "england_value") and row[column] is not None:
                # XLSX holds figures as floats; compare at the precision the reference shows.
                places = -expected[column].as_tuple().exponent
                assert round(row[column], places) == expected[column], (row["number"], column)
            else:
                assert row[column] == expected[column], (row["number"], column)


def test_live_csv_reads_back_to_the_reference_rows(frozen_today, imported, board, reference_path):
    response = get(board, "/scorecard/download.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="southampton-scorecard-live-2026-11-29.csv"'
    _same_figures(_csv_rows(response.content), rows_from_file(reference_path))


def test_live_xlsx_reads_back_to_the_reference_rows(frozen_today, imported, board, reference_path):
    response = get(board, "/scorecard/download.xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith(
        'filename="southampton-scorecard-live-2026-11-29.xlsx"'
    )
    _same_figures(_rows(_xlsx_cells(response.content)), rows_from_file(reference_path))


def test_edition_downloads_are_the_edition_as_published(imported, board, reference_path):
    reference = rows_from_file(reference_path)
    csv_response = get(board, "/scorecard/editions/May-2024/download.csv")
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="southampton-scorecard-may-2024.csv"'
    )
    _same_figures(_csv_rows(csv_response.content), reference)
    xlsx_response = get(board, "/scorecard/editions/May-2024/download.xlsx")
    _same_figures(_rows(_xlsx_cells(xlsx_response.content)), reference)


def test_downloads_carry_new_approved_figures(imported, board, new_figures):
    rows = {r["number"]: r for r in _csv_rows(get(board, "/scorecard/download.csv").content)}
    assert rows[1]["latest_period"] == parse_period("Nov 23")
    assert rows[1]["local_value"] == Decimal("64.0")
    assert (rows[4]["local_value"], rows[4]["england_value"]) == (Decimal("5.3"), Decimal("3.2"))


def test_text_that_looks_like_a_formula_is_neutralised(imported, board):
    measure = MeasureFactory(number=40, name=FORMULA, commitment=Commitment.objects.first())
    scorecard_recompute([measure.pk])

    rows = list(csv.reader(io.StringIO(get(board, "/scorecard/download.csv").content.decode())))
    names = [row[3] for row in rows if len(row) > 3 and row[2] == "40"]
    assert names == ["'" + FORMULA]

    workbook = load_workbook(io.BytesIO(get(board, "/scorecard/download.xlsx").content))
    sheet = workbook.worksheets[0]
    cells = [row[3] for row in sheet.iter_rows() if row[2].value == 40]  # numbers as numbers
    workbook.close()
    assert [c.value for c in cells] == ["'" + FORMULA]
    assert cells[0].data_type == "s"  # a string, not a formula


def test_the_xlsx_is_laid_out_for_people(imported, board, icu_lead, approver):
    """The contract's header row word for word, then better/worse and the trend; bold, frozen,
    with filters; every row names its priority area; widths; numbers at the measure's places;
    verdicts filled with colour beside their words. (Measure 4 judged worse here: lower is
    better, tested with its interval.)"""
    Measure.objects.filter(number=4).update(polarity="lower_is_better")
    returned = submission(
        by=icu_lead,
        values=[
            Value(4, "2023/24", "5.3", numerator="1325", denominator="250000"),
            Value(4, "2023/24", "3.2", area="England"),
        ],
    )
    submission_approve(returned.pk, by=approver)
    scorecard_recompute()
    sheet = load_workbook(io.BytesIO(get(board, "/scorecard/download.xlsx").content)).active
    rows = list(sheet.iter_rows())
    at = next(i for i, row in enumerate(rows) if row[0].value == "Priority area")
    header = [c.value for c in rows[at]]
    assert header == [
        *(name or None for name in header_row("Southampton")),
        "Better or worse than England",
        "Recent trend",
    ]
    assert all(c.font.bold for c in rows[at])
    assert sheet.freeze_panes == f"A{at + 2}"
    assert sheet.auto_filter.ref == f"A{at + 1}:N{sheet.max_row}"
    assert sheet.column_dimensions["D"].width == 48
    first, second = rows[at + 1], rows[at + 2]
    # The layout's columns (number, then name); no row leaves its priority area blank.
    assert (first[2].value, first[3].value) == (
        1,
        "Number of current active Drugs Networks (Southampton)",
    )
    assert first[0].value == second[0].value == "Breaking drug supply chains"
    assert (first[8].value, first[8].number_format) == (60, "#,##0.0")
    by_number = {row[2].value: row for row in rows[at + 1 :]}
    measure_35 = by_number[35]
    assert (measure_35[9].value, measure_35[9].number_format) == (10987, "#,##0")
    # Measure 4, 5.3 per 1,000 (Byar 5.02 to 5.59) against England's 3.2: worse, in words
    # and in red; an untested row has its words and no fill.
    worse = by_number[4]
    assert (worse[11].value, worse[12].value) == ("Higher", "Worse")
    assert worse[11].fill.fgColor.rgb == worse[12].fill.fgColor.rgb == "00F4CDC6"
    assert by_number[5][12].value == "Not tested"
    assert by_number[5][12].fill.fill_type is None
