"""How long the scorecard takes to build on the demo data (and on a bigger synthetic load).

    .venv/bin/python bench/scorecard_bench.py                 # demo data, SQLite in a temp folder
    .venv/bin/python bench/scorecard_bench.py --extra-units 40 # plus 40 units x 8 years of quarterly NPS
    KPI_BENCH_URL=postgresql+psycopg://... .venv/bin/python bench/scorecard_bench.py

Prints the median and worst of repeated builds per period. Speed goals live here, not in timed tests.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpi import db, store  # noqa: E402
from kpi.admin.demo import load_demo  # noqa: E402
from kpi.domain.periods import parse_period  # noqa: E402
from kpi.features.scorecard import build_scorecard  # noqa: E402
from kpi.store import schema  # noqa: E402


def add_units_with_nps(engine, count: int) -> None:
    """`count` extra units under TTH, each with quarterly NPS 2019-2026 and its own binding target."""
    with db.session_scope(engine) as session:
        for n in range(count):
            code = f"TTH-{n:03d}"
            store.create_org_unit(session, code=code, name_fi=f"Yksikkö {n}", name_en=f"Unit {n}", parent_code="TTH",
                                  actor="bench")
            for year in range(2019, 2027):
                store.create_target(session, indicator="nps", org_unit=code, period=str(year), comparator="ge",
                                    threshold=70, binding=True, actor="bench")
                for quarter in range(1, 5):
                    responses = 200 + (n * 7 + quarter * 13) % 90
                    store.add_measurement(session, indicator="nps", org_unit=code, period=f"{year}-Q{quarter}",
                                          numerator=round(responses * (0.6 + (n % 15) / 100)), denominator=responses,
                                          actor="bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--extra-units", type=int, default=0)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = os.environ.get("KPI_BENCH_URL", f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_demo(session, replace=True)
    if args.extra_units:
        add_units_with_nps(engine, args.extra_units)
    for text in ("2020", "2020-Q1", "2026"):
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with db.session_scope(engine) as session:
                rows = build_scorecard(session, parse_period(text), as_of=date(2026, 11, 23))
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{url.split(':')[0]:10} period {text:8} {len(rows):4} targets  "
              f"median {statistics.median(timings):7.1f} ms  worst {max(timings):7.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
