"""The bounded spreadsheet reader: reads what openpyxl reads, and refuses, naming the limit,
whatever would cost more than the limits allow."""

import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from portal.spreadsheets import Limits, SpreadsheetError, read_csv, read_xlsx
from tests import hostile

LIMITS = Limits(
    rows=20, columns=8, cell_chars=100, text_chars=1_500, unpacked_bytes=1_000_000, parts=50
)


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def openpyxl_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def trimmed(rows: list[list[object]]) -> list[list[object]]:
    """Rows without trailing empty cells (openpyxl pads to the declared width)."""
    out = [list(row) for row in rows]
    for row in out:
        while row and row[-1] is None:
            row.pop()
    return out


def test_reads_every_kind_of_cell_as_openpyxl_does():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value", "flag", "note"])
    sheet.append([1, dt.datetime(2023, 11, 1), 61.5, True, "Busy month"])
    sheet.append(
        [2, "Oct 23", 7, False, CellRichText("Bold ", TextBlock(InlineFont(b=True), "text"))]
    )
    sheet.append([3, dt.date(2024, 2, 29), 1e-7, None, "=not a formula"])
    sheet["F3"] = "=1+1"  # a formula: a cached value is read, none here
    sheet.append([None, None, None])
    sheet.append([12345678901234, "2022/23", -4, None, "  spaced  "])
    content = saved(workbook)

    assert trimmed(read_xlsx(content, LIMITS)) == trimmed(openpyxl_rows(content))


def test_reads_the_active_sheet_and_the_1904_date_system():
    workbook = Workbook()
    workbook.active.append(["not", "this"])
    second = workbook.create_sheet("Figures")
    second.append(["period"])
    second.append([dt.datetime(2023, 11, 1)])
    workbook.active = 1
    workbook.epoch = dt.datetime(1904, 1, 1)
    content = saved(workbook)

    assert read_xlsx(content, LIMITS) == [["period"], [dt.datetime(2023, 11, 1)]]
    assert read_xlsx(content, LIMITS, sheet="first") == [["not", "this"]]


def test_places_cells_by_their_reference_not_the_declared_dimension():
    content = hostile.workbook(
        [
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>',
            b'<row r="4"><c r="C4"><v>7</v></c></row>',
        ],
        dimension="A1:XFD1048576",
    )
    assert read_xlsx(content, LIMITS) == [
        ["a", None, None],
        [None, None, None],
        [None, None, None],
        [None, None, 7],
    ]


def test_phonetic_guides_are_left_out_of_shared_strings():
    content = hostile.workbook(
        [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'],
        shared=[b"<si><r><t>Tok</t></r><r><t>yo</t></r><rPh><t>toukyou</t></rPh></si>"],
    )
    assert read_xlsx(content, LIMITS) == [["Tokyo"]]


def test_empty_cells_beyond_the_limits_cost_nothing():
    content = hostile.workbook(
        [hostile.HEADER_ROW, b'<row r="1048576" s="3"><c r="XFD1048576" s="1"/></row>']
    )
    assert read_xlsx(content, LIMITS) == [["measure", "period", "value"]]


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (
            b'<row r="22"><c r="A22"><v>1</v></c></row>',
            "something in row 22 (cell A22): a file may have at most 20 rows of figures",
        ),
        (
            b'<row r="2"><c r="I2"><v>1</v></c></row>',
            "Row 2 has something in column I: a file may have at most 8 columns",
        ),
        (
            b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + b"x" * 101 + b"</t></is></c></row>",
            "Row 2, column B: a cell may hold at most 100 characters",
        ),
    ],
    ids=["row", "column", "cell"],
)
def test_a_value_beyond_a_limit_is_refused_naming_the_cell_and_the_limit(sheet, message):
    with pytest.raises(SpreadsheetError, match=re.escape(message)):
        read_xlsx(hostile.workbook([hostile.HEADER_ROW, sheet]), LIMITS)


def test_text_repeated_from_one_shared_string_counts_in_every_cell():
    rows = [f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>'.encode() for r in range(2, 22)]
    content = hostile.workbook(rows, shared=[b"<si><t>" + b"x" * 99 + b"</t></si>"])
    with pytest.raises(SpreadsheetError, match=re.escape("more than 1.5\xa0KB of text")):
        read_xlsx(content, LIMITS)


def test_the_zip_directory_is_checked_before_any_part_is_read():
    bomb = re.escape("unpacks to 2.0\xa0MB, more than the 976.6\xa0KB")
    with pytest.raises(SpreadsheetError, match=bomb):
        read_xlsx(hostile.zip_bomb(2 * hostile.MB), LIMITS)
    with pytest.raises(SpreadsheetError, match="has 65 parts"):
        read_xlsx(hostile.many_parts(60), LIMITS)


@pytest.mark.parametrize(
    "content",
    [
        hostile.entity_expansion(),
        hostile.lying_zip_bomb(2 * hostile.MB),
        b"PK\x03\x04 not a zip",
        hostile.workbook([b'<row r="2"><c r="B2" t="s"><v>5</v></c></row>']),
    ],
    ids=["entities", "lying directory", "damaged", "missing shared string"],
)
def test_a_damaged_or_hostile_workbook_is_refused_as_unreadable(content):
    with pytest.raises(SpreadsheetError, match="could not be read as an Excel workbook"):
        read_xlsx(content, LIMITS)


def test_csv_keeps_blank_records_so_rows_are_numbered_as_in_a_spreadsheet():
    assert read_csv("a,b\n\n1,2,,\n", LIMITS) == [["a", "b"], [], ["1", "2"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\n" + "1\n" * 21, "something in row 22"),
        ("a\n" + ",".join("x" * 9) + "\n", "Row 2 has something in column I"),
        ('a\n"' + "x" * 101 + '"\n', "Row 2, column A: a cell may hold at most 100"),
        ("a\n" + "x" * 200_000 + "\n", "A cell holds more than 100 characters"),
    ],
    ids=["rows", "columns", "cell", "beyond the csv module's field limit"],
)
def test_csv_beyond_a_limit_is_refused(text, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_csv(text, LIMITS)
