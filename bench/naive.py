"""The same statuses the usual way: every row read with `pandas.read_sql`, each target evaluated in pandas.

    python -m bench.naive --database URL --year 2025 --as-of 2026-11-23 --repeat 5 --out naive.json

What an analyst would write without the app: read the measurement table whole (the columns needed, all
rows), the units, indicators and targets; for each target that judges the year, filter the frame to the
target's indicator, its unit's subtree and the year, and combine by the indicator's rule (sum, ratio of
the totals, weighted mean, each unit's latest value added up, a single value or nothing). The status is
`kpi.domain.evaluate.evaluate_target`, the app's own rule, so only the way of getting the actual differs.
That shortcut holds for the bench's data, which keeps each indicator's values at one level of a subtree
and one period length.

Runs in a process of its own so its memory does not count in the app's peak; it reports its own.
Writes {naive_s, naive_runs, naive_peak_rss_mb, rows, statuses: {target id: status}}.
"""
from __future__ import annotations

import argparse
import json
from datetime import date

import pandas as pd

from kpi import db
from kpi.domain.evaluate import TargetRule, evaluate_target
from kpi.domain.periods import Period
from kpi.domain.vocabulary import Aggregation, BandKind, Comparator

from .timing import peak_rss_mb, timed

MEASUREMENTS = ("SELECT indicator_id, org_unit_id, period_start, period_end, value, numerator, denominator, weight "
                "FROM measurement")


def read_all(engine) -> tuple[pd.DataFrame, ...]:
    dates = ["period_start", "period_end"]
    measurements = pd.read_sql(MEASUREMENTS, engine, parse_dates=dates)
    units = pd.read_sql("SELECT id, code, parent_id FROM org_unit", engine)
    indicators = pd.read_sql("SELECT * FROM indicator", engine).set_index("id")
    targets = pd.read_sql("SELECT * FROM target", engine, parse_dates=dates + ["retired_from"])
    return measurements, units, indicators, targets


def subtree(units: pd.DataFrame, unit_id) -> list[int]:
    """The unit and every unit below it; None (the whole organisation): every unit."""
    if pd.isna(unit_id):
        return units["id"].tolist()
    found, frontier = [int(unit_id)], [int(unit_id)]
    while frontier:
        frontier = units.loc[units["parent_id"].isin(frontier), "id"].tolist()
        found += frontier
    return found


def actual(rule: Aggregation, rows: pd.DataFrame, scale: float) -> float | None:
    if rows.empty:
        return None
    if rule is Aggregation.SUM:
        return float(rows["value"].sum())
    if rule is Aggregation.RATIO_OF_TOTALS:
        denominator = rows["denominator"].sum()
        return float(rows["numerator"].sum() * scale / denominator) if denominator else None
    if rule is Aggregation.WEIGHTED_MEAN:
        weight = rows["weight"].sum()
        return float((rows["value"] * rows["weight"]).sum() / weight) if weight else None
    if rule is Aggregation.LAST_VALUE:
        latest = rows.sort_values("period_end").groupby("org_unit_id")["value"].last()
        return float(latest.sum())
    return float(rows["value"].iloc[0]) if len(rows) == 1 else None  # not combinable: one value stands alone


def judging(targets: pd.DataFrame, indicators: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The targets that judge `period`: containing it, not retired, the narrowest per indicator and unit; a
    count's target only its own period."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    fits = targets[(targets["period_start"] <= start) & (targets["period_end"] >= end)
                   & (targets["retired_from"].isna() | (targets["retired_from"] > end))].copy()
    own = (fits["period_start"] == start) & (fits["period_end"] == end)
    fits = fits[own | (fits["indicator_id"].map(indicators["aggregation"]) != Aggregation.SUM.value)]
    fits["length"] = fits["period_end"] - fits["period_start"]
    fits["unit_key"] = fits["org_unit_id"].fillna(-1)
    return fits.sort_values("length").groupby(["indicator_id", "unit_key"], sort=False).head(1)


def naive_statuses(engine, period: Period, as_of: date) -> tuple[dict[int, str], int]:
    measurements, units, indicators, targets = read_all(engine)
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    statuses = {}
    for target in judging(targets, indicators, period).itertuples():
        indicator = indicators.loc[target.indicator_id]
        rows = measurements[(measurements["indicator_id"] == target.indicator_id)
                            & measurements["org_unit_id"].isin(subtree(units, target.org_unit_id))
                            & (measurements["period_start"] >= start) & (measurements["period_end"] <= end)]
        value = actual(Aggregation(indicator["aggregation"]), rows, float(indicator["scale"]))
        rule = TargetRule(Comparator(target.comparator), target.threshold,
                          None if pd.isna(target.threshold_upper) else target.threshold_upper,
                          None if pd.isna(target.band) else target.band, BandKind(target.band_kind),
                          bool(target.binding))
        statuses[int(target.id)] = evaluate_target(rule, value, period=period, as_of=as_of,
                                                   decimals=int(indicator["decimals"])).status.value
    return statuses, len(measurements)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.naive", description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    engine = db.make_engine(args.database)
    period = Period.year(args.year)
    run = timed(lambda: naive_statuses(engine, period, args.as_of), args.repeat)
    engine.dispose()
    statuses, rows = run.result
    with open(args.out, "w") as handle:
        json.dump({"naive_s": round(run.median, 4), "naive_runs": run.runs, "naive_peak_rss_mb": peak_rss_mb(),
                   "rows": rows, "statuses": statuses}, handle)


if __name__ == "__main__":
    main()
