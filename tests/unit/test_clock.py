"""Stored UTC times read on the organisation's clock (Finnish time), whatever the server's zone."""
from datetime import UTC, datetime

from kpi import clock


def test_a_log_time_is_shown_in_finnish_winter_and_summer_time():
    assert clock.stamp(datetime(2026, 1, 15, 8, 5, tzinfo=UTC)) == "2026-01-15 10:05"   # UTC+2
    assert clock.stamp(datetime(2026, 6, 1, 21, 30, tzinfo=UTC)) == "2026-06-02 00:30"  # UTC+3, the next day


def test_a_time_without_a_zone_is_taken_as_utc():
    assert clock.stamp(datetime(2026, 1, 15, 8, 5)) == "2026-01-15 10:05"
    assert clock.when_text(datetime(2026, 1, 15, 8, 5), "fi") == "15.1.2026 klo 10.05"


def test_a_time_kept_as_iso_text_reads_as_the_time_itself():
    moment = datetime(2026, 3, 14, 7, 5, tzinfo=UTC)
    assert clock.when_text(moment.isoformat(timespec="minutes"), "en") == clock.when_text(moment, "en")
    assert clock.when_text(moment, "en") == "14 Mar 2026, 9:05"
    assert clock.when_text(None, "fi") == clock.when_text("", "fi") == ""
