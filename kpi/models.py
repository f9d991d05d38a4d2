"""The tables. Alembic migrations in /migrations create and change them; nothing calls create_all.

Periods are stored three ways at once: the canonical code people read ("2020-Q1"), its kind, and its
first and last day, so "every value inside 2020" is a plain date comparison in SQL.
Enumerated fields are plain strings holding the values of `kpi.domain.vocabulary`.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


def _version_column() -> sa.Column:
    """A row version for optimistic locking: SQLAlchemy adds `AND version = ?` to every UPDATE."""
    return sa.Column("version", sa.Integer, nullable=False)


# Built outside the class bodies: a column held in a class attribute would become a pydantic private
# attribute, deep-copied on every instance (seen: 40 ms per row).
_MEASUREMENT_VERSION = _version_column()
_TARGET_VERSION = _version_column()
_EXPLANATION_VERSION = _version_column()
_ACTION_VERSION = _version_column()


class Named:
    """A row named in both languages (`name_fi`, `name_en`): `name_in(lang)` is the one to show, English
    for "en" and Finnish otherwise (Finnish is the default language). A plain class, so the ORM rows and
    the unit tree's tuples (kpi.store.units.UnitInfo) share the one rule."""

    def name_in(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fi


class Audited(SQLModel):
    """Who created and last changed a row, and when (UTC)."""
    created_by: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utc_now)
    updated_by: str = Field(default="", max_length=120)
    updated_at: datetime = Field(default_factory=utc_now)


class OrgUnit(SQLModel, Named, table=True):
    __tablename__ = "org_unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    sort_order: int = 0
    updated_at: datetime | None = Field(default_factory=utc_now)  # keeps page caches honest after an edit


class Indicator(SQLModel, Named, table=True):
    __tablename__ = "indicator"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    description_fi: str = ""
    description_en: str = ""
    unit_label: str = Field(default="", max_length=40)      # "NPS", "kpl", "%", "pv/htv", "€/htv"
    direction: str = Field(max_length=10)                    # Direction
    aggregation: str = Field(max_length=20)                  # Aggregation
    scale: float = 1.0                                       # ratio = numerator / denominator * scale
    min_value: float | None = None
    max_value: float | None = None
    decimals: int = 0
    timing: str = Field(default="lagging", max_length=10)    # Timing: leading / lagging
    nature: str = Field(default="quantitative", max_length=15)  # Nature: quantitative / qualitative
    theme: str = Field(default="", max_length=100)
    source: str = ""
    updated_at: datetime | None = Field(default_factory=utc_now)  # keeps page caches honest after an edit


class Measurement(Audited, table=True):
    __tablename__ = "measurement"
    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "org_unit_id", "period", name="uq_measurement_indicator_unit_period"),
        sa.Index("ix_measurement_indicator_span", "indicator_id", "period_start", "period_end"),
        # The period pickers walk this index from one distinct period to the next (distinct_measured_periods).
        sa.Index("ix_measurement_period", "period_start", "period_end", "period_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    org_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    period: str = Field(max_length=30)
    period_kind: str = Field(max_length=10)
    period_start: date
    period_end: date
    period_label: str = Field(default="", max_length=60)  # e.g. "before" / "after" for a dated survey
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    weight: float | None = None
    comment: str = ""
    source: str = ""
    synthetic: bool = False  # demo values made up where the source documents give none
    version: int = Field(default=1, sa_column=_MEASUREMENT_VERSION)

    __mapper_args__ = {"version_id_col": _MEASUREMENT_VERSION}  # a stale write raises StaleDataError


class Target(Audited, table=True):
    __tablename__ = "target"
    __table_args__ = (
        sa.Index("ix_target_span", "period_start", "period_end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    org_unit_id: int | None = Field(default=None, foreign_key="org_unit.id")  # None = whole organisation
    period: str = Field(max_length=30)
    period_kind: str = Field(max_length=10)
    period_start: date
    period_end: date
    comparator: str = Field(max_length=10)   # Comparator
    threshold: float
    threshold_upper: float | None = None
    band: float | None = None
    band_kind: str = Field(default="abs", max_length=5)  # BandKind
    binding: bool = False
    rationale: str = ""
    owner: str = Field(default="", max_length=120)
    # Retired, not deleted: the target no longer judges periods ending on or after this day.
    retired_from: date | None = None
    version: int = Field(default=1, sa_column=_TARGET_VERSION)

    __mapper_args__ = {"version_id_col": _TARGET_VERSION}  # a stale write raises StaleDataError


class TargetChange(SQLModel, table=True):
    """Every change to a target: who, when, why, and the fields before and after (JSON text)."""
    __tablename__ = "target_change"

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    action: str = Field(max_length=10)  # create / update / retire
    changed_by: str = Field(max_length=120)
    changed_at: datetime = Field(default_factory=utc_now)
    reason: str = ""
    old_values: str = ""
    new_values: str = ""


class ImportLog(SQLModel, table=True):
    """One file import: who, when, which file (name and SHA-256), and what it did."""
    __tablename__ = "import_log"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    checksum: str = Field(max_length=64)
    imported_by: str = Field(max_length=120)
    imported_at: datetime = Field(default_factory=utc_now)
    status: str = Field(max_length=10)  # applied / refused
    replace: bool = False
    rows_total: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    rows_error: int = 0


class MeasurementChange(SQLModel, table=True):
    """Every change to a stored value, kept like a target's: who, when, why, old and new (JSON text).

    No foreign key to the measurement, so the history of a deleted value survives it.
    """
    __tablename__ = "measurement_change"
    __table_args__ = (sa.Index("ix_measurement_change_lookup", "indicator_id", "org_unit_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    measurement_id: int | None = Field(default=None, index=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    org_unit_id: int = Field(foreign_key="org_unit.id")
    period: str = Field(max_length=30)
    action: str = Field(max_length=10)  # create / update / delete
    changed_by: str = Field(max_length=120)
    changed_at: datetime = Field(default_factory=utc_now)
    reason: str = ""
    old_values: str = ""
    new_values: str = ""
    import_id: int | None = Field(default=None, foreign_key="import_log.id", index=True)


class Explanation(Audited, table=True):
    """Why a target was missed in a period, and the context: Markdown text, draft or approved.

    One per target and period; every save keeps the previous text as an ExplanationRevision.
    """
    __tablename__ = "explanation"
    __table_args__ = (sa.UniqueConstraint("target_id", "period", name="uq_explanation_target_period"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    period: str = Field(max_length=30)          # the period explained ("2020"), as on the scorecard
    body: str = ""                               # Markdown; shown with HTML escaped, never run
    state: str = Field(default="draft", max_length=10)  # ExplanationState
    author: str = Field(default="", max_length=120)
    approved_by: str = Field(default="", max_length=120)
    approved_at: datetime | None = None
    version: int = Field(default=1, sa_column=_EXPLANATION_VERSION)

    __mapper_args__ = {"version_id_col": _EXPLANATION_VERSION}


class ExplanationRevision(SQLModel, table=True):
    """An explanation as it was saved: every revision kept, the newest last."""
    __tablename__ = "explanation_revision"

    id: int | None = Field(default=None, primary_key=True)
    explanation_id: int = Field(foreign_key="explanation.id", index=True)
    revision: int
    body: str = ""
    state: str = Field(max_length=10)
    changed_by: str = Field(max_length=120)
    changed_at: datetime = Field(default_factory=utc_now)
    note: str = ""


class ReviewSession(Audited, table=True):
    """A steering-group review: the period reviewed, when it met, who attended, what it decided."""
    __tablename__ = "review_session"

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=30, index=True)   # the period reviewed ("2020", "2026-Q3")
    held_on: date
    title: str = Field(default="", max_length=200)
    attendees: str = ""                               # one name per line
    notes: str = ""


class CorrectiveAction(Audited, table=True):
    """What is being done about a shortfall: tied to a target, with an owner, a due date and a state."""
    __tablename__ = "corrective_action"

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    period: str = Field(max_length=30)               # the period whose shortfall raised it
    title: str = Field(max_length=500)               # what is done
    owner: str = Field(default="", max_length=120)
    due_on: date | None = None
    state: str = Field(default="open", max_length=12)  # ActionState
    review_id: int | None = Field(default=None, foreign_key="review_session.id", index=True)
    version: int = Field(default=1, sa_column=_ACTION_VERSION)

    __mapper_args__ = {"version_id_col": _ACTION_VERSION}


class ActionChange(SQLModel, table=True):
    """Every change to a corrective action, with the note the person wrote."""
    __tablename__ = "action_change"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="corrective_action.id", index=True)
    changed_by: str = Field(max_length=120)
    changed_at: datetime = Field(default_factory=utc_now)
    old_state: str = Field(default="", max_length=12)
    new_state: str = Field(max_length=12)
    note: str = ""
    old_values: str = ""
    new_values: str = ""


class ReviewTopic(SQLModel, table=True):
    """A target discussed in a review, with the decision taken on it (if any)."""
    __tablename__ = "review_topic"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review_session.id", index=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    period: str = Field(max_length=30)
    decision: str = ""
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utc_now)


class Person(SQLModel, table=True):
    """Someone who may sign in: a role (viewer / editor / admin) and, for an editor, the unit whose
    subtree they edit. `password_hash` is argon2 (None: signs in through OIDC or the proxy only)."""
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=120, unique=True)      # stored lower-case: e-mail or user name
    name: str = Field(default="", max_length=200)
    role: str = Field(default="viewer", max_length=10)   # kpi.domain.roles.Role
    scope_unit_id: int | None = Field(default=None, foreign_key="org_unit.id")  # None: every unit
    password_hash: str | None = Field(default=None, max_length=255)
    disabled: bool = False
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class SignInCounter(SQLModel, table=True):
    """Password sign-in attempts in a row for one login, whether or not anyone has that login (so an
    unknown name locks exactly like a known one). Kept by `kpi.access.throttle`: a row lives while
    attempts come less than the lock time apart, or while the login is locked; then it is deleted."""
    __tablename__ = "sign_in_counter"

    login: str = Field(primary_key=True, max_length=120)  # as typed, stripped and lower-case
    attempts: int = 0                                     # counted before the password is checked
    attempt_at: datetime = Field(default_factory=utc_now, index=True)  # the latest counted attempt (UTC)
    locked_until: datetime | None = None                  # refused until then, even the right password (UTC)


class AccessEvent(SQLModel, table=True):
    """The access log: every sign-in, failed sign-in, refusal and change to a person."""
    __tablename__ = "access_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    login: str = Field(max_length=120, index=True)      # whom it is about
    event: str = Field(max_length=40)                    # sign_in, sign_in_failed:<key>, refused:<key>, person_added, ...
    detail: str = ""
    by: str = Field(default="", max_length=120)         # who did it (for changes to people)


class DataRevision(SQLModel, table=True):
    """One row (id 1): a counter raised by every write to the KPI data (`kpi.store.revision`).

    Pages key their caches on it, so the cache key is a primary-key read however many measurements
    there are. Sign-ins and changes to people do not raise it: they change no figure on a page.
    """
    __tablename__ = "data_revision"

    id: int = Field(default=1, primary_key=True)
    revision: int = 0
    changed_at: datetime = Field(default_factory=utc_now)


class MeasurementYearCell(SQLModel, table=True):
    """The stored values of one indicator x unit x calendar year, summed (`kpi.store.cells`).

    Kept up to date in the transaction of every write to `measurement`, so a year's scorecard reads one
    row per cell instead of every monthly value of eight years. The columns are those of
    `kpi.domain.summary_rollup.Cell`; a value counts in a year when its whole period lies inside it.
    """
    __tablename__ = "measurement_year_cell"
    # Keyed year first and stored in key order (SQLite: without rowid), so the eight years of a
    # scorecard are one contiguous read.
    __table_args__ = ({"sqlite_with_rowid": False},)

    year: int = Field(primary_key=True)
    indicator_id: int = Field(primary_key=True)
    org_unit_id: int = Field(primary_key=True)
    count: int
    count_value: int
    count_numerator: int
    count_denominator: int
    count_weight: int
    sum_value: float | None = None
    sum_numerator: float | None = None
    sum_denominator: float | None = None
    sum_weight: float | None = None
    sum_value_x_weight: float | None = None
    last_end: date
    kind_low: str = Field(max_length=10)
    kind_high: str = Field(max_length=10)
    last_value: float | None = None  # the latest reading; kept for last-value indicators only


class CellStamp(SQLModel, table=True):
    """One row (id 1): the newest `measurement_change.id` the year cells account for.

    Every write to `measurement` leaves a history row, so when this equals the newest history id the cells
    are current; otherwise (a write that bypassed the app) the scorecard reads the values themselves and
    the next write rebuilds the cells.
    """
    __tablename__ = "measurement_cell_stamp"

    id: int = Field(default=1, primary_key=True)
    change_id: int = 0
