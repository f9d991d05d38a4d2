"""The import reads with bounded work: every limit (KPI_IMPORT_MAX_*) stops the reading with one problem
naming it, for CSV and XLSX; a long cell is quoted short. In-process and with small limits, so each
limit is met in milliseconds (tests/cli/test_import_bombs.py throws the real bombs at the command)."""
import dataclasses
import io
import re
import time
import zipfile

import openpyxl
import pytest

from kpi.importing.limits import Limits
from kpi.importing.plan import check_rows, classify
from kpi.importing.reader import read_table
from kpi.settings import Settings
from tests import import_bombs as bombs
from tests.import_bombs import one_cell

from test_import_reader import demo_catalogue

DEFAULTS = Limits.from_settings(Settings())
HEADER = "indicator;org_unit;period;value\n"


def limits(**changes) -> Limits:
    return dataclasses.replace(DEFAULTS, **changes)


def only(table):
    assert len(table.problems) == 1, table.problems
    return table.problems[0]


def xlsx(rows, *, styled=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in styled:
        sheet[ref].number_format = "0.00"  # a formatted, empty cell
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, name: str, change) -> bytes:
    """The workbook with one part's XML changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content.decode()).encode() if info.filename == name else content)
    return out.getvalue()


# --- a long cell is quoted short -----------------------------------------------------------------

def test_a_cell_of_100_001_characters_in_a_csv_is_refused_on_its_row_in_a_short_line():
    table = read_table((HEADER + "nps;TTH;2021;" + "1" * 100_001 + "\nnps;TTH;2022;5\n").encode(), "a.csv")
    problem = only(table)
    assert (problem.row, problem.key, problem.field) == (2, "import.problems.cell_too_long", "value")
    line = problem.line("en")
    assert len(line) < 250, line
    assert "1" * 60 + "… (100,001 characters)" in line and "KPI_IMPORT_MAX_CELL_CHARS" in line
    assert "100 001 merkkiä" in problem.line("fi").replace("\u202f", " ")
    assert [number for number, _ in table.rows] == [3]  # the other rows are still read


def test_a_long_bad_cell_that_is_within_the_limit_is_quoted_short_in_the_reason_too():
    name = "x" * 100_001
    table = read_table((HEADER + f"{name};TTH;2021;5\n").encode(), "a.csv", limits=limits(cell_chars=131_072))
    plan = classify(check_rows(table, demo_catalogue()), {}, replace=False)
    (problem,) = plan.problems
    line = problem.line("en")
    assert problem.row == 2 and len(line) < 300, line  # was 100 087 characters
    assert "x" * 60 + "… (100,001 characters)" in line


def test_a_short_cell_is_quoted_whole():
    table = read_table((HEADER + "nsp;TTH;2021;5\n").encode(), "a.csv")
    (problem,) = classify(check_rows(table, demo_catalogue()), {}, replace=False).problems
    assert problem.line("en").startswith("Row 2, column indicator, value “nsp”: ")


# --- CSV -----------------------------------------------------------------------------------------

def test_a_csv_past_the_row_limit_is_refused_and_read_no_further():
    text = HEADER + "".join(f"nps;TTH;{2000 + i};5\n" for i in range(20))
    table = read_table(text.encode(), "a.csv", limits=limits(rows=10))
    problem = only(table)
    assert problem.key == "import.problems.too_many_rows" and "KPI_IMPORT_MAX_ROWS" in problem.line("en")
    assert all(number <= 10 for number, _ in table.rows)


def test_a_csv_of_blank_lines_past_the_row_limit_is_refused():
    problem = only(read_table(b"\n" * 50 + HEADER.encode(), "a.csv", limits=limits(rows=10)))
    assert problem.key == "import.problems.too_many_rows"


def test_a_csv_row_with_more_cells_than_the_limit_is_refused():
    problem = only(read_table((HEADER + "nps;TTH;2021;5" + ";" * 2000 + "\n").encode(), "a.csv"))
    assert (problem.row, problem.key) == (2, "import.problems.too_many_columns")
    assert "1,024 (KPI_IMPORT_MAX_COLUMNS)" in problem.line("en")


def test_a_csv_line_longer_than_any_row_the_limits_allow_is_refused_before_it_is_split():
    problem = only(read_table((HEADER + ";" * 400_000 + "\n").encode(), "a.csv"))
    assert problem.key == "import.problems.line_too_long" and "line 2 " in problem.line("en")
    assert len(problem.line("en")) < 250


def test_a_csv_cell_past_the_csv_modules_own_bound_names_the_cell_limit():
    problem = only(read_table((HEADER + "nps;TTH;2021;" + "1" * 200_000 + "\n").encode(), "a.csv"))
    assert (problem.row, problem.key) == (2, "import.problems.cell_too_long")


def test_a_real_sized_csv_passes_the_default_limits():
    text = "indicator;org_unit;period;value;comment\n" + "".join(
        f"nps;TTH;{2000 + i % 20};{i % 90};kommentti {i}\n" for i in range(20_000))
    table = read_table(text.encode(), "a.csv")
    assert table.problems == [] and len(table.rows) == 20_000


# --- XLSX ----------------------------------------------------------------------------------------

GOOD = [["indicator", "org_unit", "period", "value"], ["nps", "TTH", "2021", 61], ["nps", "TTH", "2022", 62]]


def test_an_xlsx_past_the_row_limit_is_refused_naming_the_sheet():
    rows = GOOD[:1] + [["nps", "TTH", str(2000 + i), i] for i in range(30)]
    table = read_table(xlsx(rows), "a.xlsx", limits=limits(rows=10))
    problem = only(table)
    assert problem.key == "import.problems.too_many_rows_sheet"
    assert "“Sheet”" in problem.line("en") and "KPI_IMPORT_MAX_ROWS" in problem.line("en")


def test_a_row_numbered_past_the_limit_is_refused_without_reading_the_gap():
    data = rewrite(xlsx(GOOD), "xl/worksheets/sheet1.xml",
                   lambda xml: xml.replace("</sheetData>", '<row r="999999999"/></sheetData>'))
    started = time.perf_counter()
    problem = only(read_table(data, "a.xlsx"))
    assert problem.key == "import.problems.too_many_rows_sheet" and time.perf_counter() - started < 1


def test_an_xlsx_value_past_the_column_limit_is_refused_but_a_formatted_empty_cell_is_not():
    wide = [row + [None] * 30 for row in GOOD]
    wide[1][33] = "note"
    problem = only(read_table(xlsx(wide), "a.xlsx", limits=limits(columns=20)))
    assert (problem.row, problem.key) == (2, "import.problems.too_many_columns_sheet")
    formatted = read_table(xlsx(GOOD, styled=("XFD1", "XFD2")), "a.xlsx", limits=limits(columns=20))
    assert formatted.problems == [] and len(formatted.rows) == 2


def test_an_xlsx_cell_past_the_length_limit_is_refused_and_quoted_short():
    rows = GOOD + [["nps", "TTH", "2023", 5, "y" * 500]]
    problem = only(read_table(xlsx(rows), "a.xlsx", limits=limits(cell_chars=100)))
    assert (problem.row, problem.key) == (4, "import.problems.cell_too_long_sheet")
    assert len(problem.line("en")) < 250 and "KPI_IMPORT_MAX_CELL_CHARS" in problem.line("en")


def shared_strings_book(path, texts: list[str]) -> bytes:
    """A workbook whose cells are shared strings, as Excel writes them (openpyxl writes inline strings)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    table = f'<sst {ns}>' + "".join(texts) + "</sst>"
    cells = "".join(f'<row r="{i + 1}">' + "".join(f'<c r="{col}{i + 1}" t="s"><v>{4 * i + j}</v></c>'
                                                   for j, col in enumerate("ABCD")) + "</row>"
                    for i in range(len(texts) // 4))
    sheet = f"<worksheet {ns}><sheetData>{cells}</sheetData></worksheet>"
    return bombs._book(path, bombs._plain(sheet), bombs._plain(table)).read_bytes()


def test_shared_strings_read_with_rich_runs_joined_and_phonetic_text_left_out(tmp_path):
    texts = ["<si><t>indicator</t></si>", "<si><t>org_unit</t></si>", "<si><t>period</t></si>",
             "<si><t>value</t></si>", "<si><r><rPr><b/></rPr><t>n</t></r><r><t>ps</t></r><rPh><t>x</t></rPh></si>",
             '<si><t xml:space="preserve"> TTH </t></si>', "<si><t>2021</t></si>", "<si><t>61,5</t></si>"]
    table = read_table(shared_strings_book(tmp_path / "s.xlsx", texts), "s.xlsx")
    assert table.problems == [] and [cells[:4] for _, cells in table.rows] == [("nps", "TTH", "2021", "61,5")]


def test_the_shared_strings_are_counted_and_their_size_bounded(tmp_path):
    texts = ["<si><t>indicator</t></si>", "<si><t>org_unit</t></si>", "<si><t>period</t></si>",
             "<si><t>value</t></si>"] + [f"<si><t>nps {i}</t></si>" for i in range(40)]
    data = shared_strings_book(tmp_path / "s.xlsx", texts)
    assert only(read_table(data, "a.xlsx", limits=limits(shared_strings=20))).key == \
        "import.problems.too_many_shared_strings"
    assert only(read_table(data, "a.xlsx", limits=limits(shared_strings_chars=50))).key == \
        "import.problems.shared_strings_too_large"
    assert only(read_table(data, "a.xlsx", limits=limits(cell_chars=5))).key == \
        "import.problems.shared_string_too_long"
    assert len(read_table(data, "a.xlsx").rows) == 10


def test_the_zip_directory_is_judged_before_anything_is_unpacked():
    data = xlsx(GOOD)
    assert only(read_table(data, "a.xlsx", limits=limits(zip_members=3))).key == "import.problems.too_many_parts"
    assert only(read_table(data, "a.xlsx", limits=limits(uncompressed_bytes=1000))).key in (
        "import.problems.part_too_large", "import.problems.workbook_too_large")


def test_a_part_packed_suspiciously_tight_is_refused(tmp_path):
    padded = rewrite(xlsx(GOOD), "xl/worksheets/sheet1.xml",
                     lambda xml: xml.replace("</worksheet>", "<!--" + " " * 3_000_000 + "--></worksheet>"))
    problem = only(read_table(padded, "a.xlsx"))
    assert problem.key == "import.problems.compression_ratio" and "KPI_IMPORT_MAX_COMPRESSION_RATIO" in \
        problem.line("en")


def test_a_one_cell_bomb_is_refused_in_milliseconds(tmp_path):
    path = one_cell(tmp_path / "bomb.xlsx")
    started = time.perf_counter()
    problem = only(read_table(path, "bomb.xlsx"))
    assert problem.key == "import.problems.part_too_large" and time.perf_counter() - started < 0.5
    assert "KPI_IMPORT_MAX_UNCOMPRESSED_MB" in problem.line("fi")


def test_a_part_that_unpacks_to_more_than_it_declares_is_not_read_past_its_declaration():
    data = bytearray(xlsx(GOOD))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    # the central directory's uncompressed size of the sheet, made smaller than the truth
    entry = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).rfind(info.filename.encode()) + 1)
    data[entry + 24:entry + 28] = (100).to_bytes(4, "little")
    problem = only(read_table(bytes(data), "a.xlsx"))
    assert problem.key == "import.problems.unreadable_xlsx"


def test_a_doctype_or_entity_is_refused():
    data = rewrite(xlsx(GOOD), "xl/worksheets/sheet1.xml",
                   lambda xml: re.sub(r"^(<\?xml[^>]*\?>)?", r'\1<!DOCTYPE w [<!ENTITY a "aaaa">]>', xml, count=1))
    assert only(read_table(data, "a.xlsx")).key == "import.problems.unreadable_xlsx"


def test_a_sheet_whose_elements_have_a_prefix_reads_the_same():
    plain = xlsx(GOOD)

    def prefixed(xml: str) -> str:
        xml = xml.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                          'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
        return re.sub(r"<(/?)(?!\?)(\w+)", r"<\1x:\2", xml)

    assert read_table(rewrite(plain, "xl/worksheets/sheet1.xml", prefixed), "a.xlsx").rows == \
        read_table(plain, "a.xlsx").rows != []


def test_the_limits_are_the_settings():
    settings = Settings(import_max_rows=7, import_max_cell_chars=300, import_max_uncompressed_mb=3)
    assert (Limits.from_settings(settings).rows, Limits.from_settings(settings).cell_chars,
            Limits.from_settings(settings).uncompressed_bytes) == (7, 300, 3 * 1024 * 1024)
    with pytest.raises(ValueError):
        Settings(import_max_cell_chars=200_000)  # past what the csv module reads
