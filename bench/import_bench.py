"""How long a big import takes, and how much memory it needs.

    .venv/bin/python bench/import_bench.py                    # 100 000 rows into a temp SQLite database
    .venv/bin/python bench/import_bench.py --rows 20000 --format xlsx
    KPI_BENCH_URL=postgresql+psycopg://... .venv/bin/python bench/import_bench.py
    /usr/bin/time -v .venv/bin/python -m kpi import /tmp/.../bench.csv    # the file is kept; see the output

The file is what a payroll or case-management export looks like after Excel: semicolons, a BOM, Finnish
headings, decimal commas, thousands grouped with spaces, monthly values per unit. Half the rows are
counts (TyöDesign referrals) and half are NPS given as promoters − detractors and responses, for units
created for the bench under the demo's TE office. The demo data is loaded first.

Prints, for each step, the seconds and the peak traced Python memory (tracemalloc, which slows the code
it traces; the times are from a separate untraced run), and the process's peak resident size at the end.
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
from kpi.demo import load_demo  # noqa: E402
from kpi.importing import preview, read_table, run_import  # noqa: E402
from kpi.models import Measurement, MeasurementChange  # noqa: E402

MONTHS = [f"{year}-{month:02d}" for year in range(2011, 2021) for month in range(1, 13)]  # 120 months


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


def csv_file(count: int, shift: int = 0) -> bytes:
    out = io.StringIO()
    out.write("\ufeffMittari;Yksikkö;Jakso;Arvo;Osoittaja;Nimittäjä;Kommentti\n")
    for indicator, unit, period, value, numerator, denominator in bench_rows(count, shift):
        out.write(f"{indicator};{unit};{period};{value};{numerator};{denominator};\n")
    out.write(";;;;;;\n\n")  # what Excel leaves at the end
    return out.getvalue().encode("utf-8")


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
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_demo(session, replace=True)
        for n in range(units):
            store.create_org_unit(session, code=f"BENCH-{n:04d}", name_fi=f"Toimipiste {n}",
                                  name_en=f"Office {n}", parent_code="TE-UUSI", sort_order=100 + n,
                                  actor="bench")
    engine.dispose()


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--cli", action="store_true",
                        help="also time `python -m kpi import` on a fresh database with /usr/bin/time -v")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kpi-import-bench-"))
    units = -(-args.rows // len(MONTHS))
    make = csv_file if args.format == "csv" else xlsx_file
    data, changed = make(args.rows), make(args.rows, shift=7)
    path = folder / f"bench.{args.format}"
    path.write_bytes(data)
    print(f"{args.rows} rows, {units} units, {len(data) / 1024 / 1024:.1f} MB {args.format}: {path}")

    for traced in ([False] if args.no_trace else [False, True]):
        url = os.environ.get("KPI_BENCH_URL", f"sqlite:///{folder}/bench-{int(traced)}.sqlite3")
        prepare(url, units)
        engine = db.make_engine(url)
        opener = lambda: db.session_scope(engine)  # noqa: E731
        steps = [
            ("read the file", lambda: len(read_table(data, path.name).rows)),
            ("preview (read + check)", lambda: preview(opener, data, path.name, replace=False, max_bytes=None).counts),
            ("import (read + check + write)", lambda: run_import(opener, data, path.name, actor="bench",
                                                                 replace=False, max_bytes=None).counts),
            ("same file again (all unchanged)", lambda: run_import(opener, data, path.name, actor="bench",
                                                                   replace=False, max_bytes=None).counts),
            ("replace every value", lambda: run_import(opener, changed, "changed." + args.format, actor="bench",
                                                       replace=True, max_bytes=None).counts),
        ]
        print("\n" + ("peak traced memory (tracemalloc)" if traced else "time"))
        for label, work in steps:
            label, seconds, peak, result = measure(label, work, traced)
            shown = f"{peak / 1024 / 1024:7.1f} MB" if traced else f"{seconds:7.1f} s"
            print(f"  {label:34} {shown}   {result}")
        with db.session_scope(engine) as session:
            counts = [session.exec(select(func.count()).select_from(m)).one() for m in (Measurement, MeasurementChange)]
        print(f"  stored: {counts[0]} values, {counts[1]} history rows")
        engine.dispose()
    print(f"\npeak resident size of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
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
