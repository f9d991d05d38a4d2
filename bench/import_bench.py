"""How long a big import takes, and how much memory it needs.

    .venv/bin/python bench/import_bench.py                    # 100 000 rows into a temp SQLite database
    .venv/bin/python bench/import_bench.py --rows 1000000 --no-trace
    .venv/bin/python bench/import_bench.py --rows 5000000 --no-trace --steps import
    .venv/bin/python bench/import_bench.py --rows 20000 --format xlsx
    KPI_BENCH_URL=postgresql+psycopg://... .venv/bin/python bench/import_bench.py
    /usr/bin/time -v .venv/bin/python -m kpi import /tmp/.../bench.csv    # the file is kept; see the output

The file is what a payroll or case-management export looks like after Excel: semicolons, a BOM, Finnish
headings, decimal commas, thousands grouped with spaces, monthly values per unit. Half the rows are
counts (TyöDesign referrals) and half are NPS given as promoters − detractors and responses, for units
created for the bench under the demo's TE office. The demo data is loaded first.

The file is written to disk a line at a time and handed to `preview` / `run_import` as a path, which they
read a chunk at a time (`--bytes`: as bytes in memory, as the page and the command line do), so the
process's peak resident size is the import's own. Prints, for each step, the seconds, rows per second
and the process's peak resident size so far, then (unless --no-trace) the peak traced Python memory
(tracemalloc, which slows the code it traces; the times are from the untraced run).
Speed goals live here, not in timed tests.
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from kpi import db, store  # noqa: E402
from kpi.admin.demo import load_demo  # noqa: E402
from kpi.importing import open_table, preview, run_import  # noqa: E402
from kpi.models import Measurement, MeasurementChange, OrgUnit  # noqa: E402
from kpi.store import schema  # noqa: E402

MONTHS = [f"{year}-{month:02d}" for year in range(2011, 2021) for month in range(1, 13)]  # 120 months
HEADER = "\ufeffMittari;Yksikkö;Jakso;Arvo;Osoittaja;Nimittäjä;Kommentti\n"
STEPS = ("read", "preview", "import", "again", "replace")


def bench_rows(count: int, shift: int = 0):
    """(indicator, unit, period, value, numerator, denominator) rows, unit by unit, month by month."""
    for n in range(count):
        unit, month = divmod(n, len(MONTHS))
        code = f"BENCH-{unit:04d}"
        period = MONTHS[month]
        if unit % 2 == 0:
            referrals = 900 + (unit * 37 + month * 11 + shift) % 900  # 900..1799: grouped thousands
            yield "tyodesign_referrals", code, period, f"{referrals // 1000} {referrals % 1000:03d}" \
                if referrals >= 1000 else str(referrals), "", ""
        else:
            responses = 150 + (unit * 13 + month * 7) % 200
            net = round(responses * (0.55 + ((unit + month + shift) % 20) / 100))
            yield "nps", code, period, "", str(net), str(responses)


def _csv_lines(count: int, shift: int):
    yield HEADER
    for indicator, unit, period, value, numerator, denominator in bench_rows(count, shift):
        yield f"{indicator};{unit};{period};{value};{numerator};{denominator};\n"
    yield ";;;;;;\n\n"  # what Excel leaves at the end


def csv_file(count: int, shift: int = 0) -> bytes:
    out = io.StringIO()
    out.writelines(_csv_lines(count, shift))
    return out.getvalue().encode("utf-8")


def write_csv(path: Path, count: int, shift: int = 0) -> Path:
    """The same file as `csv_file`, written a line at a time (a 5 million row file never sits in memory)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.writelines(_csv_lines(count, shift))
    return path


def xlsx_file(count: int, shift: int = 0) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Mittari", "Yksikkö", "Jakso", "Arvo", "Osoittaja", "Nimittäjä"])
    for indicator, unit, period, value, numerator, denominator in bench_rows(count, shift):
        sheet.append([indicator, unit, period, float(value.replace(" ", "")) if value else None,
                      float(numerator) if numerator else None, float(denominator) if denominator else None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def prepare(url: str, units: int) -> None:
    """Migrated database with the demo and `units` bench units under TE-UUSI (added in one flush: the
    store's one-unit-at-a-time checks would take minutes for the 40 000 units of 5 million rows)."""
    schema.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_demo(session, replace=True)
        parent = store.get_unit(session, "TE-UUSI")
        session.add_all([OrgUnit(code=f"BENCH-{n:04d}", name_fi=f"Toimipiste {n}", name_en=f"Office {n}",
                                 parent_id=parent.id, sort_order=100 + n) for n in range(units)])
    engine.dispose()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, work, traced: bool):
    gc.collect()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return label, seconds, peak, result


def count_rows(data, name: str) -> int:
    """Read the whole file, keeping no rows (read_table would keep them all)."""
    return sum(len(chunk) for chunk in open_table(data, name).chunks())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--bytes", action="store_true", help="hand the file over as bytes, not as a path")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"which steps to run, comma-separated, of {','.join(STEPS)} (default: all)")
    parser.add_argument("--cli", action="store_true",
                        help="also time `python -m kpi import` on a fresh database with /usr/bin/time -v")
    args = parser.parse_args()
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    # 5 000 000 rows is past the import's default row limit (Excel's 1 048 576): the bench sets its own,
    # for the CLI run below too
    os.environ.setdefault("KPI_IMPORT_MAX_ROWS", str(max(args.rows + 1, 1_048_576)))
    folder = Path(tempfile.mkdtemp(prefix="kpi-import-bench-"))
    units = -(-args.rows // len(MONTHS))
    path, changed_path = folder / f"bench.{args.format}", folder / f"changed.{args.format}"
    if args.format == "csv":
        write_csv(path, args.rows)
        if "replace" in steps:
            write_csv(changed_path, args.rows, shift=7)
    else:
        path.write_bytes(xlsx_file(args.rows))
        if "replace" in steps:
            changed_path.write_bytes(xlsx_file(args.rows, shift=7))
    data = path.read_bytes() if args.bytes else path
    changed = (changed_path.read_bytes() if args.bytes else changed_path) if "replace" in steps else None
    print(f"{args.rows} rows, {units} units, {path.stat().st_size / 1024 / 1024:.1f} MB {args.format}: {path}"
          f" (handed over as {'bytes' if args.bytes else 'a path'})")
    print(f"peak resident size before the steps: {peak_rss_mb():.0f} MB")

    for traced in ([False] if args.no_trace else [False, True]):
        url = os.environ.get("KPI_BENCH_URL", f"sqlite:///{folder}/bench-{int(traced)}.sqlite3")
        prepare(url, units)
        engine = db.make_engine(url)
        opener = lambda: db.session_scope(engine)  # noqa: E731
        work = {
            "read": ("read the file", lambda: count_rows(data, path.name)),
            "preview": ("preview (read + check)", lambda: preview(opener, data, path.name, replace=False,
                                                                  max_bytes=None).counts),
            "import": ("import (read + check + write)", lambda: run_import(opener, data, path.name, actor="bench",
                                                                          replace=False, max_bytes=None).counts),
            "again": ("same file again (all unchanged)", lambda: run_import(opener, data, path.name, actor="bench",
                                                                            replace=False, max_bytes=None).counts),
            "replace": ("replace every value", lambda: run_import(opener, changed, "changed." + args.format,
                                                                 actor="bench", replace=True,
                                                                 max_bytes=None).counts),
        }
        print(f"\n{'peak traced memory (tracemalloc)' if traced else 'time'} on {engine.dialect.name}")
        for step in steps:
            label, seconds, peak, result = measure(*work[step], traced)
            if traced:
                print(f"  {label:34} {peak / 1024 / 1024:7.1f} MB   {result}")
            else:
                print(f"  {label:34} {seconds:7.1f} s {args.rows / seconds:9,.0f} rows/s   peak RSS "
                      f"{peak_rss_mb():5.0f} MB   {result}")
        with db.session_scope(engine) as session:
            counts = [session.exec(select(func.count()).select_from(m)).one() for m in (Measurement, MeasurementChange)]
        print(f"  stored: {counts[0]} values, {counts[1]} history rows")
        engine.dispose()
    print(f"\npeak resident size of this process: {peak_rss_mb():.0f} MB")
    if args.cli:
        time_cli(folder, path, units)


def time_cli(folder: Path, path: Path, units: int) -> None:
    """The whole command as HR runs it, in a process of its own: wall time and peak resident size."""
    url = f"sqlite:///{folder}/bench-cli.sqlite3"
    prepare(url, units)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "kpi", "--lang", "en", "import", str(path)],
                          cwd=root, env=dict(os.environ, KPI_DATABASE_URL=url, KPI_MAX_UPLOAD_MB="1000"),
                          capture_output=True, text=True)
    print("\npython -m kpi import (/usr/bin/time -v):")
    print("  " + done.stdout.strip().replace("\n", "\n  "))
    for line in done.stderr.splitlines():
        if "Elapsed (wall clock)" in line or "Maximum resident set size" in line:
            print("  " + line.strip())


if __name__ == "__main__":
    main()
