"""Importing indicator values from CSV, XLSX and ODS files: read, check (the preview), write all or nothing.

    reader.py   bytes or a path -> rows, a chunk at a time (encodings, separators, Finnish headers and
                numbers); no database. table.py the file and its rows, header.py the header row,
                csv_reading.py CSV, xlsx.py XLSX, ods.py ODS, sheets.py a workbook's sheet and header row
    checker.py  rows checked on their own (the store's rules, the catalogue) and against the file's others
    plan.py     rows -> a plan: every row checked by the store's rules against the stored values
    stream.py   the same checks a chunk of rows at a time, for preview() and run_import()
    rows.py     a checked row as the check hands it to the writer (shared by both, importing neither)
    bulk.py     the stored values a file names, and the writer for the database (writer_for):
                writer.py (shared, and any database), sqlite_writer.py (multi-row INSERT), postgres_writer.py (COPY)
    apply.py    preview() and run_import(): one session writes every row or none; every attempt logged
    view.py     the preview and the import log as tables and lines, in the chosen language

No Streamlit here: the page and the command line both call `preview` and `run_import`.
"""
from .apply import Outcome, SampleRow, checksum, preview, run_import, run_import_file
from .plan import Plan, plan_import
from .problems import Problem
from .reader import FIELDS, Table, open_table, read_table

__all__ = ["FIELDS", "Outcome", "Plan", "Problem", "SampleRow", "Table", "checksum", "open_table", "plan_import",
           "preview", "read_table", "run_import", "run_import_file"]
