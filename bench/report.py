"""The figures as a table, the two ratios, and each goal with ✔ or ✘ (goals set for 1 000 000 measurements
on SQLite; the memory goal also for 5 000 000)."""
from __future__ import annotations

from typing import Any

GOAL_SIZE = 1_000_000


def ratios(result: dict[str, Any]) -> dict[str, float | None]:
    def over(a, b):
        return round(result[a] / result[b], 2) if result.get(a) is not None and result.get(b) else None
    return {"scorecard_over_floor": over("scorecard_s", "floor_s"),
            "scorecard_over_cells_read": over("scorecard_s", "cells_read_s"),
            "naive_over_scorecard": over("naive_s", "scorecard_s")}


# (goal, figure, limit, "max" = the figure must stay under the limit / "min" = reach it)
GOALS = [
    ("scorecard_s within 1.5 × floor_s", "scorecard_over_floor", 1.5, "max"),
    ("naive_s at least 10 × scorecard_s", "naive_over_scorecard", 10, "min"),
    ("page_warm_s under 0.15 s", "page_warm_s", 0.15, "max"),
    ("page_cold_s under 2 s", "page_cold_s", 2, "max"),
    ("import at least 100 000 rows/s", "import_rows_per_s", 100_000, "min"),
    ("peak memory under 1 GB", "peak_rss_mb", 1024, "max"),
]


def goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    figures = {**result, **result["ratios"]}
    judged = []
    for text, figure, limit, kind in GOALS:
        value = figures.get(figure)
        ok = None if value is None else (value <= limit if kind == "max" else value >= limit)
        judged.append({"goal": text, "figure": figure, "value": value, "limit": limit, "ok": ok})
    return judged


def _seconds(s: float | None) -> str:
    if s is None:
        return "–"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _count(n: float | None) -> str:
    return "–" if n is None else f"{n:,.0f}".replace(",", " ")


def _times(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f} ×"


def table(result: dict[str, Any]) -> str:
    r, m = result, result["machine"]
    statuses = ", ".join(f"{k} {v}" for k, v in r["statuses"].items())
    rows = [
        ("measurements", _count(r["measurements"])),
        ("indicators / units / targets", f"{r['indicators']} / {_count(r['units'])} / {_count(r['targets'])}"
                                         f" ({r['targets_in_year']} judge {r['year']})"),
        ("import", f"{_count(r['import_rows_per_s'])} rows/s ({_seconds(r['import_s'])}, {r['import_files']} files)"),
        ("targets created", _seconds(r["targets_create_s"])),
        ("scorecard (app)", _seconds(r["scorecard_s"])),
        ("floor (one query summing the values)", f"{_seconds(r['floor_s'])} ({_count(r['floor_rows'])} rows)"),
        ("year cells read (the app's query)", f"{_seconds(r['cells_read_s'])} ({_count(r['cells_rows'])} rows)"),
        ("naive (read_sql + pandas)", _seconds(r["naive_s"])),
        ("scorecard page cold / warm", f"{_seconds(r['page_cold_s'])} / {_seconds(r['page_warm_s'])}"),
        ("drill-down page warm", _seconds(r["drilldown_warm_s"])),
        ("peak RSS bench / naive", f"{r['peak_rss_mb']:.0f} MB / {r['naive_peak_rss_mb']:.0f} MB"),
        ("scorecard / floor", _times(r["ratios"]["scorecard_over_floor"])),
        ("scorecard / cells read", _times(r["ratios"]["scorecard_over_cells_read"])),
        ("naive / scorecard", _times(r["ratios"]["naive_over_scorecard"])),
        ("statuses " + str(r["year"]), statuses),
        ("app = naive", "yes, every status" if not r["status_mismatches"]["count"]
         else f"NO: {r['status_mismatches']['count']} differ"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"KPI bench: {_count(r['measurements'])} measurements on {r['database']}, year {r['year']}, "
             f"median of {r['repeat']} after a warm-up",
             f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB, Python {m['python']}, {m['database']}", ""]
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    scope = "" if r["measurements"] >= GOAL_SIZE and r["database"] == "sqlite" else \
        f" (set for {_count(GOAL_SIZE)} on SQLite; this run is smaller or on another database)"
    lines += ["", "goals" + scope + ":"]
    for goal in r["goals"]:
        mark = "–" if goal["ok"] is None else "✔" if goal["ok"] else "✘"
        word = "not measured" if goal["ok"] is None else "met" if goal["ok"] else "missed"
        lines.append(f"  {mark} {goal['goal']:<36} {word}")
    for note in r["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)
