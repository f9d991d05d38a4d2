"""The import reads, checks and writes a chunk of rows at a time, by faster means than the row-at-a-time
code it replaced. These pin that the fast ways give exactly what the plain ways give: the same rows and
problems from a file read in chunks (from bytes or from disk) as read whole, the same plan from the
streaming check as from `check_rows` + `classify`, the history's JSON as `store.measurement_snapshot`
writes it, and the same duplicates found in chunks as in one pass."""
import csv
import io
import math
import random
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import store
from kpi.importing import sqlite_writer
from kpi.importing import stream as stream_module
from kpi.importing.bulk import Stored, Writer, snapshot
from kpi.importing.checker import Catalogue, Checker, FirstRows
from kpi.importing.plan import _sample, check_rows, classify
from kpi.importing.problems import Problem
from kpi.importing.reader import open_table, read_table
from kpi.importing.stream import StreamCheck
from kpi.models import Indicator, OrgUnit


def problems(found: list[Problem]) -> list[tuple]:
    return [(p.row, p.field, p.header, p.value, p.key, p.params) for p in found]


# --- reading in chunks -----------------------------------------------------------------------------

PIECES = st.sampled_from([
    "mittari", "yksikkö", "jakso", "arvo", "osoittaja", "nimittäjä", "kommentti", "indicator", "org_unit", "period",
    "value", "x", "", " ", "sep=;", "sep=,", "nps", "TTH", "2021", "1 234,5", '"', '"a;b"', "\ufeff", "\x00", "ä",
    ";", ",", "\t", "\n", "\r", "\r\n", "\n\n", "\x0b", "\u2028"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       st.integers(1, 4))
def test_a_file_read_in_chunks_from_bytes_or_from_disk_gives_what_reading_it_whole_gives(tmp_path_factory, parts,
                                                                                          encoding, size):
    text = "".join(parts)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    whole = read_table(data, "a.csv")
    path = tmp_path_factory.mktemp("file") / "a.csv"
    path.write_bytes(data)
    for source in (data, path):
        stream = open_table(source, "a.csv")
        rows = [row for chunk in stream.chunks(size) for row in chunk]
        table = stream.table
        assert rows == whole.rows
        assert problems(table.problems) == problems(whole.problems)
        assert (table.encoding, table.separator, table.columns, table.ignored) == (
            whole.encoding, whole.separator, whole.columns, whole.ignored)


def test_a_file_on_disk_is_read_as_its_bytes_are(tmp_path):
    """Excel's sep= line and the empty lines after it are not rows: the header is row 1 (as before)."""
    text = "sep=;\n\n Mittari ; YKSIKKÖ ;Jakso; Arvo \n nps ; TTH ;2021-Q1; 61,5 \n;;;\nnps;TTH;2021-Q2;1;x\n"
    for encoding in ("utf-8-sig", "cp1252", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        for source in (path.read_bytes(), path):
            table = read_table(source, "a.csv")
            assert table.rows == [(2, ("nps", "TTH", "2021-Q1", "61,5", None, None, None, None))]
            assert [(p.row, p.key) for p in table.problems] == [(4, "import.problems.extra_cells")]


# --- the history's snapshot ------------------------------------------------------------------------

NUMBERS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
                    st.sampled_from([0.0, -0.0, 61.0, 1e16, 1e-7, 0.1 + 0.2, 759 * 100 / 1100]))
TEXTS = st.one_of(st.text(max_size=20), st.sampled_from(["", "a\"b\\c", "ä\u2028\x00\x1f", "'; DROP"]))


@settings(max_examples=500, deadline=None)
@given(NUMBERS, NUMBERS, NUMBERS, NUMBERS, TEXTS, TEXTS, TEXTS, st.booleans())
def test_the_history_snapshot_is_the_stores_snapshot_character_for_character(value, numerator, denominator, weight,
                                                                              comment, source, label, synthetic):
    fields = dict(value=value, numerator=numerator, denominator=denominator, weight=weight, comment=comment,
                  source=source, period_label=label, synthetic=synthetic)
    assert snapshot(**fields) == store.measurement_snapshot(SimpleNamespace(**fields))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(NUMBERS, NUMBERS, NUMBERS, NUMBERS, st.one_of(st.none(), TEXTS)), min_size=1, max_size=6),
       TEXTS)
def test_a_chunks_new_snapshots_are_the_stores(rows, source):
    writer = Writer.__new__(Writer)  # only the source matters here
    writer.source = source
    checked = [(1, None, None, None, value, numerator, denominator, weight, comment, "", "", 0)
               for value, numerator, denominator, weight, comment in rows]
    expected = [store.measurement_snapshot(SimpleNamespace(
        value=value, numerator=numerator, denominator=denominator, weight=weight, comment=comment or "",
        source=source, period_label="", synthetic=False)) for value, numerator, denominator, weight, comment in rows]
    assert writer.new_snapshots(checked) == expected


# --- duplicates across chunks ----------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=120), st.integers(1, 25))
def test_the_same_key_twice_is_found_across_chunks_with_its_first_row(keys, size):
    seen, first_rows, found = FirstRows(), {}, []
    rows = [(number, None, None, None, 0, 0, 0, 0, None, "", "p", key) for number, key in enumerate(keys, start=2)]
    for start in range(0, len(rows), size):
        kept, repeated = seen.keep_first(rows[start:start + size], {"period": "jakso"})
        found += [(p.row, p.params["first"]) for p in repeated]
        assert list(seen.kept_keys) == [row[-1] for row in kept]
    for number, key in enumerate(keys, start=2):
        first_rows.setdefault(key, number)
    assert found == [(number, first_rows[key]) for number, key in enumerate(keys, start=2)
                     if first_rows[key] != number]


# --- the streaming check against the whole-file check ------------------------------------------------

def catalogue() -> Catalogue:
    nps = Indicator(id=1, code="nps", name_fi="NPS", name_en="Net Promoter Score", direction="higher",
                    aggregation="ratio", scale=100, min_value=-100, max_value=100)
    days = Indicator(id=2, code="sick_days", name_fi="Sairauspäivät", name_en="Sick days", direction="lower",
                     aggregation="ratio", min_value=0, decimals=1)
    count = Indicator(id=3, code="count", name_fi="Määrä", name_en="Count", direction="higher", aggregation="sum",
                      min_value=0)
    units = [OrgUnit(id=1, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health"),
             OrgUnit(id=2, code="HALL", name_fi="Hallinto", name_en="Administration"),
             OrgUnit(id=7, code="ITA", name_fi="Itä", name_en="East")]
    return Catalogue.build([nps, days, count], units)


STORED = {
    (1, 1, "2021"): Stored(9, 1, 1, 1, "2021", 61.0, 488.0, 800.0, None, "Q", "a.csv", "", False),
    (3, 2, "2021-03"): Stored(10, 3, 3, 2, "2021-03", 5.0, None, None, None, "", "", "", True),
    (3, 7, "2021-Q1"): Stored(11, 2, 3, 7, "2021-Q1", 7.0, None, None, None, "x", "", "label", False),
}

CELLS = st.tuples(
    st.sampled_from(["nps", "NPS", "Sick days", "count", "Määrä", "nsp", "", " count "]),
    st.sampled_from(["TTH", "HALL", "Itä", "ITA", "XYZ", ""]),
    st.sampled_from(["2021", "2021-03", "3/2021", "2021-Q1", "Q1/2021", "2021-Q5", "x", "", "2021-01-01..2021-06-30"]),
    st.sampled_from(["5", "7", "61", "1 234,5", "-3", "101", "", "abc", "61,0", "5e0", "inf"]),
    st.sampled_from(["", "488", "5", "0", "x"]),
    st.sampled_from(["", "800", "10", "0"]),
    st.sampled_from(["", "Q", "uusi", "a\x00b"]),
)


ROWS = st.one_of(CELLS, st.sampled_from([  # rows naming the stored values: the same, or changing them
    ("nps", "TTH", "2021", "", "488", "800", ""), ("NPS", "TTH", "2021", "61", "488", "800", "Q"),
    ("nps", "TTH", "2021", "", "489", "800", ""), ("count", "HALL", "3/2021", "5", "", "", ""),
    ("count", "HALL", "2021-03", "5", "", "", "toinen"), ("count", "ITA", "Q1/2021", "7", "", "", ""),
    ("count", "Itä", "2021-Q1", "8", "", "", "x")]))


def file_text(rows, extra) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["mittari", "yksikkö", "jakso", "arvo", "osoittaja", "nimittäjä", "kommentti"])
    for index, cells in enumerate(rows):
        if index in extra:
            writer.writerow([*cells, "", "ylimääräinen"] if index % 2 else [])
        writer.writerow(cells)
    return out.getvalue()


def streamed(data: bytes, replace: bool, size: int, monkeypatch, may_edit=None):
    asked = []

    def pairs_with_values(_session, pairs):
        asked.extend(pairs)
        return {(i, u) for i, u, _p in STORED if (i, u) in pairs}

    def stored_values(_session, keys):
        return {key: STORED[key] for key in keys if key in STORED}

    monkeypatch.setattr(stream_module, "pairs_with_values", pairs_with_values)
    monkeypatch.setattr(stream_module, "stored_values", stored_values)
    check = StreamCheck(None, open_table(data, "a.csv"), replace=replace, may_edit_unit=may_edit,
                        catalogue=catalogue())
    written = []
    for part in check.parts(size):
        written += [("new", row[0]) for row in part.new]
        written += [("change", row[0], stored.id) for row, stored in part.changed]
    assert len(asked) == len(set(asked))  # each pair asked about once
    return check, written


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ROWS, max_size=25), st.sets(st.integers(0, 25), max_size=3), st.booleans(), st.integers(1, 9))
def test_the_streaming_check_makes_the_plan_the_whole_file_check_makes(monkeypatch, rows, extra, replace, size):
    data = file_text(rows, extra).encode()
    whole = classify(check_rows(read_table(data, "a.csv"), catalogue()), STORED, replace=replace)
    check, written = streamed(data, replace, size, monkeypatch)
    stream = check.plan
    assert stream.counts == whole.counts
    assert problems(stream.problems) == problems(whole.problems)
    assert stream.sample_rows() == _sample(whole.rows)
    assert sorted(written, key=lambda entry: entry[1]) == [  # a chunk's new rows are written before its changes
        ("new", row.number) if row.action == "new" else ("change", row.number, row.existing.id)
        for row in whole.to_write()]
    assert check.clean == whole.ok


def test_units_outside_the_persons_scope_are_collected_from_the_rows_understood(monkeypatch):
    text = ("mittari;yksikkö;jakso;arvo\ncount;TTH;2022;1\ncount;HALL;2022;1\ncount;ITA;2022;x\n"
            "count;ITA;2021-Q1;9\ncount;Itä;2023;2\n")
    check, _written = streamed(text.encode(), False, 2, monkeypatch, may_edit=lambda unit_id: unit_id == 1)
    # ITA's 2021-Q1 would change a stored value (a problem, not a row understood); its 2023 row counts.
    assert [p.value for p in check.scope_problems()] == ["HALL", "ITA"]
    assert not check.clean


def test_problems_beyond_the_limit_are_counted_not_kept(monkeypatch):
    monkeypatch.setattr(stream_module, "MAX_PROBLEMS", 3)
    text = "mittari;yksikkö;jakso;arvo\n" + "".join(f"count;TTH;2021-{month:02d};x\n" for month in range(1, 13)) + \
        "nsp;XYZ;x;1\n"
    check, _written = streamed(text.encode(), False, 5, monkeypatch)
    assert [p.row for p in check.plan.problems] == [2, 3, 4]
    assert check.plan.counts["error"] == 13 and check.plan.counts["total"] == 13


def test_a_row_checked_by_lookups_is_the_row_the_store_rules_give():
    """Every row of a big random file: the fast path (cached numbers and check_value verdicts) against
    `_check_row` alone, row by row."""
    random.seed(7)
    rows = [(random.choice(["nps", "count", "Sick days"]), random.choice(["TTH", "HALL", "Itä"]),
             random.choice(["2021", "2021-03", "Q2/2021"]), random.choice(["", "5", "61,5", "99", "1 200", "-0"]),
             random.choice(["", "488", "3"]), random.choice(["", "800", "4"]), random.choice(["", "k"]))
            for _ in range(3000)]
    table = read_table(file_text(rows, set()).encode(), "a.csv")
    fast = Checker(table, catalogue())
    good, found = fast.rows(table.rows)
    slow_good, slow_found = [], []
    slow = Checker(table, catalogue())
    for number, cells in table.rows:
        slow._slow(number, cells, slow_good, slow_found)
    assert problems(found) == problems(slow_found)
    assert [(r[0], r[1].id, r[2].id, r[3].code, *r[4:11]) for r in good] == \
        [(r[0], r[1].id, r[2].id, r[3].code, *r[4:11]) for r in slow_good]
    for row in good:
        if row[4] is not None:
            assert math.isfinite(row[4])


def test_the_writers_pick_only_what_differs_between_rows():
    """SQLite statements: one per pattern of empty fields; what rows share is bound once, before the rows'
    own values, and no text of the file or the actor is in the statement."""
    assert sqlite_writer._statement("t", ("a", "b", "c"), ("v.column1", "s.actor", "NULL"), 1, 2) == (
        "WITH s(actor, at, source, import_id) AS (SELECT ?, ?, ?, ?) INSERT INTO t (a, b, c) "
        "SELECT v.column1, s.actor, NULL FROM s CROSS JOIN (VALUES (?), (?)) AS v")


@pytest.mark.parametrize("fields", [
    dict(value=1e308 * 10, numerator=None, denominator=None, weight=None),   # inf from the parts
    dict(value=float("nan"), numerator=1.0, denominator=2.0, weight=0.5),
])
def test_numbers_json_cannot_write_are_written_as_json_dumps_writes_them(fields):
    full = dict(fields, comment="", source="a.csv", period_label="", synthetic=False)
    assert snapshot(**full) == store.measurement_snapshot(SimpleNamespace(**full))
