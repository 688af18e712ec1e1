"""The long-format values file (CONTRACT.md): reading uploads and writing the blank template.

Parsing reads the cells within `portal.spreadsheets`' limits and cleans them through the
`LongFormatResource` fields (django-import-export's widgets); judging the figures is left to
`submissions.validation`. Problems with the file as a whole (not a CSV or XLSX, empty, missing
columns) are reported here as issues in the validator's shape, so every channel shows them the
same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX

from portal.bulk import collector_paused
from portal.spreadsheets import Limits, SpreadsheetError, read_csv, read_xlsx
from scorecard.figures import neutralise, uk_date
from scorecard.periods import Period
from submissions.validation import FIELDS, REQUIRED_COLUMNS, Issue, RawRow

EXTENSIONS = (".csv", ".xlsx")
_ZIP_MAGIC = b"PK\x03\x04"


class PeriodWidget(widgets.CharWidget):
    """A period cell as text. Spreadsheets turn a typed "Oct 23" into the date 1 October 2023,
    so a date on the first of a month is read back as that month."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, dt.date) and value.day == 1:
            return Period.month(value.year, value.month).label
        if isinstance(value, dt.datetime | dt.date):
            # Any other date is shown as written, for the validator to explain.
            return uk_date(value.date() if isinstance(value, dt.datetime) else value)
        return super().clean(value, row, **kwargs)


class LongFormatResource(resources.Resource):
    """The columns `measure, period, area, value, numerator, denominator, note` and the optional
    `variance`, all read as text (blank XLSX cells arrive as None; CharWidget makes them "")."""

    measure = fields.Field(attribute="measure", column_name="measure", widget=widgets.CharWidget())
    period = fields.Field(attribute="period", column_name="period", widget=PeriodWidget())
    area = fields.Field(attribute="area", column_name="area", widget=widgets.CharWidget())
    value = fields.Field(attribute="value", column_name="value", widget=widgets.CharWidget())
    numerator = fields.Field(
        attribute="numerator", column_name="numerator", widget=widgets.CharWidget()
    )
    denominator = fields.Field(
        attribute="denominator", column_name="denominator", widget=widgets.CharWidget()
    )
    note = fields.Field(attribute="note", column_name="note", widget=widgets.CharWidget())
    variance = fields.Field(
        attribute="variance", column_name="variance", widget=widgets.CharWidget()
    )

    class Meta:
        fields = FIELDS
        import_id_fields: tuple[str, ...] = ()

    def raw_rows(self, headers: Sequence[Any], records: Iterable[Sequence[Any]]) -> RowsRead:
        """The dataset's data rows, numbered as a spreadsheet shows them (the header is row 1).

        Column names are matched ignoring case and surrounding spaces; optional columns may be
        left out. Rows with every cell blank are skipped; rows with no figure in them (value,
        numerator, denominator and note blank: template rows left blank) are skipped and
        counted, as the form ignores a measure left blank. A file with nothing else is refused.
        """
        headers = [_header(h) for h in headers]
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        if missing:
            names = ", ".join(f"'{c}'" for c in missing)
            return RowsRead(
                [],
                [
                    Issue(
                        1,
                        missing[0],
                        f"The file has no {names} column: its first row must name the columns "
                        f"{', '.join(FIELDS)}.",
                    )
                ],
            )
        position = {name: headers.index(name) for name in FIELDS if name in headers}
        rows: list[RawRow] = []
        ignored = 0
        for index, cells in enumerate(records, start=2):
            record = {name: cells[position[name]] if name in position else "" for name in FIELDS}
            if all(v is None or str(v).strip() == "" for v in record.values()):
                continue
            row = RawRow(
                index,
                {
                    # Text passes through the fields' widgets unchanged: only other cells
                    # (blank XLSX cells, numbers, dates) need them.
                    name: value if type(value) is str else self.fields[name].clean(record)
                    for name, value in record.items()
                },
            )
            if row.is_blank:
                ignored += 1
            else:
                rows.append(row)
        if rows:
            return RowsRead(rows, [], ignored)
        if ignored:
            message = (
                f"None of the file's {ignored:,} rows has a figure in it: fill in the value "
                "column for each figure you are sending, and leave the rest blank."
            )
        else:
            message = "The file has no figures in it: only a header row."
        return RowsRead([], [Issue(None, "file", message)], ignored)


@dataclass(frozen=True)
class RowsRead:
    """What the rows of a file say: the rows with figures, problems with the file as a whole,
    and how many rows were left without a figure and so ignored."""

    rows: list[RawRow]
    issues: list[Issue]
    ignored: int = 0


def _header(value: Any) -> str:
    return " ".join(str(value or "").replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class ParsedFile:
    rows: list[RawRow]
    issues: list[Issue]
    #: Rows without a figure (template rows left blank), skipped.
    ignored: int = 0


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is refused before it is read, or None."""
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        return (
            f"The file must be smaller than {filesizeformat(limit)}: split it into several "
            "files, or remove columns you do not need."
        )
    return None


@collector_paused()
def read_values_file(name: str, content: bytes) -> ParsedFile:
    """Parse an uploaded CSV (UTF-8, with or without BOM) or XLSX file into raw rows.

    Never raises for a bad file: whatever is wrong comes back as an issue with a plain message.
    The file is read within `portal.spreadsheets`' limits (rows, columns, cell length, text,
    and for a workbook its parts and unpacked size), so no file costs more than they allow.
    """
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in EXTENSIONS:
        return _file_error("The file must be a CSV (.csv) or Excel workbook (.xlsx).")
    too_large = size_problem(len(content))
    if too_large:
        return _file_error(too_large)
    if not content.strip():
        return _file_error("The file is empty.")
    limits = Limits.from_settings()
    try:
        if suffix == ".csv":
            cells: list[list[Any]] = read_csv(_csv_text(content), limits)
        else:
            if not content.startswith(_ZIP_MAGIC):
                raise SpreadsheetError(
                    "The file is not an Excel workbook (.xlsx) although it is named so."
                )
            cells = read_xlsx(content, limits)
        header, records = _table(cells)
    except SpreadsheetError as exc:
        return _file_error(str(exc))
    read = LongFormatResource().raw_rows(header, records)
    return ParsedFile(read.rows, read.issues, read.ignored)


def ignored_text(count: int) -> str:
    """How many rows were skipped for having no figure, as pages and the command say it."""
    rows = "1 row left blank was" if count == 1 else f"{count:,} rows left blank were"
    return f"{rows} ignored: no value, numerator, denominator or note"


def _csv_text(content: bytes) -> str:
    """A CSV's text: UTF-8 (with or without BOM) with no NUL, or why not."""
    if content.startswith(_ZIP_MAGIC):
        raise SpreadsheetError(
            "The file is an Excel workbook named .csv: save it as .xlsx, or as CSV (UTF-8)."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "The file is not a CSV saved as UTF-8: in Excel choose 'CSV UTF-8 (Comma "
            "delimited)' when you save it."
        ) from None
    if "\x00" in text:
        raise SpreadsheetError("The file is not a text CSV file.")
    return text


def _table(cells: list[list[Any]]) -> tuple[list[Any], list[list[Any]]]:
    """The header row and the rows below it; shorter rows are padded, so row `n` of the file is
    data row `n - 1`."""
    if not cells or not any(c is not None and str(c).strip() for c in cells[0]):
        raise SpreadsheetError("The file is empty.")
    header = cells[0]
    width = len(header)
    for number, row in enumerate(cells[1:], start=2):
        if len(row) > width:
            raise SpreadsheetError(
                f"Row {number} has more cells than the header row names, so the file could not "
                "be read: give every column a name in the first row, or delete the cells to "
                "the right of your figures."
            )
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return header, cells[1:]


def _file_error(message: str) -> ParsedFile:
    return ParsedFile([], [Issue(None, "file", message)])


# Writing -------------------------------------------------------------------------------------

TEMPLATE_EXTRA = "measure name (ignored on upload)"


def values_dataset(records: Iterable[Mapping[str, Any]], *, names: bool = False) -> tablib.Dataset:
    """Long-format rows as a Dataset through the resource; `names` adds the measure's name as a
    last column that uploads ignore, for people filling in the template."""
    records = list(records)
    dataset = LongFormatResource().export(records)
    if names:
        dataset.append_col([r.get("measure_name", "") for r in records], header=TEMPLATE_EXTRA)
    free_text = ("area", "note", TEMPLATE_EXTRA)
    text_columns = {i for i, h in enumerate(dataset.headers) if h in free_text}
    cleaned = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        cleaned.append([neutralise(c) if i in text_columns else c for i, c in enumerate(row)])
    return cleaned


def export_values(dataset: tablib.Dataset, file_format: str) -> bytes:
    """The dataset as CSV (UTF-8 with BOM, so Excel reads it right) or XLSX bytes."""
    if file_format == "csv":
        return ("\ufeff" + CSV().export_data(dataset)).encode("utf-8")
    if file_format == "xlsx":
        data = XLSX().export_data(dataset)
        return data if isinstance(data, bytes) else bytes(data)
    raise ValueError(f"unknown format {file_format!r}")


CONTENT_TYPES = {"csv": CSV.CONTENT_TYPE, "xlsx": XLSX.CONTENT_TYPE}
