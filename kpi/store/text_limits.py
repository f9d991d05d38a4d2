"""How much text a person may type into each free-text field, checked by the store before anything is written.

Why: every page that shows a text works on the whole of it (Markdown made safe, documents built from it),
and a column without a limit accepts a pasted book. A text over its limit is refused with an InputError
naming the field and the limit, never cut short: what was typed is kept in the form to shorten.

Keys are the field names of the error messages (`fields.*` in the translation catalogue). Names and
labels of indicators and units are checked where they are written (indicators.py, units.py).
"""
from __future__ import annotations

from ..errors import InputError

LIMITS: dict[str, int] = {
    "body": 20_000,          # an explanation: some pages of text
    "notes": 20_000,         # a review's minutes
    "attendees": 5_000,      # a review's attendees, one per line
    "decision": 5_000,       # a decision taken in a review
    "rationale": 5_000,      # why a target is what it is
    "title": 500,            # a corrective action (its column)
    "review_title": 200,     # a review's title (its column)
    "owner": 120,            # who owns an action or a target (its column)
    "note": 2_000,           # a note on an explanation's save or approval, or on an action's change
    "reason": 2_000,         # why a target or a value was changed or removed
    "comment": 2_000,        # a measurement's comment
    "source": 500,           # where a measurement comes from
    "period_label": 60,      # "before" / "after" on a dated survey (its column)
}


def within_limit(field: str, value, limit: int | None = None):
    """`value`, unchanged, once it fits its field's limit (None and "" always fit)."""
    limit = LIMITS[field] if limit is None else limit
    if value is not None and len(text := str(value)) > limit:
        raise InputError(field, text[:40] + "…", "too_long", limit=limit)
    return value
