"""Reading what people type into fields: numbers (decimal comma too) and periods."""
from __future__ import annotations

import math
from datetime import date, datetime

from sqlmodel import Session, select

from ..domain.periods import Period, PeriodParseError, parse_period
from ..errors import InputError
from ..plain_text import drawable, name_problem
from .text_limits import within_limit


def parse_period_field(text: str, field: str = "period") -> Period:
    try:
        return parse_period(text)
    except PeriodParseError:
        raise InputError(field, text, "bad_period") from None


def parse_number(field: str, value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise InputError(field, value, "not_a_number") from None
    if math.isnan(number) or math.isinf(number):
        raise InputError(field, value, "not_a_number")
    return number


def find_by_code_or_name(session: Session, model, text: str):
    """A row of `model` whose code, or failing that exact Finnish or English name, is `text`; else None."""
    text = (text or "").strip()
    found = session.exec(select(model).where(model.code == text)).first()
    if found is None:
        found = session.exec(select(model).where((model.name_fi == text) | (model.name_en == text))).first()
    return found


def new_code_and_name(session: Session, model, code: str, name_fi: str) -> str:
    """The stripped code of a new indicator or unit, once it and the Finnish name are given and the
    code is free."""
    code = (code or "").strip()
    if not code:
        raise InputError("code", code, "required")
    if not (name_fi or "").strip():
        raise InputError("name_fi", name_fi, "required")
    if session.exec(select(model).where(model.code == code)).first():
        raise InputError("code", code, "duplicate_code")
    return code


def parse_date_field(field: str, value, *, required: bool = False):
    """A date as people write it: 2021-12-31, or the Finnish 31.12.2021. Empty gives None unless required."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise InputError(field, text, "required")
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InputError(field, text, "bad_date")


def required_text(field: str, value, *, limit: int | None = None) -> str:
    """Stripped text that must be given and must fit its limit (`text_limits.LIMITS` unless given)."""
    text = str(value or "").strip()
    if not text:
        raise InputError(field, text, "required")
    return within_limit(field, text, limit)


def name_text(field: str, value, *, limit: int, required: bool = False, multiline: bool = False) -> str:
    """A name or label as stored: stripped, one line (`multiline`: a description's line breaks and tabs
    allowed), no control or non-characters (they abort chart and document renderers and can rewrite a
    terminal), at most `limit` characters."""
    text = str(value or "").strip()
    if required and not text:
        raise InputError(field, text, "required")
    if (drawable(text, multiline=True) != text) if multiline else name_problem(text):
        raise InputError(field, _quoted(text), "control_character")
    if len(text) > limit:
        raise InputError(field, _quoted(text), "too_long", limit=limit)
    return text


def _quoted(text: str) -> str:
    """A refused value as an error message may quote it: drawable and short."""
    shown = drawable(text)
    return shown if len(shown) <= 40 else shown[:40] + "…"
