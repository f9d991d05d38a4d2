"""A big file is checked and written a chunk at a time, in one transaction, on SQLite and PostgreSQL.
These run files of a few chunks (the chunk made tiny): whatever goes wrong in a later chunk, nothing of
the earlier chunks stays written, the counts and the problems still cover the whole file, and a file
read from disk imports exactly as its bytes do."""
import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from kpi import db, store
from kpi.access import access_log, actor_for, add_person
from kpi.importing import preview, run_import, run_import_file, sqlite_writer
from kpi.importing import stream as stream_module
from kpi.models import ImportLog, Measurement, MeasurementChange

HEADER = "mittari;yksikkö;jakso;arvo;osoittaja;nimittäjä;kommentti\n"


@pytest.fixture
def engine(migrated_engine, monkeypatch):
    """Two units, NPS and a count, one stored NPS quarter; chunks of 7 rows."""
    monkeypatch.setattr(stream_module, "CHUNK", 7)
    with db.session_scope(migrated_engine) as session:
        store.create_org_unit(session, code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health",
                              actor="test")
        store.create_org_unit(session, code="TE-ITA", name_fi="Itäinen alue", name_en="Eastern region", actor="test")
        store.create_indicator(session, code="nps", name_fi="NPS", name_en="NPS", direction="higher",
                               aggregation="ratio", scale=100, min_value=-100, max_value=100, actor="test")
        store.create_indicator(session, code="referrals", name_fi="Ohjatut", name_en="Referrals", direction="higher",
                               aggregation="sum", min_value=0, actor="test")
        store.add_measurement(session, indicator="nps", org_unit="TTH", period="2020-Q1", numerator=488,
                              denominator=800, actor="hr", comment="Q1")
        add_person(session, login="ita@example.fi", role="editor", scope_unit="TE-ITA", by="test")
    return migrated_engine


def opener(engine):
    return lambda: db.session_scope(engine)


def counts(engine) -> tuple[int, int, int]:
    with db.session_scope(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Measurement, MeasurementChange, ImportLog))


def months(unit: str, first_year: int, years: int, indicator: str = "referrals") -> str:
    return "".join(f"{indicator};{unit};{year}-{month:02d};{year + month};;;\n"
                   for year in range(first_year, first_year + years) for month in range(1, 13))


def do_import(engine, text: str, **options):
    options = {"actor": "hr:maija", "replace": False, "max_bytes": None, **options}
    return run_import(opener(engine), text.encode(), "arvot.csv", **options)


def test_an_error_in_a_later_chunk_leaves_nothing_of_the_earlier_chunks(engine):
    text = HEADER + months("TTH", 2010, 2) + "referrals;TTH;2015-01;-5;;;\n" + months("TE-ITA", 2010, 1)
    before = counts(engine)
    outcome = do_import(engine, text)
    assert outcome.status == "refused"
    assert [(p.row, p.key) for p in outcome.problems] == [(26, "errors.outside_valid_range")]
    assert outcome.counts == {"total": 37, "new": 36, "changed": 0, "unchanged": 0, "error": 1}
    assert counts(engine) == (before[0], before[1], before[2] + 1)
    with db.session_scope(engine) as session:
        [entry] = store.list_imports(session)
    assert (entry.status, entry.rows_total, entry.rows_new, entry.rows_error) == ("refused", 37, 36, 1)


def test_every_problem_of_the_file_is_listed_in_file_order_and_the_first_of_a_repeated_row_named(engine):
    text = (HEADER + months("TTH", 2010, 1) + "nsp;TTH;2011;1;;;\n" + months("TE-ITA", 2010, 1)
            + "referrals;TTH;2010-03;9;;;\n" + "nps;TTH;2020-Q1;;500;800;\n")
    outcome = do_import(engine, text)
    assert [(p.row, p.key) for p in outcome.problems] == [
        (14, "errors.unknown_indicator"), (27, "import.problems.duplicate_row"), (28, "import.problems.would_change")]
    assert outcome.problems[1].params["first"] == 4
    assert outcome.counts == {"total": 27, "new": 24, "changed": 0, "unchanged": 0, "error": 3}


def test_a_clean_file_of_many_chunks_is_written_whole_with_a_history_row_each(engine):
    text = HEADER + months("TTH", 2001, 3) + months("TE-ITA", 2001, 3) + "nps;TTH;2020-Q2;;760;1100;kevät\n" \
        "nps;TTH;2020-Q1;61;488;800;\n"
    before = counts(engine)
    outcome = do_import(engine, text)
    assert outcome.status == "applied", [p.line("en") for p in outcome.problems]
    assert outcome.counts == {"total": 74, "new": 73, "changed": 0, "unchanged": 1, "error": 0}
    assert [(s.row, s.period, s.action) for s in outcome.sample][:2] == [(2, "2001-01", "new"), (3, "2001-02", "new")]
    assert counts(engine) == (before[0] + 73, before[1] + 73, before[2] + 1)
    with db.session_scope(engine) as session:
        changes = session.exec(select(MeasurementChange).where(MeasurementChange.import_id == outcome.import_id)
                               .order_by(MeasurementChange.id)).all()
        measurements = {m.id: m for m in session.exec(select(Measurement)).all()}
        assert [(c.action, c.changed_by, c.reason) for c in changes] == [("create", "hr:maija", "arvot.csv")] * 73
        for change in changes:
            measurement = measurements[change.measurement_id]
            assert change.new_values == store.measurement_snapshot(measurement)
            assert (change.indicator_id, change.org_unit_id, change.period) == (
                measurement.indicator_id, measurement.org_unit_id, measurement.period)
            assert (measurement.version, measurement.created_by, measurement.source) == (1, "hr:maija", "arvot.csv")
        new_ids = [c.measurement_id for c in changes]
        assert new_ids == sorted(new_ids)  # in file order
        q2 = next(m for m in measurements.values() if m.period == "2020-Q2")
        assert q2.value == 760 * 100 / 1100 and q2.comment == "kevät"
        assert json.loads(changes[-1].new_values) == {"comment": "kevät", "denominator": 1100.0, "numerator": 760.0,
                                                      "period_label": "", "source": "arvot.csv", "synthetic": False,
                                                      "value": 760 * 100 / 1100, "weight": None}


def test_an_actor_with_quotes_is_stored_as_given(engine):
    """The actor is bound, never written into the SQL: a quote is only a character. (No NUL: PostgreSQL
    text cannot hold one, and a person's name never has one, the store refuses control characters.)"""
    outcome = do_import(engine, HEADER + months("TTH", 2001, 1), actor="hr:o'hara'); --")
    assert outcome.status == "applied", [p.line("en") for p in outcome.problems]
    with db.session_scope(engine) as session:
        changes = session.exec(select(MeasurementChange).where(MeasurementChange.import_id == outcome.import_id)).all()
        assert {(c.changed_by, c.reason) for c in changes} == {("hr:o'hara'); --", "arvot.csv")}
        measurement = session.get(Measurement, changes[0].measurement_id)
        assert (measurement.created_by, measurement.updated_by) == ("hr:o'hara'); --",) * 2


def test_replacing_across_chunks_keeps_each_old_value_in_the_history(engine):
    assert do_import(engine, HEADER + months("TTH", 2001, 2)).status == "applied"
    changed = HEADER + "".join(f"referrals;TTH;2001-{month:02d};{month};;;korjattu\n" for month in range(1, 13)) \
        + months("TTH", 2002, 1)
    refused = do_import(engine, changed)
    assert refused.status == "refused" and {p.key for p in refused.problems} == {"import.problems.would_change"}
    assert refused.counts == {"total": 24, "new": 0, "changed": 0, "unchanged": 12, "error": 12}
    outcome = do_import(engine, changed, replace=True)
    assert outcome.status == "applied" and outcome.counts["changed"] == 12 and outcome.counts["unchanged"] == 12
    with db.session_scope(engine) as session:
        updates = session.exec(select(MeasurementChange).where(MeasurementChange.import_id == outcome.import_id)).all()
        assert len(updates) == 12 and {c.action for c in updates} == {"update"}
        for change in updates:
            old, new = json.loads(change.old_values), json.loads(change.new_values)
            assert (old["comment"], new["comment"], new["value"]) == ("", "korjattu", int(change.period[-2:]))
            measurement = session.get(Measurement, change.measurement_id)
            assert change.new_values == store.measurement_snapshot(measurement) and measurement.version == 2


def test_a_unit_outside_the_editors_scope_in_a_later_chunk_refuses_the_whole_file(engine):
    with db.session_scope(engine) as session:
        editor = actor_for(session, "ita@example.fi")
    before = counts(engine)
    outcome = do_import(engine, HEADER + months("TE-ITA", 2001, 2) + months("TTH", 2001, 1), actor=editor)
    assert outcome.status == "refused"
    assert [(p.key, p.value) for p in outcome.problems] == [("import.problems.outside_scope", "TTH")]
    assert counts(engine) == (before[0], before[1], before[2] + 1)
    with db.session_scope(engine) as session:
        events = [e.event for e in access_log(session, login="ita@example.fi")]
        assert [event for event in events if event.startswith("refused:")] == ["refused:outside_scope"]
    assert do_import(engine, HEADER + months("TE-ITA", 2001, 2), actor=editor).status == "applied"


def test_a_value_saved_meanwhile_is_a_conflict_unless_the_file_has_problems_of_its_own(engine, monkeypatch):
    monkeypatch.setattr(stream_module, "stored_values", lambda session, keys: {})  # the check does not see Q1
    conflict = "nps;TTH;2020-Q1;;488;800;\n" + months("TTH", 2001, 2)
    before = counts(engine)
    outcome = do_import(engine, HEADER + conflict)
    assert outcome.status == "refused" and [p.key for p in outcome.problems] == ["import.problems.conflict"]
    assert outcome.counts["total"] == 25  # the file was checked to its end
    outcome = do_import(engine, HEADER + conflict + "referrals;TTH;2030;x;;;\n")
    assert [p.key for p in outcome.problems] == ["errors.not_a_number"]  # as if nothing had been tried
    assert counts(engine) == (before[0], before[1], before[2] + 2)


def test_a_file_on_disk_imports_as_its_bytes_do(engine, tmp_path):
    path = tmp_path / "arvot.csv"
    path.write_bytes((HEADER + months("TTH", 2001, 2)).encode("utf-8-sig"))
    shown = preview(opener(engine), path, "arvot.csv", replace=False, max_bytes=None)
    outcome = run_import_file(opener(engine), path, actor="hr:maija")
    assert outcome.status == "applied" and outcome.counts == shown.counts and outcome.counts["new"] == 24
    assert outcome.checksum == shown.checksum
    again = run_import(opener(engine), path.read_bytes(), "arvot.csv", actor="hr:maija", replace=False,
                       max_bytes=None)
    assert again.counts["unchanged"] == 24 and again.checksum == outcome.checksum
    too_big = run_import_file(opener(engine), path, actor="hr:maija", max_bytes=100)
    assert [p.key for p in too_big.problems] == ["import.problems.too_big"]


def test_an_import_raises_the_data_revision_and_leaves_the_year_cells_current(engine):
    cells = pytest.importorskip("kpi.store.cells")
    from kpi.store.revision import current_revision

    with db.session_scope(engine) as session:
        revision = current_revision(session)
    assert do_import(engine, HEADER + months("TTH", 2001, 2) + months("TE-ITA", 2001, 1)).status == "applied"
    with db.session_scope(engine) as session:
        assert current_revision(session) > revision
        assert cells.cells_are_current(session)
        kept = sorted(tuple(row) for row in session.execute(select(cells.MeasurementYearCell.__table__)))
        cells.rebuild(session)
        assert sorted(tuple(row) for row in session.execute(select(cells.MeasurementYearCell.__table__))) == kept


def test_a_big_imports_larger_page_cache_goes_with_the_connection_back_to_the_pool(engine, monkeypatch):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's page cache")
    monkeypatch.setattr(sqlite_writer.SqliteWriter, "BIG_FILE", 0)  # this small file counts as big
    seen = []
    real = sqlite_writer._raise_cache
    monkeypatch.setattr(sqlite_writer, "_raise_cache", lambda connection, kib: (real(connection, kib), seen.append(
        connection.exec_driver_sql("PRAGMA cache_size").scalar())))
    with engine.connect() as connection:
        default = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    assert do_import(engine, HEADER + months("TTH", 2001, 2)).status == "applied"
    assert do_import(engine, HEADER + months("TTH", 2003, 1) + "referrals;TTH;2030;x;;;\n").status == "refused"
    assert seen and all(size < default for size in seen)  # raised (a negative size is in KiB)
    for _ in range(3):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == default
