"""An .ods written by hand (the zip Calc writes, in a few lines): read through calamine with numbers, text,
month-only dates as the XLSX reader gives them; the repeats that would make calamine fill millions of cells,
and the zip-level bombs, are refused before calamine sees the file."""
import io
import time
import zipfile

import pytest
import python_calamine

from kpi.importing.limits import Limits
from kpi.importing.reader import read_table, sheet_names

STYLES = ('<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"><office:styles>'
          '<number:date-style style:name="N128"><number:month/><number:text>/</number:text><number:year/>'
          '</number:date-style><number:date-style style:name="N37"><number:day/><number:text>.</number:text>'
          '<number:month/><number:text>.</number:text><number:year/></number:date-style></office:styles>'
          '</office:document-styles>')
CONTENT = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:automatic-styles>'
           '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N128"/>'
           '<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N37"/>'
           '</office:automatic-styles><office:body><office:spreadsheet>{sheets}</office:spreadsheet></office:body>'
           '</office:document-content>')


MANIFEST = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')


def text(value: str, repeat: int = 1) -> str:
    return (f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
            f'<text:p>{value}</text:p></table:table-cell>')


def number(value, repeat: int = 1) -> str:
    return (f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="float" '
            f'office:value="{value}"><text:p>{value}</text:p></table:table-cell>')


def day(value: str, style: str) -> str:
    return (f'<table:table-cell table:style-name="{style}" office:value-type="date" office:date-value="{value}">'
            f'<text:p>{value}</text:p></table:table-cell>')


def row(*cells: str, repeat: int = 1) -> str:
    return f'<table:table-row table:number-rows-repeated="{repeat}">{"".join(cells)}</table:table-row>'


def sheet(name: str, *rows: str) -> str:
    return f'<table:table table:name="{name}">{"".join(rows)}</table:table>'


def ods_bytes(*sheets: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("styles.xml", STYLES)
        archive.writestr("content.xml", CONTENT.format(sheets="".join(sheets)))
    return buffer.getvalue()


HEADER_CELLS = (text("mittari"), text("yksikkö"), text("jakso"), text("arvo"))
HEADER = row(*HEADER_CELLS)
GOOD = ods_bytes(sheet("Ohjeet", row(text("Täytä taulukko Arvot"))),
                 sheet("Arvot", row(text("Arvot 2021")), row('<table:table-cell/>'), HEADER,
                       row(text("nps"), text(" TTH "), day("2021-03-01", "ce1"), number("61.5")),
                       row(text("nps"), text("TTH"), day("2021-06-14", "ce2"), number(3)),
                       row('<table:table-cell table:number-columns-repeated="1024"/>', repeat=1_048_000)))


def test_an_ods_is_read_from_its_header_with_cells_as_the_xlsx_reader_gives_them():
    table = read_table(GOOD, "arvot.ods")
    assert table.problems == [] and (table.format, table.sheet, table.header_row) == ("ods", "Arvot", 3)
    assert [(n, cells[:4]) for n, cells in table.rows] == [(4, ("nps", "TTH", "2021-03", 61.5)),
                                                            (5, ("nps", "TTH", "2021-06-14", 3.0))]
    assert sheet_names(GOOD, "arvot.ods") == ["Ohjeet", "Arvot"]


def test_rows_and_columns_of_an_ods_keep_the_numbers_the_spreadsheet_shows():
    empty = '<table:table-cell table:number-columns-repeated="2"/>'
    data = ods_bytes(sheet("Arvot", row('<table:table-cell/>', repeat=3), row(empty, *HEADER_CELLS),
                           row(empty, text("nps"), text("TTH"), day("2021-03-01", "ce1"), number(1))))
    table = read_table(data, "arvot.ods")
    assert table.problems == [] and table.header_row == 4 and table.rows[0][0] == 5
    assert table.rows[0][1][:4] == ("nps", "TTH", "2021-03", 1.0)


def test_an_ods_is_known_by_its_first_part_whatever_its_name():
    assert read_table(GOOD, "upload").format == "ods"


def limits(**changes) -> Limits:
    values = dict(rows=1_048_576, columns=1024, cell_chars=32_767, uncompressed_bytes=500 << 20,
                  compression_ratio=100, zip_members=10_000, shared_strings=2_000_000, shared_strings_chars=100 << 20)
    return Limits(**{**values, **changes})


@pytest.mark.parametrize("bomb,key", [
    (row(number(1, repeat=1000), repeat=100_000), "import.problems.too_many_cells"),
    (row(number(1), repeat=2_000_000), "import.problems.too_many_rows_sheet"),
    (row('<table:table-cell table:number-columns-repeated="5000"/>', number(1)), "import.problems.too_many_columns_sheet"),
    (row(text("x" * 40_000)), "import.problems.cell_too_long_sheet"),
    (row(text("x" * 30_000, repeat=1000), repeat=10), "import.problems.shared_strings_too_large"),
])
def test_repeats_that_would_fill_memory_are_refused_before_calamine_reads_the_file(bomb, key, monkeypatch):
    def never(*_args):
        raise AssertionError("calamine was handed a bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    started = time.perf_counter()
    table = read_table(ods_bytes(sheet("Arvot", HEADER, bomb)), "pommi.ods", limits=limits())
    assert [p.key for p in table.problems] == [key] and table.rows == []
    assert time.perf_counter() - started < 2


def test_the_zip_checks_of_an_xlsx_apply_to_an_ods():
    assert [p.key for p in read_table(GOOD, "a.ods", limits=limits(zip_members=3)).problems] == [
        "import.problems.too_many_parts"]
    assert [p.key for p in read_table(b"PK\x03\x04 not a zip", "a.ods").problems] == ["import.problems.unreadable_ods"]
