"""The rollup of `rollup.py`, computed from per-cell sums instead of from every stored value.

The scorecard needs, for each target, one rolled-up figure per period of its trend. Reading every
stored value for that (millions of rows in a city) is what makes dashboards crawl. Instead the database
sums each cell, one indicator x one unit x one period of the trend ("bucket"), and this module combines
those sums over the unit tree with exactly the rules of `rollup.py`:

- a cell's sums stand for the unit's own values in the bucket, which `rollup._combine(over_time=True)`
  would combine; the counts tell whether a value, a weight or a ratio's part is missing, as the rule
  there would find;
- a unit with its own values uses them; otherwise its children's results are combined as
  `rollup._combine(over_time=False)` does.

A cell this cannot summarise faithfully (values of different period kinds or date ranges, where a
stored year must beat its own quarters, or a value missing but derivable from its parts) is marked
`None` by `cell_summary`; the caller loads that cell's stored values and runs `rollup.rollup` on them.
`tests/db/test_scorecard_equivalence.py` holds the two ways to the same answers.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, NamedTuple, Sequence

from .rollup import Rollup
from .vocabulary import Aggregation


class Summary(NamedTuple):
    """What the scorecard needs of a `Rollup`: its figures, how many stored values made it, and why not.
    (A tuple: tens of thousands are made per scorecard, and a tuple is the cheapest to make.)"""
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None
    count: int = 0                 # stored values combined (Rollup.parts)
    through: date | None = None    # Rollup.data_through
    problem: str | None = None     # RollupProblem.key


EMPTY = Summary(value=None)


class Cell(NamedTuple):
    """The database's sums over one unit's stored values of one indicator inside one bucket."""
    count: int
    count_value: int
    count_numerator: int
    count_denominator: int
    count_weight: int
    sum_value: float | None
    sum_numerator: float | None
    sum_denominator: float | None
    sum_weight: float | None
    sum_value_x_weight: float | None
    last_end: date
    kind_low: str
    kind_high: str
    last_value: float | None  # the value of the latest period (filled for last-value indicators only)


def from_rollup(result: Rollup) -> Summary:
    return Summary(result.value, result.numerator, result.denominator, result.weight, len(result.parts),
                   result.data_through, result.problem.key if result.problem else None)


def cell_summary(agg: Aggregation, cell: Cell, scale: float) -> Summary | None:
    """The unit's own values in the bucket combined over time, or None where only the values themselves
    can say (see the module docstring)."""
    (n, count_value, count_numerator, count_denominator, count_weight, sum_value, sum_numerator,
     sum_denominator, sum_weight, sum_value_x_weight, last_end, kind_low, kind_high, last_value) = cell
    if kind_low != kind_high or kind_low == "range":
        return None  # nested or overlapping periods: rollup._outermost decides which values count
    if n == 1:  # rollup._from_observation
        value = sum_value
        if value is None and sum_numerator is not None and sum_denominator:
            value = sum_numerator * scale / sum_denominator
        return Summary(value, sum_numerator, sum_denominator, sum_weight, 1, last_end)
    if agg is Aggregation.RATIO_OF_TOTALS:
        if count_numerator < n or count_denominator < n:
            return Summary(None, None, None, None, n, last_end, "missing_components")
        if sum_denominator == 0:
            return Summary(None, None, None, None, n, last_end, "zero_denominator")
        return Summary(sum_numerator * scale / sum_denominator, sum_numerator, sum_denominator, None, n, last_end)
    if agg is Aggregation.NOT_COMBINABLE:
        return Summary(None, None, None, None, n, last_end, "not_combinable")
    if count_value < n:
        # A value left empty may still follow from its parts (rollup._from_observation): let them say.
        return None if count_numerator else Summary(None, None, None, None, n, last_end, "missing_value")
    if agg is Aggregation.SUM:
        return Summary(sum_value, None, None, None, n, last_end)
    if agg is Aggregation.WEIGHTED_MEAN:
        if count_weight < n:
            return Summary(None, None, None, None, n, last_end, "missing_weight")
        if sum_weight == 0:
            return Summary(None, None, None, None, n, last_end, "zero_denominator")
        return Summary(sum_value_x_weight / sum_weight, None, None, sum_weight, n, last_end)
    return Summary(last_value, None, None, None, n, last_end)  # LAST_VALUE: the latest reading stands


def combine_units(agg: Aggregation, parts: Sequence[Summary], scale: float) -> Summary:
    """Child units' results combined, as rollup._combine(over_time=False): the same checks in the same
    order, the same sums in the same order (so the same floating-point result), in one pass."""
    if len(parts) == 1:
        return parts[0]
    count, through, problem = 0, None, None
    lacking_parts = lacking_value = lacking_weight = False
    numerator = denominator = total = total_weight = weighted = 0.0
    for value, part_numerator, part_denominator, weight, part_count, part_through, part_problem in parts:
        count += part_count
        if part_problem:
            problem = problem or part_problem
            continue
        if part_through is not None and (through is None or part_through > through):
            through = part_through
        if part_numerator is None or part_denominator is None:
            lacking_parts = True
        else:
            numerator += part_numerator
            denominator += part_denominator
        if value is None:
            lacking_value = True
            continue
        total += value
        if weight is None:
            lacking_weight = True
        else:
            total_weight += weight
            weighted += value * weight
    if problem:
        return Summary(None, None, None, None, count, None, problem)
    if agg is Aggregation.NOT_COMBINABLE:
        return Summary(None, None, None, None, count, through, "not_combinable")
    if agg is Aggregation.RATIO_OF_TOTALS:
        if lacking_parts:
            return Summary(None, None, None, None, count, through, "missing_components")
        if denominator == 0:
            return Summary(None, None, None, None, count, through, "zero_denominator")
        return Summary(numerator * scale / denominator, numerator, denominator, None, count, through)
    if lacking_value:
        return Summary(None, None, None, None, count, through, "missing_value")
    if agg is Aggregation.WEIGHTED_MEAN:
        if lacking_weight:
            return Summary(None, None, None, None, count, through, "missing_weight")
        if total_weight == 0:
            return Summary(None, None, None, None, count, through, "zero_denominator")
        return Summary(weighted / total_weight, None, None, total_weight, count, through)
    return Summary(total, None, None, None, count, through)  # SUM; LAST_VALUE adds units up


class TreeRollup:
    """One indicator's results for any unit and bucket, from its cells' summaries.

    `own[bucket][unit]` holds the summaries of units with stored values in that bucket. Only units with
    data somewhere below them are visited, so a whole-organisation figure costs what its data costs, not
    what the tree costs; results are remembered, so the targets of every division share the work.
    """

    def __init__(self, agg: Aggregation, scale: float, own: Mapping[int, Mapping[str, Summary]],
                 children_of: Mapping[str, Sequence[str]], parent_of: Mapping[str, str]):
        self.agg, self.scale, self.own, self.children_of = agg, scale, own, children_of
        self._with_data = {bucket: _with_ancestors(cells, parent_of) for bucket, cells in own.items()}
        self._done: dict[tuple[int, str], Summary] = {}
        self._deepest = len(parent_of) + 1  # no path in a tree is longer; a cycle stops there

    def value(self, unit: str, bucket: int) -> Summary:
        if unit not in self._with_data.get(bucket, ()):
            return EMPTY
        return self._compute(unit, bucket, self.own[bucket], self._with_data[bucket], 0)

    def _compute(self, unit: str, bucket: int, own: Mapping[str, Summary], with_data: set[str],
                 depth: int) -> Summary:
        found = own.get(unit)
        if found is not None:
            return found
        key = (bucket, unit)
        found = self._done.get(key)
        if found is not None:
            return found
        parts = []
        if depth < self._deepest:
            for child in self.children_of.get(unit, ()):
                if child in with_data:
                    result = self._compute(child, bucket, own, with_data, depth + 1)
                    if result.count:
                        parts.append(result)
        if not parts:
            found = EMPTY
        else:
            found = parts[0] if len(parts) == 1 else combine_units(self.agg, parts, self.scale)
        self._done[key] = found
        return found


def _with_ancestors(units: Mapping[str, Summary] | Sequence[str], parent_of: Mapping[str, str]) -> set[str]:
    found: set[str] = set()
    for unit in units:
        while unit is not None and unit not in found:
            found.add(unit)
            unit = parent_of.get(unit)
    return found
