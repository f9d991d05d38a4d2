"""Indicators: what is measured, in which unit, which way is better, and how values combine."""
from __future__ import annotations

from sqlmodel import Session, select

from ..domain.vocabulary import Aggregation, Direction, Nature, Timing
from ..domain.roles import Actor, Role
from ..errors import InputError
from ..models import Indicator, utc_now
from .guard import require
from .inputs import find_by_code_or_name, name_text, new_code_and_name


def _choice(field: str, value, allowed):
    try:
        return allowed(value).value
    except ValueError:
        raise InputError(field, value, "not_one_of", choices=", ".join(m.value for m in allowed)) from None


def create_indicator(session: Session, *, code: str, name_fi: str, name_en: str, direction: str,
                     aggregation: str, unit_label: str = "", scale: float = 1.0,
                     min_value: float | None = None, max_value: float | None = None, decimals: int = 0,
                     timing: str = "lagging", nature: str = "quantitative", theme: str = "",
                     source: str = "", description_fi: str = "", description_en: str = "",
                     actor: Actor | str) -> Indicator:
    """A new indicator (admin only)."""
    require(session, actor, role=Role.ADMIN, action=f"create indicator {code}")
    code = new_code_and_name(session, Indicator, name_text("code", code, limit=60), name_text("name_fi", name_fi, limit=200))
    texts = _checked_texts(dict(name_en=name_en or name_fi, unit_label=unit_label, theme=theme, source=source,
                                description_fi=description_fi, description_en=description_en))
    indicator = Indicator(
        code=code, name_fi=name_fi.strip(), name_en=texts["name_en"],
        direction=_choice("direction", direction, Direction),
        aggregation=_choice("aggregation", aggregation, Aggregation),
        timing=_choice("timing", timing, Timing), nature=_choice("nature", nature, Nature),
        unit_label=texts["unit_label"], scale=scale, min_value=min_value, max_value=max_value, decimals=decimals,
        theme=texts["theme"], source=texts["source"], description_fi=texts["description_fi"],
        description_en=texts["description_en"],
    )
    if min_value is not None and max_value is not None and min_value > max_value:
        raise InputError("max_value", max_value, "lower_above_upper", lower=min_value)
    if scale is None or scale <= 0:
        raise InputError("scale", scale, "must_be_positive")
    if not 0 <= decimals <= 6:
        raise InputError("decimals", decimals, "out_of_range", low=0, high=6)
    session.add(indicator)
    session.flush()
    return indicator


def get_indicator(session: Session, code_or_name: str) -> Indicator:
    """By code, or by exact Finnish or English name."""
    found = find_by_code_or_name(session, Indicator, code_or_name)
    if found is None:
        raise InputError("indicator", code_or_name, "unknown_indicator")
    return found


def list_indicators(session: Session) -> list[Indicator]:
    return list(session.exec(select(Indicator).order_by(Indicator.code)))


# The longest text each field takes (names and labels as the columns allow; descriptions a few paragraphs).
_TEXT_LIMITS = {"name_fi": 200, "name_en": 200, "unit_label": 40, "theme": 100, "source": 1000,
                "description_fi": 4000, "description_en": 4000}
_MULTILINE = ("description_fi", "description_en")


def _checked_texts(texts: dict) -> dict:
    """The text fields given, each checked as a name (`name_text`), descriptions allowing line breaks."""
    return {name: name_text(name, value, limit=_TEXT_LIMITS[name], required=name == "name_fi",
                            multiline=name in _MULTILINE)
            for name, value in texts.items()}


_EDITABLE = ("name_fi", "name_en", "description_fi", "description_en", "unit_label", "direction", "aggregation",
             "scale", "min_value", "max_value", "decimals", "timing", "nature", "theme", "source")


def update_indicator(session: Session, *, code: str, actor: Actor | str, **changes) -> Indicator:
    """Change an indicator's descriptive fields and rules (admin only; its code stays: files name it)."""
    require(session, actor, role=Role.ADMIN, action=f"update indicator {code}")
    indicator = get_indicator(session, code)
    for name, value in changes.items():
        if name not in _EDITABLE:
            raise InputError(name, value, "not_changeable")
        if name == "direction":
            value = _choice(name, value, Direction)
        elif name == "aggregation":
            value = _choice(name, value, Aggregation)
        elif name == "timing":
            value = _choice(name, value, Timing)
        elif name == "nature":
            value = _choice(name, value, Nature)
        elif name in _TEXT_LIMITS:
            value = _checked_texts({name: value})[name] or (indicator.name_fi if name == "name_en" else "")
        setattr(indicator, name, value)
    if indicator.min_value is not None and indicator.max_value is not None and indicator.min_value > indicator.max_value:
        raise InputError("max_value", indicator.max_value, "lower_above_upper", lower=indicator.min_value)
    if indicator.scale is None or indicator.scale <= 0:
        raise InputError("scale", indicator.scale, "must_be_positive")
    indicator.updated_at = utc_now()
    if not 0 <= indicator.decimals <= 6:
        raise InputError("decimals", indicator.decimals, "out_of_range", low=0, high=6)
    session.add(indicator)
    session.flush()
    return indicator
