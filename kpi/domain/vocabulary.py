"""The fixed words of the domain. Stored as their string values, so the database needs no enum types."""
from enum import StrEnum


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"
    INSIDE_RANGE = "range"


class Aggregation(StrEnum):
    """How values combine over periods and over org units."""
    SUM = "sum"                   # counts, euros
    RATIO_OF_TOTALS = "ratio"     # sum(numerator) / sum(denominator) * scale: NPS, days per FTE, shares
    WEIGHTED_MEAN = "weighted_mean"
    LAST_VALUE = "last"           # a stock at period end (headcount); units add up
    NOT_COMBINABLE = "none"       # an ordinal grade: only a single value stands for a period


class Comparator(StrEnum):
    GE = "ge"
    LE = "le"
    BETWEEN = "between"
    EQ = "eq"

    @property
    def symbol(self) -> str:
        return {"ge": "≥", "le": "≤", "between": "–", "eq": "="}[self.value]


class BandKind(StrEnum):
    ABSOLUTE = "abs"   # e.g. within 3 NPS points
    PERCENT = "pct"    # e.g. within 5 % of the threshold


class Status(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    NO_DATA = "no_data"


class Timing(StrEnum):
    LEADING = "leading"
    LAGGING = "lagging"


class Nature(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


class ExplanationState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"   # approved by the steering group


class ActionState(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def is_open(self) -> bool:
        """Open and in-progress actions come back at every review until closed."""
        return self in (ActionState.OPEN, ActionState.IN_PROGRESS)
