"""The whole bench in order: a database, the catalogue, the values imported, the targets, then the timings,
the naive way in its own process, the pages, the check that the app and the naive way agree, the JSON."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kpi import db

from . import database, report
from .app_timing import ROOT, time_floor, time_pages, time_scorecard
from .catalogue import create_catalogue, division_code, plan_indicators
from .generate import generate_and_import, plan_layout
from .shape import Calendar, Shape
from .targets import create_targets
from .timing import machine, peak_rss_mb

STATUS_ORDER = ("met", "at_risk", "not_met", "no_data")
MISMATCHES_KEPT = 10


class Log:
    def __init__(self):
        self.start = time.perf_counter()

    def __call__(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.start:7.1f} s] {text}", file=sys.stderr, flush=True)


def compare(app: dict[str, str], naive: dict[str, str]) -> dict[str, Any]:
    differ = [{"target_id": int(key), "app": app.get(key), "naive": naive.get(key)}
              for key in sorted(set(app) | set(naive), key=int) if app.get(key) != naive.get(key)]
    return {"count": len(differ), "first": differ[:MISMATCHES_KEPT]}


def run_naive(url: str, year: int, as_of: date, repeat: int, folder: Path) -> dict[str, Any]:
    out = folder / "naive.json"
    done = subprocess.run([sys.executable, "-m", "bench.naive", "--database", url, "--year", str(year),
                           "--as-of", as_of.isoformat(), "--repeat", str(repeat), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"bench.naive failed:\n{done.stderr[-4000:]}")
    return json.loads(out.read_text())


def run(measurements: int, out: Path, *, database_url: str | None = None, repeat: int = 5, year: int | None = None,
        keep: bool = False, seed: int = 8) -> tuple[dict[str, Any], int]:
    """Returns the result (also written to `out`) and the exit status: 0, or 1 when a status differs."""
    log = Log()
    as_of = date.today()
    calendar = Calendar.ending(as_of)
    year = year or calendar.last_complete_year
    shape = Shape.for_measurements(measurements)
    specs = plan_indicators(shape)
    layout = plan_layout(specs, calendar, measurements)
    folder = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    given = database_url or f"sqlite:///{folder}/bench.sqlite3"
    try:
        url, created = database.prepare(given)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    engine = db.make_engine(url)
    notes: list[str] = []
    try:
        log(f"{layout.rows} values planned: {len(specs)} indicators, {shape.divisions} divisions × "
            f"{layout.leaves_per_division} units; {database.kind(url)} at {sa.make_url(url).render_as_string()}")
        begun = time.perf_counter()
        with db.session_scope(engine) as session:
            units = create_catalogue(session, specs, shape.divisions, layout.leaves_per_division)
        catalogue_s = time.perf_counter() - begun
        log(f"catalogue: {units} units, {len(specs)} indicators in {catalogue_s:.1f} s")

        generated = generate_and_import(engine, layout, seed, folder,
                                        progress=lambda n: log(f"imported {n} rows"))
        log(f"imported {generated.rows} rows in {generated.import_seconds:.1f} s "
            f"({generated.rows / generated.import_seconds:.0f} rows/s; "
            f"generating took {generated.generate_seconds:.1f} s)")

        begun = time.perf_counter()
        with db.session_scope(engine) as session:
            targets = create_targets(session, specs, calendar.target_years, shape.divisions, generated.actuals, seed)
        targets_s = time.perf_counter() - begun
        log(f"{targets} targets created in {targets_s:.1f} s")
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM measurement")).scalar()
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("ANALYZE"))
                conn.commit()

        card = time_scorecard(engine, year, as_of, repeat)
        app_statuses = {str(row.target_id): row.status for row in card.result}
        log(f"scorecard {year}: {len(card.result)} targets, median {card.median:.3f} s {card.runs}")
        floor = time_floor(engine, year, repeat)
        log(f"floor (values summed): {floor.result} rows, median {floor.median:.3f} s {floor.runs}")
        cells = time_floor(engine, year, repeat, from_values=False)
        log(f"year cells read: {cells.result} rows, median {cells.median:.3f} s {cells.runs}")

        naive = run_naive(url, year, as_of, repeat, folder)
        log(f"naive: median {naive['naive_s']:.3f} s {naive['naive_runs']}, peak {naive['naive_peak_rss_mb']} MB")

        ratio = next(s for s in specs if s.rule == "ratio" and s.division_targets)
        drilldown = {"indicator": ratio.code, "period": str(year), "unit": division_code(ratio.divisions[0])}
        pages = time_pages(url, year, repeat, drilldown)
        log("pages: cold {:.3f} s {}, warm {:.3f} s {}, drill-down warm {:.3f} s {}".format(
            pages["page_cold"].median, pages["page_cold"].runs, pages["page_warm"].median, pages["page_warm"].runs,
            pages["drilldown_warm"].median, pages["drilldown_warm"].runs))
        if pages["page_cold"].result != len(card.result):
            notes.append(f"the scorecard page showed {pages['page_cold'].result} rows, build_scorecard gave "
                         f"{len(card.result)}")
        peak = peak_rss_mb()
        version = database.version(engine)
    finally:
        engine.dispose()
        if created and not keep:
            database.drop(url, given)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if keep:
        notes.append(f"database kept: {sa.make_url(url).render_as_string()}")

    counts = Counter(app_statuses.values())
    result: dict[str, Any] = {
        "measurements": stored,
        "import_rows_per_s": round(generated.rows / generated.import_seconds),
        "scorecard_s": round(card.median, 4),
        "naive_s": naive["naive_s"],
        "floor_s": round(floor.median, 4),
        "cells_read_s": round(cells.median, 4),
        "page_cold_s": round(pages["page_cold"].median, 4),
        "page_warm_s": round(pages["page_warm"].median, 4),
        "drilldown_warm_s": round(pages["drilldown_warm"].median, 4),
        "peak_rss_mb": peak,
        "naive_peak_rss_mb": naive["naive_peak_rss_mb"],
        "status_mismatches": compare(app_statuses, naive["statuses"]),
        "targets": targets,
        "targets_in_year": len(card.result),
        "units": units,
        "indicators": len(specs),
        "indicators_by_rule": dict(Counter(s.rule for s in specs)),
        "statuses": {status: counts.get(status, 0) for status in STATUS_ORDER},
        "database": database.kind(url),
        "machine": machine(version),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "year": year,
        "as_of": as_of.isoformat(),
        "repeat": repeat,
        "seed": seed,
        "import_s": round(generated.import_seconds, 2),
        "import_files": generated.files,
        "generate_s": round(generated.generate_seconds, 2),
        "catalogue_s": round(catalogue_s, 2),
        "targets_create_s": round(targets_s, 2),
        "floor_rows": floor.result,
        "cells_rows": cells.result,
        "drilldown": drilldown,
        "runs": {"scorecard_s": card.runs, "floor_s": floor.runs, "cells_read_s": cells.runs,
                 "naive_s": naive["naive_runs"], "page_cold_s": pages["page_cold"].runs,
                 "page_warm_s": pages["page_warm"].runs, "drilldown_warm_s": pages["drilldown_warm"].runs},
        "total_s": round(time.perf_counter() - log.start, 1),
        "notes": notes,
    }
    result["ratios"] = report.ratios(result)
    result["goals"] = report.goals(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result, 1 if result["status_mismatches"]["count"] else 0
