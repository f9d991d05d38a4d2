"""The targets page's logic without Streamlit: numbers in form fields, what changed, the history in words."""
import json
from datetime import UTC, date, datetime

import pytest

from kpi.features import target_form as tf
from kpi.models import TargetChange

NBSP = "\u00a0"


@pytest.mark.parametrize("value, fi, en", [
    (70.0, "70", "70"),
    (10.5, "10,5", "10.5"),
    (0.05, "0,05", "0.05"),
    (3.6, "3,6", "3.6"),
    (-100.0, "-100", "-100"),
    (1200.0, "1200", "1200"),   # no grouping in a field: what is shown can be typed back
    (None, "", ""),
])
def test_a_stored_number_goes_into_a_form_field_exactly_and_in_the_language(value, fi, en):
    assert tf.number_text(value, "fi") == fi
    assert tf.number_text(value, "en") == en


@pytest.mark.parametrize("loaded, typed, changed", [
    ({"threshold": "10,5"}, {"threshold": "10.5"}, {}),              # a decimal point is the same number
    ({"threshold": "70"}, {"threshold": "70,0"}, {}),
    ({"threshold": "1200"}, {"threshold": "1\u202f200"}, {}),        # Finnish thousands grouping
    ({"threshold": "70"}, {"threshold": "72"}, {"threshold": "72"}),
    ({"threshold": "70"}, {"threshold": "abc"}, {"threshold": "abc"}),  # unreadable: the store says why
    ({"band": ""}, {"band": " "}, {}),
    ({"band": "3"}, {"band": ""}, {"band": ""}),                     # emptied: the band is removed
    ({"owner": "Anna"}, {"owner": "Anna "}, {}),
    ({"owner": "Anna"}, {"owner": "Ben"}, {"owner": "Ben"}),
    ({"binding": True}, {"binding": False}, {"binding": False}),
    ({"comparator": "ge"}, {"comparator": "between"}, {"comparator": "between"}),
])
def test_only_the_fields_that_really_changed_are_sent_to_the_store(loaded, typed, changed):
    assert tf.changed_fields(loaded, typed) == changed


def test_a_creation_lists_the_fields_it_set_and_an_update_only_what_changed():
    created = {"period": "2020", "comparator": "ge", "threshold": 70.0, "threshold_upper": None, "band": 3.0,
               "band_kind": "abs", "binding": True, "rationale": "", "owner": "Anna", "retired_from": None,
               "indicator_id": 1, "org_unit_id": 2}
    changed = dict(created, threshold=72.0, owner="Ben")
    assert [name for name, _, _ in tf.snapshot_diff("", json.dumps(created))] == [
        "period", "comparator", "threshold", "band", "band_kind", "binding", "owner"]
    assert tf.snapshot_diff(json.dumps(created), json.dumps(changed)) == [
        ("threshold", 70.0, 72.0), ("owner", "Anna", "Ben")]


def test_the_history_reads_newest_first_with_old_and_new_values_in_finnish():
    before = {"comparator": "ge", "threshold": 70.0, "band": 3.0, "band_kind": "abs", "binding": True,
              "retired_from": None}
    changes = [
        TargetChange(target_id=1, action="create", changed_by="hr.anna", reason="board decision",
                     changed_at=datetime(2026, 1, 15, 8, 5, tzinfo=UTC), new_values=json.dumps(before)),
        TargetChange(target_id=1, action="update", changed_by="hr.ben", reason="council revised the goal",
                     changed_at=datetime(2026, 6, 1, 21, 30, tzinfo=UTC), old_values=json.dumps(before),
                     new_values=json.dumps(dict(before, threshold=72.5, band_kind="pct"))),
        TargetChange(target_id=1, action="retire", changed_by="hr.ben", reason="",
                     changed_at=datetime(2026, 7, 2, tzinfo=UTC), old_values=json.dumps(before),
                     new_values=json.dumps(dict(before, retired_from="2026-07-01"))),
    ]
    retire, update, create = tf.history(changes, "fi")
    assert (update.action, update.who, update.reason) == ("Muutettu", "hr.ben", "council revised the goal")
    assert update.when == "2.6.2026 klo 0.30"  # Helsinki summer time, the next day
    assert update.lines == ["Tavoitearvo: 70 → 72,5",
                            "Vaara-alueen tyyppi: mittarin yksikköinä → % tavoitearvosta"]
    assert retire.lines == ["Pois käytöstä alkaen: – → 1.7.2026"]
    assert create.when == "15.1.2026 klo 10.05"  # winter time
    assert "Sitova: Kyllä" in create.lines


def test_the_history_reads_in_english():
    change = TargetChange(target_id=1, action="update", changed_by="hr", reason="r",
                          changed_at=datetime(2026, 3, 14, 7, 5),  # naive: stored as UTC (SQLite)
                          old_values=json.dumps({"comparator": "ge", "binding": False}),
                          new_values=json.dumps({"comparator": "eq", "binding": True}))
    [entry] = tf.history([change], "en")
    assert entry.when == "14 Mar 2026, 9:05"
    assert entry.lines == ["Comparator: ≥ at least → = exactly", "Binding: No → Yes"]


@pytest.mark.parametrize("band, kind, lang, text", [
    (3.0, "abs", "fi", "3"),
    (0.05, "abs", "fi", "0,05"),
    (2.0, "pct", "fi", f"2{NBSP}%"),
    (2.5, "pct", "en", "2.5%"),
    (None, "abs", "fi", ""),
])
def test_an_at_risk_band_reads_as_a_number_or_a_per_cent(band, kind, lang, text):
    assert tf.band_text(band, kind, lang) == text


def test_a_conflict_lists_only_the_fields_where_mine_and_the_saved_differ():
    mine = {"comparator": "ge", "threshold": "75", "band": "3", "binding": True, "owner": "Anna"}
    saved = {"comparator": "ge", "threshold": "72", "band": "3,0", "binding": True, "owner": "Ben"}
    table = tf.conflict_rows(mine, saved, "fi")
    assert table.to_dict("records") == [
        {"Kenttä": "Tavoitearvo", "Sinun arvosi": "75", "Tallennettu nyt": "72"},
        {"Kenttä": "Vastuuhenkilö", "Sinun arvosi": "Anna", "Tallennettu nyt": "Ben"},
    ]


def test_peoples_words_are_shown_as_written_not_as_markdown():
    assert tf.escape_markdown("*kiire* [linkki](x) <b>") == "\\*kiire\\* \\[linkki\\](x) \\<b\\>"
    assert tf.escape_markdown("two\nlines") == "two lines"


@pytest.mark.parametrize("lang, text", [("fi", "1.7.2026"), ("en", "1 Jul 2026")])
def test_a_day_reads_as_the_language_writes_it(lang, text):
    assert tf.day_text(date(2026, 7, 1), lang) == text
    assert tf.day_text("2026-07-01", lang) == text
