"""The canonical tables of DESIGN.md: column names, dtypes, categories and pandera schemas.

Every stage after ``ingest`` consumes and produces these tables; ``validate_partnerships`` and
``validate_headcounts`` check a frame at a stage boundary and report *every* failure at once.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import pandera.pandas as pa

from .errors import SchemaError

KINDS = ("exchange", "research", "education", "network", "framework", "capacity_building", "other")
LEVELS = ("institutional", "faculty", "individual")
STATUSES = ("active", "suspended", "ended", "planned")
GROUPS = ("degree_student", "exchange_in", "exchange_out", "phd", "academic_staff", "support_staff")
BASES = ("nationality", "prior_diploma", "destination")
STUDENT_GROUPS = ("degree_student", "exchange_in", "exchange_out", "phd")
STAFF_GROUPS = ("academic_staff", "support_staff")
#: Columns that are row sums of people groups (exposure tables, dashboards).
PEOPLE_SUMS: dict[str, tuple[str, ...]] = {"students": STUDENT_GROUPS, "staff": STAFF_GROUPS}
#: Every column name that counts people: the groups, their sums, and generic people counts.
#: The one list every stage asks (privacy suppresses these, plots and Excel format them).
PEOPLE_COLUMNS: tuple[str, ...] = (*GROUPS, *PEOPLE_SUMS, "people", "headcount")
#: Words that mark a derived column as a people count (``support_population``, ``phd_lost``).
PEOPLE_WORDS = frozenset(
    ("people", "persons", "students", "staff", "headcount", "population", "phd")
)


def is_people_column(name: str) -> bool:
    """Whether a column counts people (and so is suppressed when published).

    A column counts people when it is one of :data:`PEOPLE_COLUMNS`, or when one of its
    ``_``-separated words is a people word or a group name.

    Examples
    --------
    >>> is_people_column("degree_student"), is_people_column("support_population")
    (True, True)
    >>> is_people_column("value_eur")
    False
    """
    if name in PEOPLE_COLUMNS:
        return True
    words = set(str(name).lower().split("_"))
    return bool(words & PEOPLE_WORDS) or bool(words & set(GROUPS))


KIND_DTYPE = pd.CategoricalDtype(list(KINDS))
LEVEL_DTYPE = pd.CategoricalDtype(list(LEVELS))
STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES))
GROUP_DTYPE = pd.CategoricalDtype(list(GROUPS))
BASIS_DTYPE = pd.CategoricalDtype(list(BASES))
#: Text columns use the pd.NA-aware string dtype so that "unknown" is always pd.NA.
TEXT = pd.StringDtype("pyarrow")
DATE: Final = "datetime64[us]"

PROVENANCE = {"source_file": TEXT, "source_sheet": TEXT, "source_row": "Int64"}

#: partnerships: column -> dtype, in canonical order.
PARTNERSHIPS: dict[str, object] = {
    "agreement_id": TEXT,
    "partner": TEXT,
    "partner_key": TEXT,
    "country": TEXT,
    "faculty": TEXT,
    "kind": KIND_DTYPE,
    "level": LEVEL_DTYPE,
    "start": DATE,
    "end": DATE,
    "status": STATUS_DTYPE,
    "value_eur": "Float64",
    "financial_flows": "boolean",
    "data_exchange": "boolean",
    "fields": TEXT,
    **PROVENANCE,
}
#: Columns an export must have; the others are optional and NA when absent.
PARTNERSHIPS_REQUIRED = ("agreement_id", "partner", "country", "faculty", "kind", "start")

HEADCOUNTS: dict[str, object] = {
    "period": TEXT,
    "faculty": TEXT,
    "group": GROUP_DTYPE,
    "country": TEXT,
    "basis": BASIS_DTYPE,
    "headcount": "Int64",
    **PROVENANCE,
}
HEADCOUNTS_REQUIRED = ("period", "faculty", "group", "country", "headcount")

#: The rejects table: one row per rejected input row.
REJECTS: dict[str, object] = {
    "source_file": TEXT,
    "source_sheet": TEXT,
    "source_row": "Int64",
    "column": TEXT,
    "value": TEXT,
    "reason": TEXT,
    "detail": TEXT,
}

TABLES = {"partnerships": PARTNERSHIPS, "headcounts": HEADCOUNTS}
REQUIRED = {"partnerships": PARTNERSHIPS_REQUIRED, "headcounts": HEADCOUNTS_REQUIRED}


def empty_table(table: str) -> pd.DataFrame:
    """Return an empty canonical table (``"partnerships"``, ``"headcounts"`` or ``"rejects"``).

    Examples
    --------
    >>> list(empty_table("headcounts").columns)[:3]
    ['period', 'faculty', 'group']
    """
    spec = REJECTS if table == "rejects" else TABLES[table]
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in spec.items()})  # type: ignore[call-overload]


_ISO2 = r"^[A-Z]{2}$"

PARTNERSHIPS_SCHEMA = pa.DataFrameSchema(
    {
        "agreement_id": pa.Column(TEXT, unique=True, nullable=False),
        "partner": pa.Column(TEXT, nullable=False),
        "partner_key": pa.Column(TEXT, nullable=True),
        "country": pa.Column(TEXT, pa.Check.str_matches(_ISO2), nullable=False),
        "faculty": pa.Column(TEXT, nullable=False),
        "kind": pa.Column(KIND_DTYPE, nullable=False),
        "level": pa.Column(LEVEL_DTYPE, nullable=True),
        "start": pa.Column(DATE, nullable=False),
        "end": pa.Column(DATE, nullable=True),
        "status": pa.Column(STATUS_DTYPE, nullable=True),
        "value_eur": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "financial_flows": pa.Column("boolean", nullable=True),
        "data_exchange": pa.Column("boolean", nullable=True),
        "fields": pa.Column(TEXT, nullable=True),
    },
    checks=[
        pa.Check(
            lambda df: df["end"].isna() | (df["end"] >= df["start"]),
            error="end before start",
        )
    ],
    strict=False,
    coerce=False,
)

HEADCOUNTS_SCHEMA = pa.DataFrameSchema(
    {
        "period": pa.Column(TEXT, nullable=False),
        "faculty": pa.Column(TEXT, nullable=False),
        "group": pa.Column(GROUP_DTYPE, nullable=False),
        "country": pa.Column(TEXT, pa.Check.str_matches(_ISO2), nullable=False),
        "basis": pa.Column(BASIS_DTYPE, nullable=False),
        "headcount": pa.Column("Int64", pa.Check.ge(0), nullable=True),
    },
    strict=False,
    coerce=False,
)


def _validate(df: pd.DataFrame, schema: pa.DataFrameSchema, name: str) -> pd.DataFrame:
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        examples = "; ".join(
            f"column {r.column!r} check {r.check!r} value {r.failure_case!r} (index {r.index})"
            for r in cases.head(3).itertuples()
        )
        raise SchemaError(
            f"{name}: {len(cases)} schema failure(s), e.g. {examples}. "
            "Build the table with kvanalytics.read_" + name + "() or fix the columns listed."
        ) from None


def validate_partnerships(df: pd.DataFrame) -> pd.DataFrame:
    """Check a frame against the canonical *partnerships* schema; raise one SchemaError listing all failures.

    Examples
    --------
    >>> validate_partnerships(empty_table("partnerships")).shape[0]
    0
    """
    return _validate(df, PARTNERSHIPS_SCHEMA, "partnerships")


def validate_headcounts(df: pd.DataFrame) -> pd.DataFrame:
    """Check a frame against the canonical *headcounts* schema; raise one SchemaError listing all failures.

    Examples
    --------
    >>> validate_headcounts(empty_table("headcounts")).shape[0]
    0
    """
    return _validate(df, HEADCOUNTS_SCHEMA, "headcounts")
