"""The benchmark harness end to end at a tiny size: it runs, writes every figure the issue names, and the
app's scorecard agrees with the naive pandas one on every status. Timings are not judged here (bench/)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"measurements", "import_rows_per_s", "scorecard_s", "naive_s", "floor_s", "page_cold_s", "page_warm_s",
        "drilldown_warm_s", "peak_rss_mb", "naive_peak_rss_mb", "status_mismatches", "targets", "units",
        "indicators", "database", "machine", "when"}


def test_the_bench_runs_end_to_end_and_the_app_agrees_with_the_naive_way(tmp_path):
    out = tmp_path / "tiny.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--measurements", "3000", "--repeat", "1", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert KEYS <= set(result)
    assert result["measurements"] == 3000
    assert result["database"] == "sqlite"
    assert result["status_mismatches"] == {"count": 0, "first": []}
    assert result["statuses"]["met"] > 0 and result["statuses"]["not_met"] > 0
    assert sum(result["statuses"].values()) == result["targets_in_year"] > 0
    assert set(result["indicators_by_rule"]) == {"sum", "ratio", "weighted_mean", "last", "none"}
    for key in ("scorecard_s", "naive_s", "page_cold_s", "page_warm_s", "drilldown_warm_s", "peak_rss_mb"):
        assert result[key] > 0, key
    assert result["import_rows_per_s"] > 0 and result["targets"] > result["targets_in_year"]
    assert "scorecard / floor" in done.stdout and "naive / scorecard" in done.stdout  # the table


def test_the_generator_scales_with_units_not_years():
    from datetime import date

    from bench.catalogue import plan_indicators
    from bench.generate import plan_layout
    from bench.shape import Calendar, Shape

    calendar = Calendar.ending(date(2026, 11, 23))
    assert (calendar.months[0].code, calendar.months[-1].code) == ("2017-01", "2026-10")
    assert calendar.last_complete_year == 2025
    layouts = {}
    for n in (1_000_000, 5_000_000):
        specs = plan_indicators(Shape.for_measurements(n))
        layouts[n] = layout = plan_layout(specs, calendar, n)
        assert layout.rows == n and len(specs) == 100
        rules = ("sum", "ratio", "weighted_mean", "last", "none")
        shares = {rule: sum(s.rule == rule for s in specs) for rule in rules}
        assert shares == {"sum": 30, "ratio": 30, "weighted_mean": 15, "last": 15, "none": 10}
        assert sum(s.frequency == "quarter" for s in specs) == 30
    assert 100 <= len(layouts[1_000_000].units_of(layouts[1_000_000].specs[0])) <= 150
    assert layouts[5_000_000].leaves_per_division > 4 * layouts[1_000_000].leaves_per_division
