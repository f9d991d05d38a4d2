"""Days and times as people read them, on the organisation's clock (no Streamlit).

Times are stored in UTC: every datetime column is sqlmodel's `UTCDateTime`, which writes aware times as
UTC and hands them back aware on SQLite and PostgreSQL alike. They are shown in Finnish time, whatever
the server's time zone is: `LOCAL_ZONE` is the one place that says so.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime

from .i18n import t

try:
    LOCAL_ZONE = ZoneInfo("Europe/Helsinki")  # the people who read the times work in Finland
except ZoneInfoNotFoundError:  # a machine without time-zone data shows UTC
    LOCAL_ZONE = UTC


def as_utc(moment: datetime) -> datetime:
    """An aware UTC time; a naive one is taken to be UTC already (as SQLite keeps them)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local(moment: datetime) -> datetime:
    """A stored time on the organisation's clock."""
    return as_utc(moment).astimezone(LOCAL_ZONE)


def stamp(moment: datetime) -> str:
    """To the minute, the same in both languages, for logs and histories: "2026-03-14 09:05"."""
    return local(moment).strftime("%Y-%m-%d %H:%M")


def _locale(lang: str) -> str:
    return "fi" if lang == "fi" else "en"   # any other language reads as English, as the numbers do


def day_text(day: date | str | None, lang: str) -> str:
    """A day in words: "14.3.2026", "14 Mar 2026"; a stored ISO text reads the same."""
    if not day:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return format_date(day, t("targets.day_format", lang), locale=_locale(lang))  # a CLDR pattern per language


def when_text(moment: datetime | str | None, lang: str) -> str:
    """A stored time on the organisation's clock: "14.3.2026 klo 9.05", "14 Mar 2026, 9:05"; an ISO text
    (as a view keeps it) reads the same."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    shown = local(moment)
    return format_datetime(shown, t("targets.when_format", lang), locale=_locale(lang))
