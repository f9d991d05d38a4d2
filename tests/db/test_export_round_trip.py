"""The values export imports back unchanged: as the app writes it (CSV and XLSX) and after a save in
LibreOffice Calc with the Finnish locale (what HR does: export, fix in a spreadsheet, import). The preview
finds 0 errors and 0 changes, and a real `--replace` run writes no history and raises no row's version.

The targets have no file import (`python -m kpi import` reads values only), so their export is written
here through the command line and read back as a table, not imported.
"""
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.admin.demo import load_demo
from kpi.domain.periods import parse_period
from kpi.importing import preview, run_import
from kpi.models import Measurement, MeasurementChange
from kpi.reports.export import TARGET_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
CALC_CSV = "Text - txt - csv (StarCalc):59,34,76,1,,1035"   # `;`, `"`, UTF-8, from row 1, Finnish
# Text a spreadsheet would run as a formula: exported with a leading ', which the import takes off again.
FORMULA_COMMENTS = {"2031": "=x", "2032": "-3 % vs plan", "2033": "+358 40 123", "2034": "@home"}


@pytest.fixture
def engine(migrated_engine):
    """The demo data, and a few comments that look like formulas."""
    with db.session_scope(migrated_engine) as session:
        load_demo(session)
        for period, comment in FORMULA_COMMENTS.items():
            store.add_measurement(session, indicator="work_accidents", org_unit="VIRASTO-PALV", period=period,
                                  value=3, comment=comment, actor="test")
    return migrated_engine


def kpi(engine, *args: str) -> subprocess.CompletedProcess:
    url = engine.url.render_as_string(hide_password=False)
    env = dict(os.environ, KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE="en")
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def exported(engine, what: str, file_format: str, folder: Path) -> Path:
    out = folder / f"{what}.{file_format}"
    done = kpi(engine, "export", what, "--format", file_format, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote {out} (")
    return out


def resaved(libreoffice, path: Path) -> Path:
    """Opened and saved again in Calc (Finnish locale): a CSV read and written with `;`, UTF-8 and Finnish."""
    if path.suffix == ".csv":
        return libreoffice(path, f"csv:{CALC_CSV}", infilter=CALC_CSV, locale="fi-FI")
    return libreoffice(path, "xlsx", locale="fi-FI")


def history_and_versions(engine):
    with db.session_scope(engine) as session:
        changes = session.exec(select(func.count()).select_from(MeasurementChange)).one()
        versions = dict(session.exec(select(Measurement.id, Measurement.version)).all())
    return changes, versions


def opener(engine):
    return lambda: db.session_scope(engine)


@pytest.mark.parametrize("through_calc", [False, True], ids=["as-written", "saved-in-calc"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_values_export_imports_back_with_no_change(engine, libreoffice, tmp_path, file_format, through_calc):
    path = exported(engine, "values", file_format, tmp_path)
    if through_calc:
        path = resaved(libreoffice, path)
    stored, versions_before = history_and_versions(engine)
    rows = len(versions_before)

    checked = preview(opener(engine), path, path.name, replace=False, max_bytes=50_000_000)
    assert [problem.line("en") for problem in checked.problems] == []
    assert checked.counts == {"total": rows, "new": 0, "changed": 0, "unchanged": rows, "error": 0}

    done = run_import(opener(engine), path, path.name, actor="hr:maija", replace=True, max_bytes=50_000_000)
    assert done.status == "applied" and done.counts["changed"] == 0 and done.counts["unchanged"] == rows
    assert history_and_versions(engine) == (stored, versions_before)  # no history row, no version raised


def test_a_formula_looking_comment_comes_back_as_typed(engine, tmp_path):
    path = exported(engine, "values", "csv", tmp_path)
    text = path.read_text(encoding="utf-8-sig")
    assert ";'=x;" in text and ";'-3 % vs plan;" in text   # defused in the file
    with db.session_scope(engine) as session:  # a comment changed, so the file's is the one written
        stored = store.measurements_in(session, store.get_indicator(session, "work_accidents").id,
                                       ["VIRASTO-PALV"], parse_period("2031"))[0][0]
        stored.comment = "changed"
    done = run_import(opener(engine), path, path.name, actor="hr:maija", replace=True, max_bytes=50_000_000)
    assert done.status == "applied" and done.counts["changed"] == 1
    with db.session_scope(engine) as session:
        stored = store.measurements_in(session, store.get_indicator(session, "work_accidents").id,
                                       ["VIRASTO-PALV"], parse_period("2031"))[0][0]
        assert stored.comment == "=x"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_targets_export_holds_every_target_as_stored(engine, libreoffice, tmp_path, file_format):
    path = exported(engine, "targets", file_format, tmp_path)
    with db.session_scope(engine) as session:
        count = len(store.list_targets(session))
    for file in (path, resaved(libreoffice, path)):
        if file.suffix == ".csv":
            table = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig")), delimiter=";"))
        else:
            table = list(openpyxl.load_workbook(file, read_only=True).active.iter_rows(values_only=True))
        assert tuple(table[0]) == TARGET_COLUMNS and len(table) == count + 1
