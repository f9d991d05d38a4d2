"""An XLSX workbook's sheets, read with bounded work: rows of cells as the import reads them.

Not openpyxl: at load it reads the whole shared-strings table and styles sheet into objects, fills a gap
in the row numbers with empty rows one at a time and parses every cell of a row however wide, so a 1.5 MB
workbook unpacking to 1.5 GB (one cell, a shared-strings table, `<row/>` floods, cells out to column XFD)
took `python -m kpi import` past 3 GB. Here (limits.Limits, from the settings):
- before anything is unpacked, the zip's own directory is checked: how many parts, what each part and all
  of them declare they unpack to, how many times smaller a part is packed; only deflate (or stored) parts,
  unencrypted, are read (zipfile never returns more of a part than it declares);
- each part needed (the workbook, its relationships, styles, shared strings, the sheet) is streamed
  through expat 64 KB at a time, counting what it really unpacks to, and the rows, cells in a row,
  characters in a text and the shared strings are counted as they come: the first limit passed stops the
  reading (LimitExceeded), with a problem that names it;
- no DTD (so no entity) is accepted, and no single piece of markup longer than 4 MB (an OOXML part has
  neither).
The cells are what openpyxl's read-only, data-only mode gave: a formula's cached value, a number as a
float, a date cell as its period by its number format, TRUE as "True", rich text joined, text stripped.

Here the workbook and its parts; the zip's directory is checked in xlsx_zip.py, the sheet's XML read
in xlsx_sheet.py.
"""
from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from datetime import date, datetime
from typing import Any, BinaryIO, Callable, Iterator
from xml.parsers import expat

from .limits import MB, Limits, exceeded
from .problems import display
from .xlsx_sheet import Sheet
from .xlsx_zip import Unreadable, check_directory, check_members, megabytes

__all__ = ["Unreadable", "Workbook", "check_directory", "check_members", "date_cell"]

BLOCK = 64 * 1024
MARKUP_LIMIT = 4 * MB          # one tag, comment or instruction; a text is delivered in pieces and counted
MAX_STYLES = 65_536            # Excel's own limit on cell formats is 64 000


class Workbook:
    """An opened workbook: its worksheets listed (the first selected), shared strings and date formats read,
    within limits."""

    def __init__(self, handle: BinaryIO, size: int, limits: Limits):
        self.limits = limits
        check_directory(handle, size, limits)
        handle.seek(0)
        try:
            self.archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as error:
            raise Unreadable(type(error).__name__) from None
        check_members(self.archive, limits)
        self.unpacked = 0      # bytes really unpacked so far, all parts
        self.sheet_read = 0    # of the sheet
        book_path = self._office_document()
        relations = self._relations(book_path)
        sheets, self.date1904 = self._sheets(book_path)
        self.worksheets = [(name, relations[rid][1]) for name, rid in sheets
                           if rid in relations and relations[rid][0].endswith("/worksheet")]
        if not self.worksheets:
            raise Unreadable("no worksheet")
        self.select(0)
        targets = {kind.rsplit("/", 1)[-1]: target for kind, target in relations.values()}
        self.strings = self._shared_strings(targets.get("sharedStrings", "xl/sharedStrings.xml"))
        self.formats, self.dates = self._styles(targets.get("styles", "xl/styles.xml"))

    @property
    def sheet_names(self) -> list[str]:
        return [name for name, _path in self.worksheets]

    def select(self, index: int) -> None:
        """The worksheet `rows` reads (0: the first, in the workbook's order)."""
        self.sheet_name, self.sheet_path = self.worksheets[index]
        self.sheet_size = self._info(self.sheet_path).file_size
        self.sheet_read = 0

    def close(self) -> None:
        self.archive.close()

    def fraction(self) -> float:
        return self.sheet_read / self.sheet_size if self.sheet_size else 0.0

    # --- the parts ------------------------------------------------------------------------------

    def _info(self, name: str) -> zipfile.ZipInfo:
        try:
            return self.archive.getinfo(name)
        except KeyError:
            raise Unreadable(f"missing {name[:60]}") from None

    def _has(self, name: str) -> bool:
        try:
            self.archive.getinfo(name)
        except KeyError:
            return False
        return True

    def parse(self, name: str, start: Callable, end: Callable | None = None, text: Callable | None = None) -> None:
        for _ in self.steps(name, start, end, text):
            pass

    def steps(self, name: str, start: Callable, end: Callable | None = None, text: Callable | None = None,
              sheet: bool = False) -> Iterator[None]:
        """Stream a part through expat with the given handlers (given local element names, without a prefix;
        the sheet's get them as written), counting what it unpacks to; yields after each 64 KB (so the
        sheet's rows can be handed out)."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = BLOCK
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.EntityDeclHandler = _no_doctype
        names: dict[str, str] = {}

        def local(name: str) -> str:
            short = names.get(name)
            if short is None:
                short = names[name] = name.rpartition(":")[2]
            return short

        if sheet:
            parser.StartElementHandler, parser.EndElementHandler = start, end
        else:
            parser.StartElementHandler = lambda name, attrs: start(names.get(name) or local(name), attrs)
            if end is not None:
                parser.EndElementHandler = lambda name: end(names.get(name) or local(name))
        if text is not None:
            parser.CharacterDataHandler = text
        fed = 0
        with self.archive.open(self._info(name)) as part:
            while block := part.read(BLOCK):
                fed += len(block)
                self.unpacked += len(block)
                if sheet:
                    self.sheet_read = fed
                if self.unpacked > self.limits.uncompressed_bytes:
                    raise exceeded("workbook_too_large", size=megabytes(self.unpacked),
                                   limit=self.limits.uncompressed_bytes // MB)
                _feed(parser, block, False)
                if fed - max(parser.CurrentByteIndex, 0) > MARKUP_LIMIT:
                    raise exceeded("markup_too_long", part=name, limit=MARKUP_LIMIT // MB)
                yield
            _feed(parser, b"", True)
        yield

    def _office_document(self) -> str:
        found = []

        def start(tag, attrs):
            if tag == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                found.append(attrs.get("Target", ""))

        if self._has("_rels/.rels"):
            self.parse("_rels/.rels", start)
        return _resolve("", found[0]) if found else "xl/workbook.xml"

    def _relations(self, book_path: str) -> dict[str, tuple[str, str]]:
        folder, base = posixpath.split(book_path)
        rels_path = posixpath.join(folder, "_rels", base + ".rels")
        relations: dict[str, tuple[str, str]] = {}

        def start(tag, attrs):
            if tag == "Relationship" and attrs.get("TargetMode") != "External":
                relations[attrs.get("Id", "")] = (attrs.get("Type", ""), _resolve(folder, attrs.get("Target", "")))

        self.parse(rels_path, start)
        return relations

    def _sheets(self, book_path: str) -> tuple[list[tuple[str, str]], bool]:
        sheets: list[tuple[str, str]] = []
        date1904 = []

        def start(tag, attrs):
            if tag == "sheet":
                rid = next((value for key, value in attrs.items() if key.rpartition(":")[2] == "id" and ":" in key), "")
                sheets.append((attrs.get("name", ""), rid))
            elif tag == "workbookPr":
                date1904.append(attrs.get("date1904", "").lower() in ("1", "true"))

        self.parse(book_path, start)
        return sheets, bool(date1904 and date1904[0])

    def _shared_strings(self, path: str) -> list[str]:
        strings: list[str] = []
        if not self._has(path):
            return strings
        limits = self.limits
        state = {"parts": None, "length": 0, "total": 0, "skip": 0, "on": False}

        def start(tag, attrs):
            if tag == "si":
                state["parts"], state["length"] = [], 0
            elif tag == "rPh":
                state["skip"] += 1
            elif tag == "t" and state["parts"] is not None and not state["skip"]:
                state["on"] = True

        def end(tag):
            if tag == "t":
                state["on"] = False
            elif tag == "rPh":
                state["skip"] -= 1
            elif tag == "si" and state["parts"] is not None:
                strings.append("".join(state["parts"]).replace("x005F_", ""))
                state["parts"] = None
                if len(strings) > limits.shared_strings:
                    raise exceeded("too_many_shared_strings", limit=limits.shared_strings)

        def text(data):
            if state["on"]:
                state["parts"].append(data)
                state["length"] += len(data)
                state["total"] += len(data)
                if state["length"] > limits.cell_chars:
                    raise exceeded("shared_string_too_long", value="".join(state["parts"])[:200],
                                   limit=limits.cell_chars)
                if state["total"] > limits.shared_strings_chars:
                    raise exceeded("shared_strings_too_large", limit=limits.shared_strings_chars // MB)

        self.parse(path, start, end, text)
        return strings

    def _styles(self, path: str) -> tuple[list[str], list[str]]:
        """Per cell style (the `s` of a cell): its number format's code, and whether it shows a date."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS  # lazy: openpyxl only when a workbook is read

        custom: dict[int, str] = {}
        ids: list[int] = []
        inside = []

        def start(tag, attrs):
            if tag == "numFmt":
                custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                inside.append(True)
            elif tag == "xf" and inside:
                ids.append(_int(attrs.get("numFmtId")))
                if len(ids) > MAX_STYLES:
                    raise exceeded("too_many_styles", limit=MAX_STYLES)

        def end(tag):
            if tag == "cellXfs" and inside:
                inside.pop()

        if self._has(path):
            self.parse(path, start, end)
        codes = {number: custom.get(number, BUILTIN_FORMATS.get(number, "General")) for number in set(ids)}
        kinds = {number: _date_kind(code) for number, code in codes.items()}
        return [codes[number] for number in ids], [kinds[number] for number in ids]

    def cell(self, cell: list) -> Any:
        """A finished cell as the import reads it: "" when empty, text stripped, numbers as floats, a date by its
        number format (what openpyxl's read-only, data-only mode gave, through reader._xlsx_cell before)."""
        _column, kind, style, parts, inline = cell
        text = "".join(parts) if parts else ""
        if kind == "inlineStr":
            return text.strip() if inline else ""
        if not text:
            return ""
        if kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            index = _int(style)
            date_kind = self.dates[index] if index < len(self.dates) else ""
            if not date_kind:
                return float(number)
            from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel  # lazy: as above
            try:
                value = from_excel(number, MAC_EPOCH if self.date1904 else WINDOWS_EPOCH,
                                   timedelta=date_kind == "timedelta")
            except (OverflowError, ValueError):
                return "#VALUE!"
            return _shown(value, self.formats[index])
        if kind == "s":
            return self.strings[int(text)].strip()
        if kind == "b":
            return str(bool(int(text)))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601  # lazy: as above
            index = _int(style)
            return _shown(from_ISO8601(text), self.formats[index] if index < len(self.formats) else "")
        return text.strip()  # "str" (a formula's text), "e" (#N/A), anything else as written

    # --- the sheet ------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells from column A up to the last with a value): the sheet's rows with a value, handed
        out after each 64 KB of XML (expat pushes them into `ready` meanwhile)."""
        sheet = Sheet(self)
        ready = sheet.ready
        for _ in self.steps(self.sheet_path, sheet.start, sheet.end, sheet.text, sheet=True):
            if ready:
                yield from ready
                ready.clear()


def _shown(value: Any, number_format: str) -> Any:
    if isinstance(value, (datetime, date)):
        return date_cell(value, number_format or "")
    return display(value).strip()  # a time of day, a duration


def date_cell(value: date, number_format: str) -> str:
    """A date cell as a period: by its format, a month ("mmm-yy", typed as 3/2020) or a year, else the day."""
    shown = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format.lower())  # drop literals, colours, locales
    day = value.date() if isinstance(value, datetime) else value
    if "d" not in shown and "m" in shown:
        return f"{day.year}-{day.month:02d}"
    if "d" not in shown and "m" not in shown and "y" in shown:
        return f"{day.year}"
    return day.isoformat()


def _feed(parser, block: bytes, final: bool) -> None:
    try:
        parser.Parse(block, final)
    except expat.ExpatError as error:
        raise Unreadable(f"XML error {error.code}") from None


def _no_doctype(*_args) -> None:
    raise Unreadable("DTD")


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a name in the archive: "/xl/x.xml", or relative to the part's folder."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _date_kind(code: str) -> str:
    """ "" for a number, "date" or "timedelta" for what openpyxl would make of a cell in this format."""
    # openpyxl's styles take half a second to import, and only a workbook's styles sheet needs them.
    from openpyxl.styles.numbers import is_date_format, is_timedelta_format  # lazy: for start-up time

    if not is_date_format(code):
        return ""
    return "timedelta" if is_timedelta_format(code) else "date"
