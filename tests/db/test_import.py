"""File import on SQLite and PostgreSQL: all or nothing, every attempt logged, history kept."""
import hashlib
import io
import json
from dataclasses import replace as copy_with

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.domain.periods import parse_period
from kpi.importing import preview, run_import
from kpi.importing import stream as stream_module
from kpi.models import ImportLog, Measurement, MeasurementChange

HEADER = "mittari;yksikkö;jakso;arvo;osoittaja;nimittäjä;kommentti\n"


@pytest.fixture
def engine(migrated_engine):
    """Two units, NPS (a ratio, -100..100) and referrals (a count), and one stored NPS quarter."""
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health", actor="test")
        store.create_org_unit(session, code="TE-ITA", name_fi="Itäinen alue", name_en="Eastern region", actor="test")
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", scale=100, min_value=-100, max_value=100, actor="test")
        store.create_indicator(session, code="referrals", name_fi="Ohjatut", name_en="Referrals", direction="higher",
                               aggregation="sum", min_value=0, actor="test")
        store.add_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=488,
                              denominator=800, actor="hr", comment="Q1")
    return migrated_engine


def opener(engine):
    return lambda: db.session_scope(engine)


def counts(engine) -> tuple[int, int]:
    with db.session_scope(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Measurement, MeasurementChange))


def import_log(engine) -> list[ImportLog]:
    with db.session_scope(engine) as session:
        return store.list_imports(session)


def do_import(engine, text, *, replace=False, name="arvot.csv", encoding="utf-8", **extra):
    data = text.encode(encoding) if isinstance(text, str) else text
    return run_import(opener(engine), data, name, actor="hr:maija", replace=replace, max_bytes=10_000_000, **extra)


BROKEN = [
    # (what is wrong, file body after the header, row, reason key)
    ("unknown indicator code", "nsp;TTH;2021;5;;;\n", 3, "errors.unknown_indicator"),
    ("bad period", "referrals;TTH;2021-Q5;5;;;\n", 3, "errors.bad_period"),
    ("value out of range", "nps;TTH;2021-Q2;101;;;\n", 3, "errors.outside_valid_range"),
    ("negative count", "referrals;Itäinen alue;2021;-1;;;\n", 3, "errors.outside_valid_range"),
    ("duplicate row", "referrals;TTH;2021-Q3;5;;;\n", 3, "import.problems.duplicate_row"),
    ("a row changing a stored value without replace", "nps;TTH;Q1/2020;;490;800;\n", 3,
     "import.problems.would_change"),
    ("a comment longer than the store keeps", "referrals;TTH;2021-Q2;5;;;" + "x" * 2_001 + "\n", 3,
     "errors.too_long"),
]


@pytest.mark.parametrize("case,body,row,key", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_writes_nothing_and_logs_a_refused_import(engine, case, body, row, key):
    text = HEADER + "referrals;TTH;2021-Q3;7;;;hyvä\n" + body
    before = counts(engine)
    outcome = do_import(engine, text)
    assert outcome.status == "refused"
    assert [(p.row, p.key) for p in outcome.problems] == [(row, key)]
    assert counts(engine) == before
    [entry] = import_log(engine)
    assert (entry.status, entry.file_name, entry.imported_by) == ("refused", "arvot.csv", "hr:maija")
    assert entry.checksum == hashlib.sha256(text.encode()).hexdigest()
    assert (entry.rows_total, entry.rows_new, entry.rows_error) == (2, 1, 1)


def test_a_comment_as_long_as_the_store_keeps_imports_whole(engine):
    outcome = do_import(engine, HEADER + "referrals;TTH;2021-Q2;5;;;" + "x" * 2_000 + "\n")
    assert outcome.status == "applied"
    with db.session_scope(engine) as session:
        [(stored, unit)] = store.measurements_in(session, store.get_indicator(session, "referrals").id, ["TTH"],
                                                 parse_period("2021-Q2"))
        assert (unit, stored.comment) == ("TTH", "x" * 2_000)


def test_a_file_missing_a_column_writes_nothing_and_logs_a_refused_import(engine):
    before = counts(engine)
    outcome = do_import(engine, "mittari;jakso;arvo\nreferrals;2021;5\n")
    assert outcome.status == "refused" and [p.key for p in outcome.problems] == ["import.problems.missing_column"]
    assert outcome.problems[0].field == "org_unit"
    assert counts(engine) == before and import_log(engine)[0].status == "refused"


def test_a_clean_file_adds_its_rows_with_history_and_logs_an_applied_import(engine):
    text = (HEADER + "referrals;Itäinen alue;2021-01;1 204;;;tammikuu\n"
            "referrals;TE-ITA;2021-02;17;;;\n"
            "NPS;TTH;Q2/2020;;759;1100;\n"
            "nps;TTH;2020-Q1;61;488;800;\n")   # the stored Q1 exactly: unchanged
    data = text.encode("cp1252")
    before = counts(engine)
    outcome = do_import(engine, data)
    assert outcome.status == "applied", [p.line("en") for p in outcome.problems]
    assert outcome.counts == {"total": 4, "new": 3, "changed": 0, "unchanged": 1, "error": 0}
    assert counts(engine) == (before[0] + 3, before[1] + 3)
    [entry] = import_log(engine)
    assert (entry.status, entry.rows_total, entry.rows_new, entry.rows_changed, entry.rows_unchanged,
            entry.rows_error, entry.replace) == ("applied", 4, 3, 0, 1, 0, False)
    assert entry.checksum == hashlib.sha256(data).hexdigest() and entry.id == outcome.import_id
    with db.session_scope(engine) as session:
        nps = store.get_indicator(session, "nps")
        changes = session.exec(select(MeasurementChange).where(MeasurementChange.import_id == entry.id)).all()
        assert {(c.period, c.action, c.changed_by) for c in changes} == {
            ("2021-01", "create", "hr:maija"), ("2021-02", "create", "hr:maija"), ("2020-Q2", "create", "hr:maija")}
        for change in changes:
            measurement = session.get(Measurement, change.measurement_id)
            assert change.new_values == store.measurement_snapshot(measurement)  # the store's own snapshot
        q2 = next(m for m, _ in store.measurements_in(session, nps.id, ["TTH"], parse_period("2020-Q2")))
        assert (round(q2.value, 2), q2.numerator, q2.denominator, q2.created_by) == (69, 759, 1100, "hr:maija")
        january = session.exec(select(Measurement).where(Measurement.period == "2021-01")).one()
        assert (january.value, january.comment, january.source) == (1204, "tammikuu", "arvot.csv")


def test_replace_changes_stored_values_and_the_history_shows_old_and_new(engine):
    outcome = do_import(engine, HEADER + "nps;TTH;2020-Q1;;504;800;korjattu\n", replace=True)
    assert outcome.status == "applied" and outcome.counts["changed"] == 1
    with db.session_scope(engine) as session:
        nps = store.get_indicator(session, "nps")
        history = store.list_measurement_changes(session, indicator_id=nps.id, period="2020-Q1")
        assert [change.action for change in history] == ["create", "update"]
        old, new = json.loads(history[1].old_values), json.loads(history[1].new_values)
        assert (old["value"], old["numerator"], old["comment"]) == (61, 488, "Q1")
        assert (new["value"], new["numerator"], new["comment"]) == (63, 504, "korjattu")
        assert history[1].import_id == outcome.import_id and history[1].changed_by == "hr:maija"
        stored = session.exec(select(Measurement).where(Measurement.period == "2020-Q1")).one()
        assert (stored.value, stored.version) == (63, 2)
    assert import_log(engine)[0].replace is True


def test_the_same_file_twice_changes_nothing_the_second_time(engine):
    text = HEADER + "referrals;TTH;2021;5;;;\n"
    assert do_import(engine, text).status == "applied"
    before = counts(engine)
    again = do_import(engine, text)
    assert again.status == "applied" and again.counts == {"total": 1, "new": 0, "changed": 0, "unchanged": 1,
                                                          "error": 0}
    assert counts(engine) == before and len(import_log(engine)) == 2


def test_an_xlsx_file_imports(engine):
    book = openpyxl.Workbook()
    book.active.append(["Indicator", "Org unit", "Period", "Value"])
    book.active.append(["Ohjatut", "Eastern region", 2021, 12])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = do_import(engine, buffer.getvalue(), name="arvot.xlsx")
    assert outcome.status == "applied" and outcome.counts["new"] == 1


def test_the_preview_writes_nothing_and_logs_nothing(engine):
    before = counts(engine)
    outcome = preview(opener(engine), (HEADER + "referrals;TTH;2021;5;;;\n").encode(), "a.csv", replace=False,
                      max_bytes=None)
    assert outcome.status == "preview" and outcome.counts["new"] == 1
    assert [(s.indicator, s.org_unit, s.period, s.value, s.action) for s in outcome.sample] == [
        ("referrals", "TTH", "2021", 5, "new")]
    assert counts(engine) == before and import_log(engine) == []


def test_data_changed_since_the_preview_refuses_the_import(engine):
    text = HEADER + "referrals;TTH;2021;5;;;\n"
    seen = preview(opener(engine), text.encode(), "a.csv", replace=True, max_bytes=None).counts
    with db.session_scope(engine) as session:  # someone else stores the same value meanwhile
        store.add_measurement(session, indicator="referrals", org_unit="TTH", period="2021", value=4, actor="other")
    before = counts(engine)
    outcome = do_import(engine, text, replace=True, expected=seen)
    assert outcome.status == "refused" and outcome.problems[0].key == "import.problems.changed_since_preview"
    assert counts(engine) == before


def test_a_failure_part_way_through_the_write_rolls_every_row_back(engine, monkeypatch):
    """A value saved by someone else between the check and the write: the unique key stops the write."""
    monkeypatch.setattr(stream_module, "stored_values", lambda session, rows: {})  # the check does not see it
    text = HEADER + "".join(f"referrals;TTH;2021-{month:02d};{month};;;\n" for month in range(1, 13)) + \
        "nps;TTH;2020-Q1;;488;800;\n"
    before = counts(engine)
    outcome = do_import(engine, text)
    assert outcome.status == "refused" and outcome.problems[-1].key == "import.problems.conflict"
    assert counts(engine) == before
    assert import_log(engine)[0].status == "refused"


def test_a_value_changed_between_the_check_and_the_write_refuses_the_whole_import(engine, monkeypatch):
    """Optimistic locking as in the store: the update names the version the check saw."""
    real = stream_module.stored_values

    def seen_an_older_version(session, rows):
        return {key: copy_with(stored, version=stored.version + 5) for key, stored in real(session, rows).items()}

    monkeypatch.setattr(stream_module, "stored_values", seen_an_older_version)
    before = counts(engine)
    outcome = do_import(engine, HEADER + "referrals;TTH;2021;5;;;\nnps;TTH;2020-Q1;;504;800;\n", replace=True)
    assert outcome.status == "refused" and outcome.problems[-1].key == "import.problems.conflict"
    assert counts(engine) == before
    with db.session_scope(engine) as session:
        assert session.exec(select(Measurement.value).where(Measurement.period == "2020-Q1")).one() == 61


def test_the_import_writes_the_same_history_row_the_store_writes(engine):
    """The bulk path against store.save_measurement: same columns filled, same snapshot."""
    do_import(engine, HEADER + "referrals;TTH;2021;5;;;viisi\n")
    with db.session_scope(engine) as session:
        store.save_measurement(session, indicator="referrals", org_unit="TTH", period="2022", value=5,
                               comment="viisi", source="arvot.csv", actor="hr:maija", reason="arvot.csv")
    with db.session_scope(engine) as session:
        imported, saved = session.exec(select(MeasurementChange).where(MeasurementChange.period.in_(["2021", "2022"]))
                                       .order_by(MeasurementChange.period)).all()
        a, b = imported.model_dump(), saved.model_dump()
        for name in ("id", "measurement_id", "period", "changed_at", "import_id"):
            a.pop(name), b.pop(name)
        assert a == b
        assert imported.import_id is not None and saved.import_id is None
        values = session.exec(select(Measurement).where(Measurement.period.in_(["2021", "2022"]))
                              .order_by(Measurement.period)).all()
        dumped = [m.model_dump(exclude={"id", "period", "period_start", "period_end", "created_at", "updated_at"})
                  for m in values]
        assert dumped[0] == dumped[1]


def test_a_file_over_the_size_limit_is_refused_with_its_size(engine):
    outcome = run_import(opener(engine), b"x" * 3_000_000, "iso.csv", actor="hr", replace=False,
                         max_bytes=2 * 1024 * 1024)
    assert outcome.status == "refused" and outcome.problems[0].key == "import.problems.too_big"
    assert "2,9 Mt" in outcome.problems[0].reason("fi")


def test_a_large_file_imports_in_chunks(engine):
    rows = "".join(f"referrals;{unit};{year}-{month:02d};{year + month};;;\n"
                   for unit in ("TTH", "TE-ITA") for year in range(2000, 2025) for month in range(1, 13))
    seen = []
    outcome = do_import(engine, HEADER + rows, progress=lambda fraction, stage: seen.append(stage))
    assert outcome.status == "applied" and outcome.counts["new"] == 600
    assert "checking" in seen and "writing" in seen
    with db.session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(MeasurementChange)
                            .where(MeasurementChange.import_id == outcome.import_id)).one() == 600


CELLS = st.tuples(
    st.sampled_from(["referrals", "nps", "Ohjatut", "nsp", "", "NPS"]),
    st.sampled_from(["TTH", "TE-ITA", "Itäinen alue", "XYZ", ""]),
    st.sampled_from(["2021", "2021-Q1", "Q2/2021", "3/2021", "2021-Q5", "14.6.2021", "2020-Q1", "x"]),
    st.one_of(st.sampled_from(["5", "1 234,5", "-3", "101", "", "abc", "61"]), st.text(max_size=8)),
)


GOOD = st.tuples(st.sampled_from(["referrals", "Ohjatut"]), st.sampled_from(["TTH", "TE-ITA", "Itäinen alue"]),
                 st.builds(lambda year, month: f"{year}-{month:02d}", st.integers(2015, 2024), st.integers(1, 12)),
                 st.sampled_from(["5", "1 234,5", "17", "0"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(st.one_of(GOOD, CELLS), min_size=1, max_size=8),
       st.one_of(st.just(b""), st.binary(max_size=60)), st.booleans())
def test_random_files_never_leave_a_partial_write(engine, rows, tail, replace):
    text = "mittari;yksikkö;jakso;arvo\n" + "".join(";".join(cells).replace("\n", " ") + "\n" for cells in rows)
    data = text.encode("utf-8", "replace") + tail
    before = counts(engine)
    outcome = run_import(opener(engine), data, "satunnainen.csv", actor="hypothesis", replace=replace,
                         max_bytes=None)
    after = counts(engine)
    event(outcome.status)  # --hypothesis-show-statistics: both kinds occur
    if outcome.status == "applied":
        assert after[0] == before[0] + outcome.counts["new"]
        assert after[1] == before[1] + outcome.counts["new"] + outcome.counts["changed"]
    else:
        assert outcome.status == "refused" and outcome.problems and after == before
    assert import_log(engine)[0].status == outcome.status
