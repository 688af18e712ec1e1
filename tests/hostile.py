"""Hostile files under the upload size limit, made on the spot (the tests and bench/load.py use
them): each once took a web process to gigabytes of memory or to its timeout.

Every workbook here is a minimal but well-formed XLSX: the same parts Excel writes, so it is
the file's declared contents that are hostile, never its packaging.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>measure</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>'
)


def _content_types(shared: bool) -> bytes:
    parts = [
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>',
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
    ]
    if shared:
        parts.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(parts)
        + "</Types>"
    ).encode()


def workbook(
    sheet: Iterable[bytes],
    *,
    shared: Iterable[bytes] | None = None,
    dimension: str | None = None,
    extra_parts: int = 0,
) -> bytes:
    """An XLSX whose sheet data is `sheet` (row elements, streamed in chunks), with a shared
    strings part made of `shared` (si elements) if given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(shared is not None))
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Figures" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared is not None:
            rels += (
                f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for chunk in sheet:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for chunk in shared:
                    part.write(chunk)
                part.write(b"</sst>")
        for index in range(extra_parts):
            archive.writestr(f"docProps/custom{index}.xml", "<x/>")
    return buffer.getvalue()


def _repeat(chunk: bytes, total: int) -> Iterable[bytes]:
    for _ in range(total // len(chunk)):
        yield chunk


MB = 1024 * 1024


def million_rows() -> bytes:
    """A sheet declaring A1:XFD1048576 with one cell in its very last row (openpyxl pads the
    sheet to that size, row by row: 1.6 KB became 3.6 GB)."""
    last = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return workbook([HEADER_ROW, last], dimension="A1:XFD1048576")


def zip_bomb(unpacked: int = 600 * MB) -> bytes:
    """A sheet of `unpacked` bytes of XML (blank space between two rows), a few hundred KB
    zipped."""
    return workbook([HEADER_ROW, *_repeat(b" " * MB, unpacked)])


def lying_zip_bomb(unpacked: int = 200 * MB) -> bytes:
    """A zip bomb whose directory claims the sheet is 1 KB unpacked."""
    content = bytearray(zip_bomb(unpacked))
    name = b"xl/worksheets/sheet1.xml"
    end = content.rindex(b"PK\x05\x06")
    directory = struct.unpack_from("<I", content, end + 16)[0]
    while content[directory : directory + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from(
            "<HHH", content, directory + 28
        )
        local = struct.unpack_from("<I", content, directory + 42)[0]
        if content[directory + 46 : directory + 46 + name_length] == name:
            struct.pack_into("<I", content, directory + 24, 1024)
            struct.pack_into("<I", content, local + 22, 1024)
        directory += 46 + name_length + extra_length + comment_length
    return bytes(content)


def huge_shared_string(length: int = 300 * MB) -> bytes:
    """One shared string of `length` characters, used by one cell."""
    return workbook(
        [HEADER_ROW, b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row>'],
        shared=[b"<si><t>", *_repeat(b"a" * MB, length), b"</t></si>"],
    )


def shared_string_everywhere(length: int = 30_000) -> bytes:
    """One long shared string placed in every cell of 20,000 rows: small zipped and unpacked,
    600 MB of text once expanded into cells."""
    rows = (
        f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}" t="s"><v>0</v></c>'
        f'<c r="C{r}" t="s"><v>0</v></c></row>'.encode()
        for r in range(2, 20_002)
    )
    return workbook([HEADER_ROW, *rows], shared=[b"<si><t>", b"a" * length, b"</t></si>"])


def empty_cells(count: int = 3_000_000) -> bytes:
    """Millions of empty cells, all at one position: nothing to show, much to parse."""
    return workbook(
        [HEADER_ROW, b'<row r="2">', *_repeat(b'<c r="A2"/>' * 1000, count * 11), b"</row>"]
    )


def entity_expansion() -> bytes:
    """The 'billion laughs': entities defined in terms of each other, 10^9 copies of 'lol'."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    buffer = io.BytesIO(workbook([HEADER_ROW]))
    with zipfile.ZipFile(buffer) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{MAIN}">'
        '<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def many_parts(count: int = 5_000) -> bytes:
    return workbook([HEADER_ROW], extra_parts=count)


def csv_rows(count: int = 900_000) -> bytes:
    """A CSV of a header and `count` tiny rows (under 10 MB for 900,000)."""
    return b"measure,period,value\n" + b"1,Oct 23,5\n" * count


def csv_long_cell(length: int = 9 * MB) -> bytes:
    return b"measure,period,value,note\n1,Oct 23,5," + b"a" * length + b"\n"


def csv_wide(columns: int = 1_000_000) -> bytes:
    return b"measure,period,value\n" + b"1" + b",1" * columns + b"\n"


#: Name → (file name, maker): every hostile file, for the tests and the load test.
HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "sheet declaring a million rows": ("million.xlsx", million_rows),
    "zip bomb (600 MB of sheet)": ("bomb.xlsx", zip_bomb),
    "zip bomb with a lying directory": ("lying.xlsx", lying_zip_bomb),
    "300 MB shared string": ("string.xlsx", huge_shared_string),
    "40 MB shared string, under the unpacked limit": (
        "string40.xlsx",
        lambda: huge_shared_string(40 * MB),
    ),
    "long shared string in every cell": ("everywhere.xlsx", shared_string_everywhere),
    "three million empty cells": ("empty.xlsx", empty_cells),
    "entity expansion (billion laughs)": ("laughs.xlsx", entity_expansion),
    "5,000 zip parts": ("parts.xlsx", many_parts),
    "CSV of 900,000 rows": ("rows.csv", csv_rows),
    "CSV with a 9 MB cell": ("cell.csv", csv_long_cell),
    "CSV a million columns wide": ("wide.csv", csv_wide),
}
