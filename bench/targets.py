"""Targets for every year of the data: for the whole organisation on every indicator, and per division on a
third of them (the divisions that measure it, and one that does not: "no data"). Set as HR sets them,
around the level the values have (here: the year's actual, ±8 %), so some are met, some missed, some
missed within an at-risk band; about a third of the organisation's targets are binding. Made with
`store.create_target` in one session.
"""
from __future__ import annotations

import random

from sqlmodel import Session

from kpi import store

from .catalogue import ACTOR, Spec, division_code
from .generate import Actual


def actual_of(spec: Spec, parts: list[Actual]) -> float | None:
    """What the app's rollup gives for these divisions' values (one level per subtree, so plain totals)."""
    parts = [part for part in parts if part.count]
    if not parts:
        return None
    rule = spec.rule
    if rule == "sum":
        return sum(p.total for p in parts)
    if rule == "ratio":
        denominator = sum(p.denominator for p in parts)
        return sum(p.numerator for p in parts) * spec.template.scale / denominator if denominator else None
    if rule == "weighted_mean":
        weight = sum(p.weight for p in parts)
        return sum(p.weighted for p in parts) / weight if weight else None
    if rule == "last":
        return sum(p.last for p in parts)
    return parts[0].single if len(parts) == 1 and parts[0].count == 1 else None  # not combinable


def _rounded(spec: Spec, x: float) -> float:
    t = spec.template
    x = round(x, t.decimals)
    if t.min_value is not None:
        x = max(t.min_value, x)
    if t.max_value is not None:
        x = min(t.max_value, x)
    return x


def target_fields(spec: Spec, actual: float, rng: random.Random) -> dict:
    t = spec.template
    d = rng.uniform(-0.08, 0.08)
    size = max(abs(actual), 1.0)
    if spec.rule == "none":
        fields = dict(comparator="ge", threshold=_rounded(spec, round(actual + rng.choice([-1, 0, 0, 1]))))
    elif t.comparator == "between":
        centre, half = actual + d * size, max(0.04 * size, 10 ** -t.decimals)
        fields = dict(comparator="between", threshold=_rounded(spec, centre - half),
                      threshold_upper=_rounded(spec, centre + half))
    elif t.comparator == "ge":
        fields = dict(comparator="ge", threshold=_rounded(spec, actual + d * size))
    else:
        fields = dict(comparator="le", threshold=_rounded(spec, actual - d * size))
    if rng.random() < 0.4:
        if rng.random() < 0.5:
            fields.update(band=max(round(0.05 * max(abs(fields["threshold"]), 1), t.decimals), 10 ** -t.decimals),
                          band_kind="abs")
        else:
            fields.update(band=5.0, band_kind="pct")
    return fields


def create_targets(session: Session, specs: list[Spec], years: tuple[int, ...], divisions: int,
                   actuals: dict[tuple[int, int, int], Actual], seed: int) -> int:
    made = 0
    for spec in specs:
        places: list[int | None] = [None]
        if spec.division_targets:
            uncovered = [d for d in range(divisions) if d not in spec.divisions]
            places += list(spec.divisions) + uncovered[:1]
        for year in years:
            whole = actual_of(spec, [actuals[k] for d in spec.divisions if (k := (spec.index, d, year)) in actuals])
            for place in places:
                rng = random.Random(f"{seed}:target:{spec.index}:{place}:{year}")
                if place is None:
                    actual = whole
                else:
                    part = actuals.get((spec.index, place, year))
                    actual = actual_of(spec, [part] if part else [])
                    if actual is None and whole is not None:  # a division without values: a share of the whole
                        actual = whole / len(spec.divisions) if spec.rule in ("sum", "last") else whole
                if actual is None:
                    actual = 3.0 if spec.rule == "none" else 1.0
                fields = target_fields(spec, actual, rng)
                binding = rng.random() < (0.3 if place is None else 0.15)
                unit = None if place is None else division_code(place)
                store.create_target(session, indicator=spec.code, org_unit=unit, period=str(year), binding=binding,
                                    rationale="bench", actor=ACTOR, **fields)
                made += 1
    return made
