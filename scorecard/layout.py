"""Reading and writing the scorecard document layout that partnerships publish (TSV, CSV, XLSX),
and its JSON form.

The layout, as councils actually produce it: a preamble (title, the edition's date line such as
`May-2024`, a description, a note on periods), then a header row naming the local area
(`Southampton value`), then one row per measure. Merged cells arrive as blanks ("same as above"),
a row may have lost its priority-area cell so that every field sits one column to the left,
`No Value` stands for a missing figure, and status notes sit in the sparkline column.

Reader, writers and the row they share (with its verdicts, which only the JSON form carries)
stay in one module of some 510 lines, so the layout's rules are in one place (the XLSX for people,
with its widths, fills and filters, is the longest writer).
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from portal.spreadsheets import Limits, SpreadsheetError, read_xlsx
from scorecard.compute import NOT_COMPARED, Comparison, Direction, Judgement, Trend
from scorecard.figures import (
    DOCUMENT_NO_VALUE,
    FigureError,
    decimal_places_of,
    document_figure,
    format_value,
    is_no_value,
    json_number,
    neutralise,
)
from scorecard.periods import month_of_name

FORMATS = ("tsv", "csv", "xlsx", "json")


class LayoutError(ValueError):
    """The document is not in the scorecard layout; the message says where and why."""


@dataclass
class DocumentRow:
    number: int
    priority_area: str
    commitment: str
    measure: str
    unit: str
    source: str
    latest_period: str | None
    note: str
    local_value: Decimal | None
    england_value: Decimal | None
    direction: str
    compared: str
    local_places: int = 0
    england_places: int = 0
    series: list[dict[str, Any]] = field(default_factory=list)
    # How the row was compared, judged and trended (scorecard.models.RowVerdicts); a document
    # read from a file has none of it, so the defaults say so.
    method: str = NOT_COMPARED
    tested: bool = False
    ci_lower: Decimal | None = None
    ci_upper: Decimal | None = None
    judgement: str = Judgement.NOT_TESTED.value
    trend: str = Trend.CANNOT.value
    comparison_reason: str = ""
    direction_reason: str = ""
    trend_note: str = ""
    suppressed: bool = False
    polarity: str = ""
    confidence_level: str = ""

    @property
    def reason(self) -> str | None:
        """Why the row is not compared or not tested, has no direction (or where its direction
        comes from) and has no recent trend, in sentences; None when there is nothing to say."""
        if self.latest_period is None:
            return "There is no figure yet."
        parts = []
        if self.comparison_reason:
            lead = "Not compared" if self.compared == Comparison.NOT_COMPARABLE else "Not tested"
            parts.append(f"{lead}: {self.comparison_reason}.")
        if self.direction_reason:
            lead = "No direction" if self.direction == Direction.UNKNOWN else "Direction"
            parts.append(f"{lead} of travel: {self.direction_reason}.")
        if self.trend == Trend.CANNOT and self.trend_note:
            parts.append(f"Recent trend cannot be calculated: {self.trend_note}.")
        return " ".join(parts) or None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "priority_area": self.priority_area,
            "commitment": self.commitment,
            "measure": self.measure,
            "unit": self.unit,
            "source": self.source,
            "latest_period": self.latest_period,
            "note": self.note or None,
            "local_value": json_number(self.local_value, self.local_places),
            "england_value": json_number(self.england_value, self.england_places),
            "direction": self.direction,
            "compared": self.compared,
            "series": self.series,
            "method": self.method,
            "tested": self.tested,
            "ci_lower": json_number(self.ci_lower),
            "ci_upper": json_number(self.ci_upper),
            "judgement": self.judgement,
            "trend": self.trend,
            "reason": self.reason,
        }


@dataclass
class ScorecardDocument:
    title: str
    edition: str | None
    area: str
    rows: list[DocumentRow]
    description: str = ""
    period_note: str = ""
    computed_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "edition": self.edition,
            "area": self.area,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "rows": [row.as_json() for row in self.rows],
        }


# Reading -----------------------------------------------------------------------------------------


def read_cells(path: Path) -> list[list[str]]:
    """The document's cells as text, whatever its format."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "xlsx":
        return _read_xlsx(path.read_bytes())
    if suffix not in ("tsv", "csv", "txt"):
        raise LayoutError(f"{path.name}: a scorecard must be a .tsv, .csv or .xlsx file.")
    text = path.read_bytes().decode("utf-8-sig")
    delimiter = "\t" if suffix in ("tsv", "txt") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    """The first worksheet's cells as text, read within the upload limits (a hostile workbook
    is refused, never expanded: see portal.spreadsheets)."""
    try:
        rows = read_xlsx(content, Limits.from_settings(), sheet="first")
    except SpreadsheetError as exc:
        raise LayoutError(str(exc)) from exc
    return [["" if v is None else _cell_text(v) for v in values] for values in rows]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def _is_header(cells: list[str]) -> bool:
    lowered = [c.strip().lower() for c in cells]
    return "priority area" in lowered and "measure" in lowered


def _area_from_header(cells: list[str]) -> str:
    for cell in cells:
        match = re.fullmatch(r"\s*(.+?)\s+value\s*", cell, flags=re.IGNORECASE)
        if match and match.group(1).lower() != "england":
            return match.group(1)
    raise LayoutError("The header row does not name the local area (e.g. 'Southampton value').")


def _measure_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _decimal(text: str, row: int, column: str) -> Decimal | None:
    try:
        return document_figure(text)
    except FigureError as exc:
        raise LayoutError(f"Row {row}: {column} {exc}") from None


def parse_document(cells: list[list[str]]) -> ScorecardDocument:
    """Turn a document's cells into a ScorecardDocument, filling merged cells from above."""
    header_at = next((i for i, row in enumerate(cells) if _is_header(row)), None)
    if header_at is None:
        raise LayoutError(
            "No header row found: expected a row with 'Priority area', 'Commitment', 'Measure'…"
        )
    preamble = [" ".join(c.strip() for c in row if c.strip()) for row in cells[:header_at]]
    preamble = [line for line in preamble if line]
    edition_at = next((i for i, line in enumerate(preamble) if month_of_name(line)), None)
    if edition_at is None:
        raise LayoutError("No edition date line (such as 'May-2024') found above the header row.")
    title = " ".join(preamble[:edition_at]) or "Scorecard"
    after = preamble[edition_at + 1 :]
    description, period_note = (
        (" ".join(after[:-1]), after[-1]) if len(after) > 1 else (" ".join(after), "")
    )
    area = _area_from_header(cells[header_at])

    rows: list[DocumentRow] = []
    priority_area = commitment = ""
    for offset, raw in enumerate(cells[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in raw):
            continue
        number_at = next(
            (i for i in range(min(3, len(raw))) if _measure_number(raw[i]) is not None), None
        )
        if number_at is None:
            raise LayoutError(f"Row {offset}: no measure number in the first three columns.")
        leading = [c.strip() for c in raw[:number_at]]
        # Two leading cells: priority area and commitment. One: the priority-area cell was merged
        # away and the row shifted left, so the one cell is the commitment.
        if len(leading) == 2:
            priority_area = leading[0] or priority_area
            commitment = leading[1] or commitment
        elif len(leading) == 1:
            commitment = leading[0] or commitment
        fields = [c.strip() for c in raw[number_at:]] + [""] * 10
        number = int(fields[0])
        if not priority_area or not commitment:
            raise LayoutError(f"Row {offset}: measure {number} has no priority area or commitment.")
        period = fields[4]
        direction, compared = fields[8] or Direction.UNKNOWN.value, fields[9]
        if direction not in {d.value for d in Direction}:
            raise LayoutError(f"Row {offset}: direction '{direction}' is not one of ↑ ↓ ↔ ×.")
        if compared not in {c.value for c in Comparison}:
            raise LayoutError(
                f"Row {offset}: comparison '{compared}' is not Higher, Lower, Similar or "
                "Not Comparable."
            )
        rows.append(
            DocumentRow(
                number=number,
                priority_area=priority_area,
                commitment=commitment,
                measure=fields[1],
                unit=fields[2],
                source=fields[3],
                latest_period=None if is_no_value(period) else period,
                note=fields[5],
                local_value=_decimal(fields[6], offset, f"{area} value"),
                england_value=_decimal(fields[7], offset, "England value"),
                local_places=decimal_places_of(fields[6]),
                england_places=decimal_places_of(fields[7]),
                direction=direction,
                compared=compared,
            )
        )
    if not rows:
        raise LayoutError("The document has a header row but no measures below it.")
    numbers = [r.number for r in rows]
    if len(set(numbers)) != len(numbers):
        raise LayoutError("Measure numbers repeat: each measure must appear once.")
    return ScorecardDocument(
        title=title,
        edition=preamble[edition_at],
        area=area,
        rows=rows,
        description=description,
        period_note=period_note,
    )


def read_document(path: Path) -> ScorecardDocument:
    return parse_document(read_cells(path))


# Writing -----------------------------------------------------------------------------------------


def header_row(area: str) -> list[str]:
    return [
        "Priority area",
        "Commitment",
        "Measure",
        "Unit",
        "Source",
        "Latest time period",
        f"{area} Sparkline",
        f"{area} value",
        "England value",
        "Direction of travel (last 2 time periods)",
        "Compared to England value",
        "",
    ]


def _preamble(doc: ScorecardDocument) -> list[list[str]]:
    lines = ["", "", doc.title, "", doc.edition or "Live", "", doc.description, ""]
    if doc.period_note:
        lines += [doc.period_note, ""]
    return [[line] for line in lines]


def row_cells(row: DocumentRow) -> list[str | Decimal | None]:
    """A row's cells in the layout's column order, priority area and commitment included."""
    return [
        row.priority_area,
        row.commitment,
        str(row.number),
        row.measure,
        row.unit,
        row.source,
        row.latest_period or DOCUMENT_NO_VALUE,
        row.note,
        row.local_value,
        row.england_value,
        row.direction,
        row.compared,
    ]


def table_rows(doc: ScorecardDocument) -> list[list[str | Decimal | None]]:
    """Body rows in the layout; a repeated priority area or commitment is left blank, as merged
    cells are when a spreadsheet is saved as text."""
    out: list[list[str | Decimal | None]] = []
    previous_priority = previous_commitment = None
    for row in doc.rows:
        new_priority = row.priority_area != previous_priority
        new_commitment = new_priority or row.commitment != previous_commitment
        cells = row_cells(row)
        cells[0] = cells[0] if new_priority else ""
        cells[1] = cells[1] if new_commitment else ""
        out.append(cells)
        previous_priority, previous_commitment = row.priority_area, row.commitment
    return out


def _text_cell(value: str | Decimal | None, places: int) -> str:
    if isinstance(value, Decimal) or value is None:
        return format_value(value, places)
    return value


def _text_rows(doc: ScorecardDocument, *, safe: bool) -> list[list[str]]:
    rows = []
    for row, cells in zip(doc.rows, table_rows(doc), strict=True):
        text = [
            _text_cell(cell, row.local_places if i == 8 else row.england_places)
            for i, cell in enumerate(cells)
        ]
        rows.append([neutralise(c) if safe and i not in (8, 9) else c for i, c in enumerate(text)])
    return rows


def write_delimited(doc: ScorecardDocument, delimiter: str, *, safe: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if delimiter == "\t":
        # The published text layout: unquoted, as the spreadsheet saves it.
        lines = [row[0] for row in _preamble(doc)]
        lines.append("\t".join(header_row(doc.area)))
        lines += ["\t".join(row) for row in _text_rows(doc, safe=False)]
        return "\n".join(lines)
    for line in _preamble(doc):
        writer.writerow([neutralise(line[0])] if safe and line[0] else line)
    writer.writerow([neutralise(h) for h in header_row(doc.area)] if safe else header_row(doc.area))
    writer.writerows(_text_rows(doc, safe=safe))
    return buffer.getvalue()


def xlsx_header(area: str) -> list[str | None]:
    """The spreadsheet's header: the published header row, word for word as the contract keeps
    it (its "Measure" stands over the numbers, each name one column left of its data, and the
    last column has none), then better/worse and the recent trend, which the layout lacks."""
    return [name or None for name in header_row(area)] + [
        "Better or worse than England",
        "Recent trend",
    ]


#: Column widths (characters) of the spreadsheet, by header position.
XLSX_WIDTHS = (24, 36, 6, 48, 18, 20, 12, 28, 13, 13, 13, 15, 15, 24)
#: Text columns that wrap (priority area, commitment, measure, unit, source, note, trend).
XLSX_WRAPPED = (0, 1, 3, 4, 5, 7, 13)
#: Cell fills by verdict (Fingertips' colours in GOV.UK tints): the words are always in the cell.
XLSX_FILLS = {
    Judgement.BETTER.value: "CCE2D8",
    Judgement.WORSE.value: "F4CDC6",
    Judgement.SIMILAR.value: "FFF2CC",
    Trend.INCREASING_BETTER.value: "CCE2D8",
    Trend.DECREASING_BETTER.value: "CCE2D8",
    Trend.INCREASING_WORSE.value: "F4CDC6",
    Trend.DECREASING_WORSE.value: "F4CDC6",
}


def _number_format(places: int) -> str:
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def write_xlsx(doc: ScorecardDocument) -> bytes:
    """The scorecard as a spreadsheet for people: the layout's preamble, header row and columns
    (so it reads back through `import_scorecard`), every row naming its priority area and
    commitment (so filters work), the header bold, frozen, with filters; widths and
    wrapping; figures as numbers at the measure's places; better/worse and the comparison
    filled with the verdict's colour beside its words."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = (doc.edition or "Live scorecard")[:31]
    for line in _preamble(doc):
        sheet.append([neutralise(line[0]) if line[0] else None])
    sheet["A3"].font = Font(bold=True, size=14)
    header = xlsx_header(doc.area)
    sheet.append([neutralise(h) if h else None for h in header])
    header_at = sheet.max_row
    for cell in sheet[header_at]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F2F1")
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cell.border = Border(bottom=Side(style="medium"))
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for row in doc.rows:
        cells: list[Any] = [*row_cells(row), row.judgement, row.trend]
        cells[2] = row.number  # a number people can sort and filter
        values = [
            (DOCUMENT_NO_VALUE if value is None else float(value))
            if i in (8, 9)
            else (neutralise(value) if isinstance(value, str) and value else value or None)
            for i, value in enumerate(cells)
        ]
        sheet.append(values)
        at = sheet.max_row
        for i, cell in enumerate(sheet[at]):
            cell.alignment = wrapped if i in XLSX_WRAPPED else top
        for column, places in ((9, row.local_places), (10, row.england_places)):
            target = sheet.cell(row=at, column=column)
            if isinstance(target.value, float):
                target.number_format = _number_format(places)
        sheet.cell(row=at, column=11).alignment = Alignment(vertical="top", horizontal="center")
        for column, verdict in ((12, row.judgement), (13, row.judgement), (14, row.trend)):
            fill = XLSX_FILLS.get(verdict)
            if fill:
                sheet.cell(row=at, column=column).fill = PatternFill("solid", fgColor=fill)
    last = get_column_letter(len(header))
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_at + 1}"
    sheet.auto_filter.ref = f"A{header_at}:{last}{max(sheet.max_row, header_at + 1)}"
    sheet.print_title_rows = f"{header_at}:{header_at}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_json(doc: ScorecardDocument) -> str:
    return json.dumps(doc.as_json(), ensure_ascii=False, indent=2)


def render(doc: ScorecardDocument, fmt: str) -> bytes:
    """The document in a format of FORMATS; CSV and XLSX are neutralised against formulas."""
    if fmt == "tsv":
        return write_delimited(doc, "\t", safe=False).encode()
    if fmt == "csv":
        return write_delimited(doc, ",", safe=True).encode("utf-8-sig")
    if fmt == "xlsx":
        return write_xlsx(doc)
    if fmt == "json":
        return write_json(doc).encode()
    raise LayoutError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")
