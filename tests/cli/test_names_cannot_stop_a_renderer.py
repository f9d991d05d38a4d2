"""Names and labels with characters a renderer cannot take: refused by the store, and, where one is in
the database anyway (written before the check, or by hand), every document and export still builds.

vl-convert aborts its process (exit 134) on some control characters in a chart's text, and on the
Documents page that process is the app server; so the documents are built by `python -m kpi report` in a
subprocess here, where an abort is a failed test and not a dead test run.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi import db, store
from kpi.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "test"

# One of each class: C0 controls (NUL only off PostgreSQL, which cannot store it), DEL, a C1 control, the
# line and paragraph separators, non-characters at the end of the first plane, in U+FDD0.., and at the last.
CHARACTER_CLASSES = {
    "escape": "\x1b", "bell": "\x07", "vertical tab": "\x0b", "backspace": "\x08", "newline": "\n",
    "tab": "\t", "delete": "\x7f", "C1 next line": "\x85", "C1 CSI": "\x9b", "line separator": "\u2028",
    "paragraph separator": "\u2029", "U+FFFE": "\ufffe", "U+FFFF": "\uffff", "U+FDD0": "\ufdd0",
    "U+10FFFF": "\U0010ffff",
}
NUL = "\x00"


def kpi(url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KPI_DATABASE_URL=url, KPI_DEFAULT_LANGUAGE="fi")
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.mark.parametrize("character", CHARACTER_CLASSES.values(), ids=CHARACTER_CLASSES.keys())
@pytest.mark.parametrize("field", ["code", "name_fi", "name_en", "unit_label", "theme"])
def test_an_indicator_name_or_label_with_the_character_is_refused_and_nothing_is_written(migrated_engine, field,
                                                                                      character):
    fields = dict(code="nps2", name_fi="NPS", name_en="NPS", unit_label="NPS", theme="asiakkaat")
    fields[field] = f"x{character}y"
    with db.session_scope(migrated_engine) as session:
        with pytest.raises(InputError) as refused:
            store.create_indicator(session, direction="higher", aggregation="ratio", actor=ADMIN, **fields)
    assert refused.value.key == "control_character" and refused.value.field == field
    assert character not in refused.value.message("fi")  # the message quotes it without the character
    with db.session_scope(migrated_engine) as session:
        assert store.list_indicators(session) == []


@pytest.mark.parametrize("character", CHARACTER_CLASSES.values(), ids=CHARACTER_CLASSES.keys())
@pytest.mark.parametrize("field", ["code", "name_fi", "name_en"])
def test_a_unit_name_with_the_character_is_refused_on_create_and_on_rename(migrated_engine, field, character):
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TTH", name_fi="Työterveys", name_en="Occupational health", actor=ADMIN)
    fields = dict(code="TTH2", name_fi="Uusi", name_en="New")
    fields[field] = f"x{character}y"
    with db.session_scope(migrated_engine) as session:
        with pytest.raises(InputError, match="control|ohjaus"):
            store.create_org_unit(session, actor=ADMIN, **fields)
    if field != "code":
        with db.session_scope(migrated_engine) as session:
            with pytest.raises(InputError):
                store.update_org_unit(session, code="TTH", actor=ADMIN, **{field: f"x{character}y"})
    with db.session_scope(migrated_engine) as session:
        assert [(u.code, u.name_fi, u.name_en) for u in store.list_units(session)] == [
            ("TTH", "Työterveys", "Occupational health")]


def test_an_indicator_rename_with_a_control_character_is_refused(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", unit_label="NPS", actor=ADMIN)
    with db.session_scope(migrated_engine) as session:
        with pytest.raises(InputError):
            store.update_indicator(session, code="nps", unit_label="x\x1by", actor=ADMIN)
    with db.session_scope(migrated_engine) as session:
        assert store.get_indicator(session, "nps").unit_label == "NPS"


def test_ordinary_names_stay_as_typed(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        made = store.create_indicator(session, code="sick_days", name_fi="Sairauspoissaolot (pv/htv) – 5 % ≤",
                                      name_en="Sick-leave days / FTE", direction="lower", aggregation="ratio",
                                      unit_label="pv/htv", description_fi="Rivi 1\nRivi 2\tsarkain", actor=ADMIN)
        assert (made.name_fi, made.description_fi) == ("Sairauspoissaolot (pv/htv) – 5 % ≤", "Rivi 1\nRivi 2\tsarkain")


@pytest.fixture(scope="module")
def poisoned_demo_url(demo_db_url):
    """The demo with every character class written straight into the names and labels (as a database
    filled before the store checked them would hold)."""
    engine = db.make_engine(demo_db_url)
    bad = "".join(CHARACTER_CLASSES.values()) + ("" if engine.dialect.name == "postgresql" else NUL)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE indicator SET unit_label = :l, name_fi = :n, name_en = :n"),
                     {"l": f"x{bad}y", "n": f"Mittari {bad} ![a](http://example.invalid/p.png)"})
        conn.execute(sa.text("UPDATE org_unit SET name_fi = :n, name_en = :n"), {"n": f"Yksikkö {bad}"})
    engine.dispose()
    return demo_db_url


@pytest.mark.parametrize("kind, suffix", [("binding-statement", "docx"), ("review-pack", "docx"),
                                          ("scorecard", "xlsx")])
def test_every_document_builds_from_names_holding_every_character_class(poisoned_demo_url, tmp_path, kind, suffix):
    out = tmp_path / f"out.{suffix}"
    done = kpi(poisoned_demo_url, "report", "--period", "2020", "--kind", kind, "--out", str(out),
               "--as-of", "2026-11-23")
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr[-2000:]
    assert out.stat().st_size > 1000
    if kind != "scorecard":
        from docx import Document
        assert len(Document(out).inline_shapes) >= 1  # the chart was drawn, not left out


def test_the_scorecard_on_the_command_line_prints_no_control_character(poisoned_demo_url):
    done = kpi(poisoned_demo_url, "scorecard", "--period", "2020")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "\x1b" not in done.stdout and "\x9b" not in done.stdout and "\x07" not in done.stdout


DRAW_EACH_CLASS = """
import sys
from datetime import date
from kpi.reports.chart_images import series_png
from kpi.features.views import Point

for code_point in sys.argv[1:]:
    label = chr(int(code_point))
    points = [Point(label=f"{year}{label}", period=str(year), start=date(year, 1, 1), end=date(year, 12, 31),
                    actual=60.0 + year - 2018, status="not_met", threshold=70.0, threshold_upper=None,
                    comparator="ge", band_low=67.0, band_high=None, running=False, key=str(year))
              for year in (2019, 2020, 2021)]
    png = series_png(points, lang="fi", decimals=0, unit_label=f"x{label}y")
    print("drawn" if png and png[:4] == b"\\x89PNG" else "missing", flush=True)
"""


def test_a_chart_draws_whatever_character_its_labels_hold():
    """Each class alone in a unit label and a period label, drawn by vl-convert in one process: an abort
    (exit 134) or a chart left out fails."""
    labels = [c for c in CHARACTER_CLASSES.values()] + [NUL]
    done = subprocess.run([sys.executable, "-c", DRAW_EACH_CLASS, *[str(ord(c)) for c in labels]],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, (done.returncode, done.stderr[-1500:])
    assert done.stdout.split() == ["drawn"] * len(labels), done.stderr[-1500:]
