"""Reading the spreadsheets people upload (CSV and XLSX) within fixed bounds of time and memory.

A file's size says little about what reading it costs: a 1.6 KB workbook can declare a sheet of
a million rows (openpyxl pads every one of them, even read-only), a 2 MB zip can unpack to 600 MB
of XML, one shared string can be 300 MB. So nothing here trusts what a file declares:

- the zip's directory is checked first (how many parts, how large unpacked), and no part is read
  past its declared size (zipfile stops there; a lie fails its checksum);
- each part is streamed through expat in small chunks, with no DTD allowed (so no entity
  expansion) and a budget of elements, so no part is ever held whole as a tree;
- a cell is placed by its own reference, never by the sheet's declared dimension, and a value
  beyond the row or column limit, a cell longer than the cell limit or more text than the text
  limit stops the read at once with a message saying which.

A value reads as openpyxl would read it (numbers as int or float, dates by their number format,
true/false, shared and inline text), so files read as they did before. Errors are
SpreadsheetError, whose message is written for the person who made the file.
"""

from __future__ import annotations

import csv
import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

#: Bytes handed to the XML parser at a time.
CHUNK = 64 * 1024


class SpreadsheetError(ValueError):
    """The file cannot be read, or is larger than the limits; the message says which."""


@dataclass(frozen=True)
class Limits:
    """How much of a spreadsheet is read before giving up (settings UPLOAD_MAX_*)."""

    rows: int  # rows below the header
    columns: int
    cell_chars: int
    text_chars: int  # every cell's text together
    unpacked_bytes: int  # an XLSX's parts, unzipped
    parts: int  # an XLSX's zip entries

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.UPLOAD_MAX_ROWS,
            columns=settings.UPLOAD_MAX_COLUMNS,
            cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
            text_chars=settings.MAX_UPLOAD_BYTES,
            unpacked_bytes=settings.UPLOAD_MAX_UNPACKED_BYTES,
            parts=settings.UPLOAD_MAX_PARTS,
        )

    @property
    def cells(self) -> int:
        """Cells a sheet may hold (empty ones too): every position of the largest allowed."""
        return (self.rows + 1) * self.columns

    @property
    def elements(self) -> int:
        """XML elements one part may hold: a cell and its value for every position."""
        return self.cells * 2 + 50_000


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Tally:
    """Counts cells' text against the limits, naming the cell that breaks one."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.text = 0

    def place(self, row: int, column: int) -> None:
        if row > self.limits.rows + 1:
            raise SpreadsheetError(
                f"There is something in row {row:,} (cell {column_letter(column)}{row}): a file "
                f"may have at most {self.limits.rows:,} rows of figures below its header row. "
                "Delete anything below your figures, or split the file into several."
            )
        if column > self.limits.columns:
            raise SpreadsheetError(
                f"Row {row:,} has something in column {column_letter(column)}: a file may have "
                f"at most {self.limits.columns} columns. Delete the columns to the right of "
                "your figures."
            )

    def cell(self, row: int, column: int, length: int) -> None:
        if length > self.limits.cell_chars:
            raise SpreadsheetError(
                f"Row {row:,}, column {column_letter(column)}: a cell may hold at most "
                f"{self.limits.cell_chars:,} characters."
            )

    def add(self, length: int) -> None:
        self.text += length
        if self.text > self.limits.text_chars:
            raise SpreadsheetError(
                f"The file holds more than {filesizeformat(self.limits.text_chars)} of text "
                "once unpacked: split it into several files."
            )


# CSV -------------------------------------------------------------------------------------------


def read_csv(text: str, limits: Limits, delimiter: str = ",") -> list[list[str]]:
    """Every record of a CSV text as a row of cells, blank records kept (as empty rows) so
    that row numbers are those a spreadsheet shows."""
    tally = _Tally(limits)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    # Cells hold no more text than the file: only a longer file needs its text counted.
    counts_text = len(text) > limits.text_chars
    try:
        for number, cells in enumerate(reader, start=1):
            while cells and not cells[-1].strip():
                cells.pop()  # Excel pads rows with empty cells up to the widest
            if cells:
                tally.place(number, len(cells))
                lengths = list(map(len, cells))
                if max(lengths) > limits.cell_chars:  # find the cell, to name it
                    for column, length in enumerate(lengths, start=1):
                        tally.cell(number, column, length)
                if counts_text:
                    tally.add(sum(lengths))
            rows.append(cells)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise SpreadsheetError(
                f"A cell holds more than {limits.cell_chars:,} characters."
            ) from None
        raise SpreadsheetError(
            f"The file could not be read as CSV ({exc}): check the quotation marks."
        ) from None
    return rows


# XLSX ------------------------------------------------------------------------------------------

_CELL = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW = re.compile(r"[0-9]{1,7}")
NOT_A_WORKBOOK = (
    "The file could not be read as an Excel workbook (.xlsx): save it again from Excel, or as "
    "CSV (UTF-8)."
)


@functools.lru_cache(maxsize=4096)
def _coordinate(reference: str) -> tuple[int, int]:
    """A cell reference ("B12") as (row, column)."""
    match = _CELL.fullmatch(reference)
    if match is None:
        raise SpreadsheetError(NOT_A_WORKBOOK)
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - 64
    return int(match[2]), column


class _Part:
    """Streams one zip part through expat, calling `start(name, attrs)`, `end(name)` and
    `text(data)` with element names stripped of any prefix (attribute names keep theirs);
    refuses DTDs and more than `limits.elements` elements."""

    def __init__(
        self,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        self.start, self.end, self.text = start, end, text

    def read(
        self, archive: zipfile.ZipFile, name: str, limits: Limits, *, direct: bool = False
    ) -> None:
        """With `direct`, the handlers get raw names and count elements themselves (the
        sheet's, called for every cell, save a layer of calls)."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        budget = limits.elements
        handler = self.start

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal budget
            budget -= 1
            if budget < 0:
                raise SpreadsheetError(
                    "The workbook has far more in it than a file of "
                    f"{limits.rows:,} rows needs: it cannot be read."
                )
            handler(tag.rpartition(":")[2], attrs)

        def refuse(*args: Any) -> None:
            raise SpreadsheetError(NOT_A_WORKBOOK)

        parser.StartElementHandler = self.start if direct else start
        if self.end is not None:
            end = self.end
            parser.EndElementHandler = end if direct else lambda tag: end(tag.rpartition(":")[2])
        if self.text is not None:
            parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        try:
            with archive.open(name) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SpreadsheetError(NOT_A_WORKBOOK) from exc


def _attribute(attrs: dict[str, str], name: str) -> str:
    """An attribute by its local name, whatever its prefix (r:id)."""
    return next((v for k, v in attrs.items() if k.rpartition(":")[2] == name), "")


def _relationships(
    archive: zipfile.ZipFile, part: str, limits: Limits
) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, the target's path in the archive)."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    if rels_path in archive.NameToInfo:
        _Part(start).read(archive, rels_path, limits)
    return found


def _of_type(rels: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((path for type_, path in rels.values() if type_.endswith("/" + kind)), None)


@dataclass
class _Workbook:
    sheets: list[str]  # relationship ids, in the workbook's order
    active: int
    epoch: Any


def _workbook(archive: zipfile.ZipFile, part: str, limits: Limits) -> _Workbook:
    book = _Workbook([], 0, WINDOWS_EPOCH)

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            book.sheets.append(_attribute(attrs, "id"))
        elif tag == "workbookView" and attrs.get("activeTab", "").isdigit():
            book.active = int(attrs["activeTab"])
        elif tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            book.epoch = MAC_EPOCH

    _Part(start).read(archive, part, limits)
    return book


def _shared_strings(archive: zipfile.ZipFile, part: str, limits: Limits) -> list[str]:
    """The shared strings; rich-text runs joined, phonetic guides (rPh) left out, as openpyxl."""
    strings: list[str] = []
    current: list[str] = []
    state = {"depth_rph": 0, "in_t": False, "length": 0, "total": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            current.clear()
            state["length"] = 0
            if len(strings) >= (limits.rows + 1) * limits.columns:
                raise SpreadsheetError(
                    "The workbook holds more separate texts than a file of "
                    f"{limits.rows:,} rows can use: it cannot be read."
                )
        elif tag == "rPh":
            state["depth_rph"] += 1
        elif tag == "t" and not state["depth_rph"]:
            state["in_t"] = True

    def end(tag: str) -> None:
        if tag == "si":
            strings.append("".join(current))
        elif tag == "rPh":
            state["depth_rph"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if not state["in_t"]:
            return
        state["length"] += len(data)
        state["total"] += len(data)
        if state["length"] > limits.cell_chars:
            raise SpreadsheetError(
                f"A cell's text is longer than {limits.cell_chars:,} characters: a cell may "
                f"hold at most {limits.cell_chars:,}."
            )
        if state["total"] > limits.text_chars:
            raise SpreadsheetError(
                f"The file holds more than {filesizeformat(limits.text_chars)} of text once "
                "unpacked: split it into several files."
            )
        current.append(data)

    _Part(start, end, text).read(archive, part, limits)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str, limits: Limits) -> tuple[set[int], set[int]]:
    """The cell styles (indexes of cellXfs) whose number format is a date, and a duration."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = {"cellXfs": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            inside["cellXfs"] = True
        elif tag == "xf" and inside["cellXfs"]:
            number = attrs.get("numFmtId", "0")
            formats.append(int(number) if number.isdigit() else 0)

    def end(tag: str) -> None:
        if tag == "cellXfs":
            inside["cellXfs"] = False

    _Part(start, end).read(archive, part, limits)
    dates, durations = set(), set()
    for index, number in enumerate(formats):
        code = custom.get(number) or BUILTIN_FORMATS.get(number) or "General"
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def _number(text: str) -> int | float | str:
    try:
        return float(text) if any(c in text for c in ".Ee") else int(text)
    except ValueError:
        return text


class _Sheet:
    """The sheet's cells, read as a stream: each value is checked against the limits as soon as
    it is complete, and kept by its position."""

    def __init__(
        self,
        limits: Limits,
        shared: list[str],
        dates: set[int],
        durations: set[int],
        epoch: Any,
    ) -> None:
        self.tally = _Tally(limits)
        self.shared, self.dates, self.durations, self.epoch = shared, dates, durations, epoch
        self.cells: dict[tuple[int, int], Any] = {}
        self.row = self.column = 0
        self.cell: tuple[int, int, str, int] | None = None
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.collecting: list[str] | None = None
        self.length = 0
        self.phonetic = 0
        self.budget = limits.cells
        self.elements = limits.elements

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.elements -= 1
        if self.elements < 0:
            raise SpreadsheetError(
                "The workbook has far more in it than a file of "
                f"{self.tally.limits.rows:,} rows needs: it cannot be read."
            )
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            self.budget -= 1
            if self.budget < 0:
                raise SpreadsheetError(
                    f"The sheet has more cells than {self.tally.limits.rows:,} rows of "
                    f"{self.tally.limits.columns} columns hold, even if empty: copy the figures "
                    "alone into a new sheet."
                )
            reference = attrs.get("r")
            if reference:
                row, self.column = _coordinate(reference)
            else:
                row, self.column = self.row, self.column + 1
            style = attrs.get("s", "0")
            self.cell = (
                row,
                self.column,
                attrs.get("t", "n"),
                int(style) if style.isdigit() else 0,
            )
            self.value, self.inline, self.length = None, None, 0
        elif tag == "row":
            number = attrs.get("r")
            if number is not None and not _ROW.fullmatch(number):
                raise SpreadsheetError(NOT_A_WORKBOOK)
            self.row = int(number) if number else self.row + 1
            self.column = 0
        elif self.cell is None:
            return
        elif tag == "v":
            self.collecting = []
        elif tag == "is":
            self.inline = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.collecting = self.inline

    def text(self, data: str) -> None:
        if self.collecting is None or self.cell is None:
            return
        self.length += len(data)
        self.tally.cell(self.cell[0], self.cell[1], self.length)
        self.collecting.append(data)

    def end(self, tag: str) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "v" and self.collecting is not None:
            self.value = "".join(self.collecting)
            self.collecting = None
        elif tag == "t":
            self.collecting = None
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.cell is not None:
            if self.value is None and self.inline is None:
                self.cell = None
                return  # empty cells take no room, wherever they are
            row, column, kind, style = self.cell
            value = self._typed(kind, style)
            self.cell = None
            if value is None or value == "":
                return  # empty cells take no room, wherever they are
            self.tally.place(row, column)
            if isinstance(value, str):
                self.tally.cell(row, column, len(value))
                self.tally.add(len(value))
            else:
                self.tally.add(8)
            self.cells[(row, column)] = value

    def _typed(self, kind: str, style: int) -> Any:
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        text = self.value
        if text is None:
            return None
        if kind == "n":
            number = _number(text)
            if style in self.dates and not isinstance(number, str):
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            index = _number(text)
            if not isinstance(index, int) or not 0 <= index < len(self.shared):
                raise SpreadsheetError(NOT_A_WORKBOOK)
            return self.shared[index]
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text
        return text  # "str" (a formula's text) and "e" (an error such as #N/A)

    def rows(self) -> list[list[Any]]:
        if not self.cells:
            return []
        height = max(row for row, _ in self.cells)
        width = max(column for _, column in self.cells)
        return [
            [self.cells.get((row, column)) for column in range(1, width + 1)]
            for row in range(1, height + 1)
        ]


def read_xlsx(content: bytes, limits: Limits, *, sheet: str = "active") -> list[list[Any]]:
    """The cells of a workbook's active (or, with sheet="first", first) worksheet as rows, from
    row 1, each as wide as the widest; an empty sheet gives []."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(NOT_A_WORKBOOK) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.parts:
            raise SpreadsheetError(
                f"The workbook has {len(entries):,} parts; an Excel workbook of figures has a few "
                f"dozen at most (the limit is {limits.parts:,}). Save the figures in a new "
                "workbook, or as CSV (UTF-8)."
            )
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > limits.unpacked_bytes:
            raise SpreadsheetError(
                f"The workbook unpacks to {filesizeformat(unpacked)}, more than the "
                f"{filesizeformat(limits.unpacked_bytes)} allowed: split it into several files, "
                "or remove what it holds besides the figures."
            )
        if "[Content_Types].xml" not in archive.NameToInfo:
            raise SpreadsheetError(NOT_A_WORKBOOK)
        package = _relationships(archive, "", limits)
        book_part = _of_type(package, "officeDocument")
        if book_part is None or book_part not in archive.NameToInfo:
            raise SpreadsheetError(NOT_A_WORKBOOK)
        book = _workbook(archive, book_part, limits)
        parts = _relationships(archive, book_part, limits)
        worksheets = [
            parts[rid][1]
            for rid in book.sheets
            if rid in parts and parts[rid][0].endswith("/worksheet")
        ]
        if sheet == "active":
            chosen = parts.get(book.sheets[book.active]) if book.active < len(book.sheets) else None
            sheet_part = chosen[1] if chosen and chosen[0].endswith("/worksheet") else None
        else:
            sheet_part = worksheets[0] if worksheets else None
        if sheet_part is None or sheet_part not in archive.NameToInfo:
            raise SpreadsheetError(
                "The workbook has no worksheet to read: put the figures on its first sheet."
            )
        shared_part = _of_type(parts, "sharedStrings")
        shared = (
            _shared_strings(archive, shared_part, limits)
            if shared_part in archive.NameToInfo
            else []
        )
        styles_part = _of_type(parts, "styles")
        dates, durations = (
            _date_styles(archive, styles_part, limits)
            if styles_part in archive.NameToInfo
            else (set(), set())
        )
        reader = _Sheet(limits, shared, dates, durations, book.epoch)
        _Part(reader.start, reader.end, reader.text).read(archive, sheet_part, limits, direct=True)
    return reader.rows()
