"""An import's rows between the check and the write: the plain values both sides share.

The check (checker.py, stream.py) hands the writer (bulk.py) each row it understood as a plain tuple,
its fields at the positions named here (an object per row costs more than the whole check); `Stored` is
a stored value as both need it, and `PlannedRow` a row in objects, for the plan of a small file.
Nothing here runs a check or a statement, so both sides import it and neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.periods import Period
from ..models import Indicator, OrgUnit

NEW, CHANGE, UNCHANGED = "new", "change", "unchanged"

# A checked row's fields: row number, indicator, unit, period (the checker's own records of them), the
# value to store, numerator, denominator, weight, comment, the value cell as written, the period cell as
# written, and the key of its indicator x unit x period (for the duplicate check).
NUMBER, IND, UNIT, PER, VALUE, NUM, DEN, WEIGHT, COMMENT, SHOWN, PERIOD_TEXT, KEY = range(12)
PAIR_SHIFT = 32   # key = (indicator x unit) << 32 | period index


@dataclass(slots=True)
class Stored:
    """A stored value as the import needs it: the snapshot fields, its id and its row version."""
    id: int
    version: int
    indicator_id: int
    org_unit_id: int
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    weight: float | None
    comment: str
    source: str
    period_label: str
    synthetic: bool


@dataclass(slots=True)
class PlannedRow:
    number: int
    indicator: Indicator
    unit: OrgUnit
    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    weight: float | None
    comment: str | None            # None: the file says nothing, a stored comment stays
    shown_value: str = ""          # the value cell as the file wrote it
    action: str = NEW
    existing: Stored | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator.id, self.unit.id, self.period.code)



@dataclass
class Checked:
    """One chunk's rows to write: new ones, and changed ones with the value stored now."""
    new: list[tuple]
    changed: list[tuple[tuple, Stored]]

