"""The scorecard's fast path (cell sums from one SQL statement, rolled up the tree in Python) says what the
value-by-value rollup says, for every target, on both databases.

The reference is `kpi.features.judging.judge` over `store.load_observations`: the drill-down's way, which reads
every stored value. The data is random but seeded, and made to hit what the rules are about: a year stored
beside its own quarters, a date range, a parent unit with values of its own above children with values,
ratios given without their parts, missing weights and values, all-zero weights, last-value stocks.
"""
from __future__ import annotations

import random
from datetime import date

import pytest
import sqlalchemy as sa

from kpi import db, store
from kpi.domain.periods import Period, parse_period
from kpi.features.judging import WHOLE_ORGANISATION, judge, periods_back
from kpi.features.scorecard import TREND_LENGTH, build_scorecard

AS_OF = date(2026, 11, 23)
RULES = ["sum", "ratio", "weighted_mean", "last", "none"]
UNITS = {"A": None, "A1": "A", "A2": "A", "A2a": "A2", "A2b": "A2", "B": None, "B1": "B"}
YEARS = range(2019, 2023)


def _period_codes(rng: random.Random) -> list[str]:
    """The periods one unit has values for: mostly months or quarters, sometimes nested or a range."""
    kind = rng.choice(["month", "quarter", "quarter", "year", "mixed", "range"])
    codes = []
    for year in YEARS:
        if kind == "month":
            codes += [f"{year}-{m:02d}" for m in range(1, 13) if rng.random() < 0.8]
        elif kind == "quarter":
            codes += [f"{year}-Q{q}" for q in range(1, 5) if rng.random() < 0.8]
        elif kind == "year":
            codes.append(str(year))
        elif kind == "mixed":  # a year beside some of its own quarters: the year must win
            codes += [str(year)] + [f"{year}-Q{q}" for q in range(1, 5) if rng.random() < 0.5]
        else:
            codes += [f"{year}-01-01..{year}-06-30", f"{year}-03-01..{year}-04-30", f"{year}-07-01..{year}-12-31"]
    return codes


def _value_fields(rule: str, rng: random.Random) -> dict:
    if rule == "ratio":
        if rng.random() < 0.08:
            return {"value": rng.randint(40, 90)}  # a ratio without its parts: it cannot be combined
        responses = rng.randint(20, 300)
        return {"numerator": rng.randint(-responses // 4, responses), "denominator": responses}
    if rule == "weighted_mean":
        fields = {"value": round(rng.uniform(1, 5), 1)}
        if rng.random() > 0.08:
            fields["weight"] = rng.choice([0, rng.randint(1, 200)]) if rng.random() < 0.1 else rng.randint(1, 200)
        return fields
    return {"value": rng.randint(0, 500)}


def _fill(engine, seed: int) -> None:
    rng = random.Random(seed)
    with db.session_scope(engine) as session:
        for code, parent in UNITS.items():
            store.create_org_unit(session, code=code, name_fi=code, name_en=code, parent_code=parent, actor="test")
        for rule in RULES:
            code = f"i_{rule}"
            store.create_indicator(session, code=code, name_fi=code, name_en=code, direction="higher",
                                   aggregation=rule, scale=100 if rule == "ratio" else 1.0,
                                   decimals=rng.choice([0, 1]), actor="test")
            for unit in UNITS:
                if rng.random() < 0.3:
                    continue  # some units report nothing: their parent rolls up the others
                for period in _period_codes(rng):
                    if rule == "none" and rng.random() < 0.5:
                        continue
                    store.add_measurement(session, indicator=code, org_unit=unit, period=period, actor="test",
                                          **_value_fields(rule, rng))
            for unit in [None, *UNITS]:
                for year in YEARS:
                    store.create_target(session, indicator=code, org_unit=unit, period=str(year), comparator="ge",
                                        threshold=rng.choice([50, 100, 300, 3, 70]), band=rng.choice([None, 5]),
                                        binding=rng.random() < 0.5, actor="test")


def _expected(session, period: Period, row) -> tuple:
    """What the value-by-value rollup says of one scorecard row."""
    indicator = store.get_indicator(session, row.indicator)
    tree = store.load_unit_tree(session)
    children = dict(tree.children_of)
    children[WHOLE_ORGANISATION] = list(tree.roots)
    key = row.org_unit or WHOLE_ORGANISATION
    codes = tree.subtree(row.org_unit) if row.org_unit else list(tree.units)
    history = periods_back(period, TREND_LENGTH)
    observations = store.load_observations(session, indicator.id, codes, Period.range(history[0].start, period.end))
    target = store.get_target(session, row.target_id)[0]
    verdict = judge(indicator, observations, key, children, period, target, AS_OF)
    trend = tuple(judge(indicator, observations, key, children, p, None, AS_OF).result.value for p in history)
    evaluation = verdict.evaluation
    return (evaluation.actual, evaluation.status.value, evaluation.gap, len(verdict.result.parts),
            verdict.result.problem.key if verdict.result.problem else None,
            evaluation.data_through.isoformat() if evaluation.data_through else None, _rounded(trend))


def _rounded(values) -> tuple:
    # The database adds in its own order: the last bits of a float sum may differ, nothing a person sees.
    return tuple(None if v is None else round(v, 9) for v in values)


PERIODS = [("2021", None), ("2022", None), ("2021-Q2", None), ("2020-03", None), ("2022", "A2")]


def _assert_agrees(engine, periods=PERIODS) -> set[str]:
    """Every scorecard row of `periods` equals the value-by-value rollup; returns the statuses seen."""
    statuses = set()
    for text, unit in periods:
        period = parse_period(text)
        with db.session_scope(engine) as session:
            rows = build_scorecard(session, period, unit_code=unit, as_of=AS_OF)
            assert rows, text
            for row in rows:
                got = (row.actual, row.status, row.gap, row.values_combined, row.problem, row.data_through,
                       _rounded(row.trend))
                assert got == _expected(session, period, row), (text, row.indicator, row.org_unit)
                statuses.add(row.status)
    return statuses


def _cells_current(engine) -> bool:
    with db.session_scope(engine) as session:
        return store.cells_are_current(session)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_scorecard_agrees_with_the_value_by_value_rollup(migrated_engine, seed):
    _fill(migrated_engine, seed)
    assert _cells_current(migrated_engine)  # so the years below were read from the kept year cells
    statuses = _assert_agrees(migrated_engine)
    assert {"met", "not_met", "no_data"} <= statuses  # the data reached every outcome worth comparing


def test_the_year_cells_follow_every_kind_of_write(migrated_engine):
    _fill(migrated_engine, 4)
    with db.session_scope(migrated_engine) as session:
        [(edited, edited_unit), *_] = store.measurements_in(session, store.get_indicator(session, "i_sum").id,
                                                            list(UNITS), parse_period("2021"))
    with db.session_scope(migrated_engine) as session:  # an edit, a new value and a deletion
        store.save_measurement(session, indicator="i_sum", org_unit=edited_unit, period=edited.period,
                               value=4321, replace=True, actor="test")
        store.save_measurement(session, indicator="i_sum", org_unit="B1", period="2022-11", value=777,
                               replace=True, actor="test")
    with db.session_scope(migrated_engine) as session:
        [(gone, _), *_] = store.measurements_in(session, store.get_indicator(session, "i_ratio").id,
                                                list(UNITS), parse_period("2022"))
        store.delete_measurement(session, measurement_id=gone.id, expected_version=gone.version, actor="test",
                                 reason="wrong file")
    with db.session_scope(migrated_engine) as session:  # the rule changes: last-value keeps latest readings
        store.update_indicator(session, code="i_sum", aggregation="last", actor="test")
    assert _cells_current(migrated_engine)
    _assert_agrees(migrated_engine)
    with pytest.raises(RuntimeError), db.session_scope(migrated_engine) as session:
        store.save_measurement(session, indicator="i_sum", org_unit="B1", period="2022-10", value=1,
                               replace=True, actor="test")
        raise RuntimeError("the action fails after the write: nothing of it may stay")
    assert _cells_current(migrated_engine)
    _assert_agrees(migrated_engine)


def test_a_write_that_bypassed_the_app_is_read_from_the_values_until_the_next_write(migrated_engine):
    _fill(migrated_engine, 5)
    with db.session_scope(migrated_engine) as session:
        indicator, unit = store.get_indicator(session, "i_sum").id, store.get_unit(session, "B1").id
    with migrated_engine.begin() as conn:  # a manual fix in SQL, with its history row as the app would write
        conn.execute(sa.text("DELETE FROM measurement WHERE indicator_id = :i AND org_unit_id = :u"),
                     {"i": indicator, "u": unit})
        conn.execute(sa.text("INSERT INTO measurement_change (indicator_id, org_unit_id, period, action, changed_by,"
                             " changed_at, reason, old_values, new_values) VALUES (:i, :u, '2022', 'delete', 'dba',"
                             " CURRENT_TIMESTAMP, 'manual fix', '', '')"), {"i": indicator, "u": unit})
    assert not _cells_current(migrated_engine)
    _assert_agrees(migrated_engine)  # summed from the values: B1's deleted values count nowhere
    with db.session_scope(migrated_engine) as session:
        store.save_measurement(session, indicator="i_none", org_unit="A1", period="2019-05", value=3,
                               replace=True, actor="test")
    assert _cells_current(migrated_engine)  # the next write rebuilt every cell
    _assert_agrees(migrated_engine)


def test_a_stored_year_beats_its_own_quarters_and_a_parent_beats_its_children(migrated_engine):
    with db.session_scope(migrated_engine) as session:
        for code, parent in UNITS.items():
            store.create_org_unit(session, code=code, name_fi=code, name_en=code, parent_code=parent, actor="test")
        store.create_indicator(session, code="count", name_fi="c", name_en="c", direction="higher",
                               aggregation="sum", actor="test")
        store.add_measurement(session, indicator="count", org_unit="A2", period="2021", value=100, actor="test")
        for q in range(1, 5):
            store.add_measurement(session, indicator="count", org_unit="A2", period=f"2021-Q{q}", value=1,
                                  actor="test")
            store.add_measurement(session, indicator="count", org_unit="A2a", period=f"2021-Q{q}", value=10,
                                  actor="test")
        store.add_measurement(session, indicator="count", org_unit="A1", period="2021-Q1", value=5, actor="test")
        for unit in (None, "A", "A2", "A2a"):
            store.create_target(session, indicator="count", org_unit=unit, period="2021", comparator="ge",
                                threshold=50, actor="test")
    with db.session_scope(migrated_engine) as session:
        rows = {row.org_unit: row for row in build_scorecard(session, parse_period("2021"), as_of=AS_OF)}
    assert rows["A2"].actual == 100 and rows["A2"].values_combined == 1  # the year, not 100 + 4 quarters
    assert rows["A2a"].actual == 40
    assert rows["A"].actual == 105 and rows[None].actual == 105  # A2's own year wins over A2a below it
