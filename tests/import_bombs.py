"""XLSX zip bombs for the import's tests, each a few hundred KB on disk and made in about a second.

A part expanding to ~1.5 GB is not compressed 1.5 GB at a time: its repeated block is deflated once,
ended with a full flush (which empties the compressor's history, so the same block deflates to the same
bytes again), and those bytes are written as many times as needed; the zip around it is written by hand.
The CRC is computed over the whole (1.5 GB of zlib.crc32, well under a second).

    one_cell         one inline-string cell of ~1.5 GB (the issue's 1.46 MB workbook)
    shared_strings   a shared-strings table of ~1.5 GB of 1 000-character texts
    row_flood        ~1.5 GB of <row/>
    wide_columns     rows of 16 384 cells, out to column XFD, with a value at XFD
    valid_rows       ~1.5 GB of rows that read as values (nps, TTH, 2021, 61)
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

TARGET = 1_500 * 1024 * 1024
BLOCK = 1024 * 1024
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c><c r="B1" t="inlineStr"><is><t>org_unit'
              '</t></is></c><c r="C1" t="inlineStr"><is><t>period</t></is></c><c r="D1" t="inlineStr"><is><t>value</t>'
              '</is></c></row>')
VALID_ROW = ('<row><c t="inlineStr"><is><t>nps</t></is></c><c t="inlineStr"><is><t>TTH</t></is></c><c><v>2021</v></c>'
             '<c><v>61</v></c></row>')


def _repeated(head: bytes, unit: bytes, tail: bytes, size: int = TARGET) -> tuple[bytes, int, int]:
    """(deflated bytes, CRC, size) of head + unit repeated to about `size` bytes + tail."""
    block = unit * max(1, BLOCK // len(unit))
    count = max(1, size // len(block))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return first + middle * count + last, crc, len(head) + len(block) * count + len(tail)


def _plain(text: str) -> tuple[bytes, int, int]:
    data = text.encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _zip(path: Path, parts: dict[str, tuple[bytes, int, int]]) -> Path:
    """A zip of deflated parts, as zipfile reads it (sizes under 4 GB: no zip64 needed)."""
    directory = b""
    with path.open("wb") as out:
        for name, (packed, crc, size) in parts.items():
            offset = out.tell()
            encoded = name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed), size,
                                  len(encoded), 0) + encoded)
            out.write(packed)
            directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(packed), size,
                                     len(encoded), 0, 0, 0, 0, 0, offset) + encoded
        start = out.tell()
        out.write(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), start, 0))
    return path


def _book(path: Path, sheet: tuple[bytes, int, int], shared: tuple[bytes, int, int] | None = None) -> Path:
    rels = (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
            + "</Relationships>")
    parts = {
        "[Content_Types].xml": _plain('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                                      '<Default Extension="xml" ContentType="application/xml"/></Types>'),
        "_rels/.rels": _plain('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                              '</Relationships>'),
        "xl/workbook.xml": _plain(f'<workbook {_NS} xmlns:r="{_REL}"><sheets>'
                                  '<sheet name="Taul1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": _plain(rels),
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    parts["xl/worksheets/sheet1.xml"] = sheet
    return _zip(path, parts)


def _sheet(head: str, unit: str, tail: str) -> tuple[bytes, int, int]:
    return _repeated(f'<worksheet {_NS}><sheetData>{head}'.encode(), unit.encode(),
                     f"{tail}</sheetData></worksheet>".encode())


def one_cell(path: Path) -> Path:
    return _book(path, _sheet(HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>', "A", "</t></is></c></row>"))


def shared_strings(path: Path) -> Path:
    table = _repeated(f"<sst {_NS}>".encode(), b"<si><t>" + b"s" * 1000 + b"</t></si>", b"</sst>")
    sheet = _plain(f'<worksheet {_NS}><sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
                   '</sheetData></worksheet>')
    return _book(path, sheet, table)


def row_flood(path: Path) -> Path:
    return _book(path, _sheet(HEADER_ROW, "<row/>", ""))


def wide_columns(path: Path) -> Path:
    wide = "<row>" + "<c/>" * 16383 + '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
    return _book(path, _sheet(HEADER_ROW, wide, ""))


def valid_rows(path: Path) -> Path:
    return _book(path, _sheet(HEADER_ROW, VALID_ROW, ""))


BOMBS = {"one_cell": one_cell, "shared_strings": shared_strings, "row_flood": row_flood, "wide_columns": wide_columns,
         "valid_rows": valid_rows}

# What stops each one when the zip's directory is not trusted to (the packing ratio and unpacked size let
# through): the limit met while parsing, by its setting's name.
WHILE_PARSING = {"one_cell": "KPI_IMPORT_MAX_CELL_CHARS", "shared_strings": "KPI_IMPORT_MAX_SHARED_STRINGS_MB",
                 "row_flood": "KPI_IMPORT_MAX_ROWS", "wide_columns": "KPI_IMPORT_MAX_COLUMNS",
                 "valid_rows": "KPI_IMPORT_MAX_ROWS"}
# (and the row limit lowered, so the valid rows are refused in a second rather than after a million rows)
LET_THROUGH = {"KPI_IMPORT_MAX_COMPRESSION_RATIO": "100000", "KPI_IMPORT_MAX_UNCOMPRESSED_MB": "100000",
               "KPI_IMPORT_MAX_ROWS": "5000"}
