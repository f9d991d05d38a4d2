"""Warm rerun time of each page in AppTest, on the demo data (the issue's goal: scorecard < 150 ms).

    .venv/bin/python bench/apptest_rerun.py [--repeat 20]

A cold first run migrates a fresh SQLite file and loads the demo; then each page is rerun `repeat`
times with nothing changed, which is what a widget click costs when the data has not moved.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ["KPI_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    start = time.perf_counter()
    at.run()
    print(f"cold start (migrate + demo + first page): {(time.perf_counter() - start) * 1000:7.0f} ms")
    at.query_params["period"] = "2020"
    for page, params in (("pages/scorecard.py", {"period": "2020"}),
                         ("pages/drilldown.py", {"indicator": "nps", "period": "2020", "unit": "TTH"}),
                         ("pages/meeting.py", {"period": "2020"})):
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()  # first visit fills the caches
        assert not at.exception, at.exception
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            at.run()
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{page:22} warm rerun  median {statistics.median(timings):6.1f} ms  worst {max(timings):6.1f} ms")


if __name__ == "__main__":
    main()
