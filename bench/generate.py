"""Realistic synthetic values, written as CSV files and imported through the app's own import path.

Each value comes from a small model per kind of indicator (a count with a season and a trend, NPS parts,
sick-leave days and FTEs, satisfaction weighted by respondents, a headcount, an audit grade), with a
level per unit, a drift per indicator and noise, so targets set around last year's level are met in some
units and years and missed in others. Exactly N values: the leaf units per division are chosen so that
there are at least N, and the surplus is taken off the oldest values of some units (units that started
reporting later). While writing, the actuals per indicator × division × year are summed up, so targets
can be set around them (targets.py).

The files are written to the bench's temporary folder and imported one by one (some 100 000 rows each,
whole series) so memory stays bounded; reading and importing each file is timed, writing it is not.
"""
from __future__ import annotations

import io
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from kpi import db
from kpi.domain.periods import Period
from kpi.importing import run_import

from .catalogue import ACTOR, Spec, division_code, leaf_code
from .shape import Calendar

HEADER = "indicator;org_unit;period;value;numerator;denominator;weight\n"
CHUNK_ROWS = 100_000
KEEP_YEARS = 2  # trimming never touches the last complete year and the one before it


@dataclass
class Actual:
    """What the values of one indicator in one division (or its units) add up to in one year."""
    total: float = 0.0       # sum of values
    numerator: float = 0.0
    denominator: float = 0.0
    weighted: float = 0.0    # sum of value × weight
    weight: float = 0.0
    last: float = 0.0        # sum over units of each unit's latest value in the year
    count: int = 0
    single: float | None = None  # the value when there is one


@dataclass
class Layout:
    """Which series (indicator × unit) exist and how many values each keeps."""
    specs: list[Spec]
    calendar: Calendar
    leaves_per_division: int
    trims: dict[tuple[int, str], int] = field(default_factory=dict)  # values left off at the start

    def units_of(self, spec: Spec) -> list[tuple[str, int]]:
        if spec.level == "division":
            return [(division_code(d), d) for d in spec.divisions]
        return [(leaf_code(d, p), d) for d in spec.divisions for p in range(self.leaves_per_division)]

    def series(self):
        for spec in self.specs:
            periods = self.calendar.periods(spec.frequency)
            for unit, division in self.units_of(spec):
                yield spec, unit, division, periods[self.trims.get((spec.index, unit), 0):]

    @property
    def rows(self) -> int:
        return sum(len(periods) for *_, periods in self.series())


def plan_layout(specs: list[Spec], calendar: Calendar, measurements: int) -> Layout:
    """Enough leaf units per division for `measurements` values, then the surplus trimmed off the oldest."""
    fixed = sum(len(calendar.periods(s.frequency)) * len(s.divisions) for s in specs if s.level == "division")
    per_leaf_row = sum(len(calendar.periods(s.frequency)) * len(s.divisions) for s in specs if s.level == "leaf")
    leaves = max(1, math.ceil((measurements - fixed) / per_leaf_row)) if per_leaf_row else 1
    layout = Layout(specs, calendar, leaves)
    surplus = layout.rows - measurements
    keep_from = Period.year(calendar.last_complete_year - KEEP_YEARS + 1).start
    trimmable = [(spec, unit, sum(1 for p in periods if p.start < keep_from))
                 for spec, unit, _, periods in layout.series() if spec.level == "leaf"]
    while surplus > 0 and trimmable:
        share = max(1, math.ceil(surplus / len(trimmable)))
        still = []
        for spec, unit, room in trimmable:
            key = (spec.index, unit)
            cut = min(share, room - layout.trims.get(key, 0), surplus)
            if cut > 0:
                layout.trims[key] = layout.trims.get(key, 0) + cut
                surplus -= cut
            if room - layout.trims.get(key, 0) > 0:
                still.append((spec, unit, room))
            if surplus == 0:
                break
        trimmable = still
    return layout


def _number(x: float, decimals: int) -> str:
    return str(int(x)) if decimals == 0 else f"{x:.{decimals}f}"


class _Model:
    """The values of one series: per period (value, numerator, denominator, weight) as text and number."""

    def __init__(self, spec: Spec, unit: str, seed: int, first_year: int):
        self.key = spec.template.key
        self.first_year = first_year
        indicator = random.Random(f"{seed}:{spec.index}")
        self.drift = indicator.uniform(-0.03, 0.03)      # per year
        self.base = indicator.uniform(0.8, 1.2)
        self.rng = random.Random(f"{seed}:{spec.index}:{unit}")
        self.size = math.exp(self.rng.gauss(0, 0.35))    # the unit's size
        self.offset = self.rng.gauss(0, 1)               # the unit's own level, in the model's units

    def values(self, period: Period) -> tuple[float | None, float | None, float | None, float | None, str]:
        g = self.rng.gauss
        years = period.start.year - self.first_year
        trend = (1 + self.drift) ** years
        months = {"month": 1, "quarter": 3, "year": 12}[period.kind.value]
        season = 1 + 0.15 * math.sin(2 * math.pi * (period.start.month - 1) / 12)
        k = self.key
        if k == "visits":
            return self._v(max(0, round(120 * self.base * self.size * season * trend * months * (1 + 0.1 * g(0, 1)))))
        if k == "accidents":
            mean = 0.6 * self.size * months * trend
            return self._v(max(0, round(mean + g(0, 1) * math.sqrt(mean))))
        if k == "overtime":
            return self._v(max(0, round(40 * self.size * months * trend * season * (1 + 0.25 * g(0, 1)))))
        if k == "nps":
            responses = max(5, round(30 * self.size * months * (1 + 0.2 * g(0, 1))))
            share = 0.4 * self.base + 0.12 * self.offset + 0.3 * self.drift * years + 0.06 * g(0, 1)
            promoters_net = round(responses * min(0.95, max(-0.95, share)))
            return None, promoters_net, responses, None, f";{promoters_net};{responses};"
        if k == "sick_leave":
            fte = max(1.0, round(25 * self.size * (1 + 0.03 * g(0, 1)), 1))
            rate = 1.2 * self.base * (1 + 0.15 * self.offset) * trend
            days = max(0, round(fte * max(rate, 0.1) * months * (1 + 0.15 * g(0, 1))))
            return None, days, fte, None, f";{days};{fte:.1f};"
        if k == "on_time":
            total = max(5, round(80 * self.size * months * (1 + 0.1 * g(0, 1))))
            share = 0.85 + 0.05 * self.offset + self.drift * years / 3 + 0.04 * g(0, 1)
            done = round(total * min(1.0, max(0.0, share)))
            return None, done, total, None, f";{done};{total};"
        if k in ("satisfaction", "climate"):
            weight = max(3, round(12 * self.size * months * (1 + 0.2 * g(0, 1))))
            value = round(min(5.0, max(1.0, 3.8 + 0.3 * self.offset + self.drift * years + 0.15 * g(0, 1))), 2)
            return value, None, None, weight, f"{value:.2f};;;{weight}"
        if k == "headcount":
            return self._v(max(0, round(30 * self.size * trend + 1.5 * g(0, 1))))
        if k == "open_posts":
            return self._v(max(0, round(2 * self.size + 1.2 * g(0, 1))))
        if k == "audit":
            return self._v(min(5, max(1, round(3.4 + 0.6 * self.offset + 0.7 * g(0, 1)))))
        raise ValueError(k)

    @staticmethod
    def _v(value: int):
        return value, None, None, None, f"{value};;;"


def _add(actual: Actual, value, numerator, denominator, weight) -> None:
    actual.count += 1
    actual.single = value if actual.count == 1 else None
    if value is not None:
        actual.total += value
    if numerator is not None:
        actual.numerator += numerator
        actual.denominator += denominator
    if weight is not None:
        actual.weighted += value * weight
        actual.weight += weight


@dataclass
class Generated:
    rows: int
    files: int
    import_seconds: float
    generate_seconds: float
    actuals: dict[tuple[int, int, int], Actual]  # (spec index, division, year)


def import_file(engine, path: Path) -> dict[str, int]:
    """One file through the app's import path, as `python -m kpi import FILE` runs it."""
    outcome = run_import(lambda: db.session_scope(engine), path, path.name, actor=ACTOR, replace=False,
                         max_bytes=None)
    if outcome.status != "applied":
        raise RuntimeError(f"{path.name}: import refused: {[p.key for p in outcome.problems[:5]]} {outcome.counts}")
    return outcome.counts


def generate_and_import(engine, layout: Layout, seed: int, folder: Path, chunk_rows: int = CHUNK_ROWS,
                        progress=None) -> Generated:
    """Write the values as CSV files in `folder`, importing (and then deleting) each as it is complete."""
    started = time.perf_counter()
    actuals: dict[tuple[int, int, int], Actual] = {}
    buffer, in_chunk, files, written, import_seconds = io.StringIO(), 0, 0, 0, 0.0
    first_year = layout.calendar.target_years[0]

    def flush() -> None:
        nonlocal buffer, in_chunk, files, import_seconds
        files += 1
        path = folder / f"bench-{files:03d}.csv"
        path.write_text(HEADER + buffer.getvalue(), encoding="utf-8")
        buffer = io.StringIO()
        begun = time.perf_counter()
        counts = import_file(engine, path)
        import_seconds += time.perf_counter() - begun
        path.unlink()
        if counts["new"] != in_chunk:
            raise RuntimeError(f"file {files}: {counts} for {in_chunk} rows")
        in_chunk = 0
        if progress:
            progress(written)

    for spec, unit, division, periods in layout.series():
        model = _Model(spec, unit, seed, first_year)
        latest: dict[int, float] = {}
        write = buffer.write
        for period in periods:
            value, numerator, denominator, weight, cells = model.values(period)
            write(f"{spec.code};{unit};{period.code};{cells}\n")
            year = period.start.year
            actual = actuals.get((spec.index, division, year))
            if actual is None:
                actual = actuals[(spec.index, division, year)] = Actual()
            _add(actual, value, numerator, denominator, weight)
            if value is not None:
                latest[year] = value
        if spec.rule == "last":
            for year, value in latest.items():
                actuals[(spec.index, division, year)].last += value
        in_chunk += len(periods)
        written += len(periods)
        if in_chunk >= chunk_rows:
            flush()
    if in_chunk:
        flush()
    total = time.perf_counter() - started
    return Generated(written, files, import_seconds, total - import_seconds, actuals)
