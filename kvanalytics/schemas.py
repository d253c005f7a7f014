"""The canonical tables of DESIGN.md: column names, dtypes, categories and pandera schemas.

Every stage after ``ingest`` consumes and produces these tables; ``validate_partnerships`` and
``validate_headcounts`` check a frame at a stage boundary and report *every* failure at once.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import pandera.pandas as pa

from .errors import SchemaError

KINDS = ("exchange", "research", "education", "network", "framework", "capacity_building", "other")
LEVELS = ("institutional", "faculty", "individual")
STATUSES = ("active", "suspended", "ended", "planned")
GROUPS = ("degree_student", "exchange_in", "exchange_out", "phd", "academic_staff", "support_staff")
BASES = ("nationality", "prior_diploma", "destination")
#: What kind of organisation a partner is (DESIGN.md): a Horizon organisation type (HES, REC,
#: PRC, PUB, OTH), a ROR type or a stated name rule; NA = unknown.
PARTNER_TYPES = ("education", "research", "company", "public", "hospital", "other")
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
PARTNER_TYPE_DTYPE = pd.CategoricalDtype(list(PARTNER_TYPES))
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
    "partner_type": PARTNER_TYPE_DTYPE,
    # partner identifiers (DESIGN.md), normalised by kvanalytics.identifiers; NA when absent
    "erasmus_code": TEXT,
    "pic": TEXT,
    "ror": TEXT,
    **PROVENANCE,
}
#: The partnerships identifier columns, in order.
IDENTIFIERS = ("erasmus_code", "pic", "ror")

# What a file must give, in one place. Every accepted row has its table's FILLED fields (an
# empty cell is a ``missing_value`` reject). Each comes from a column of the file; a file
# without the column gets it from a default the user gives (``defaults=`` / ``--set
# field=value``: the DEFAULTABLE fields), or, for the DERIVED fields, from another column. Only
# the REQUIRED fields must be columns of the file, whatever the defaults.

#: partnerships: the columns an export must have (a default never stands in for the partner).
PARTNERSHIPS_REQUIRED = ("partner",)
#: partnerships: the fields of every accepted row.
PARTNERSHIPS_FILLED = ("agreement_id", "partner", "country", "faculty", "kind", "start")

HEADCOUNTS: dict[str, object] = {
    "period": TEXT,
    "faculty": TEXT,
    "group": GROUP_DTYPE,
    "country": TEXT,
    "basis": BASIS_DTYPE,
    "headcount": "Int64",
    **PROVENANCE,
}
#: headcounts: the columns an export must have.
HEADCOUNTS_REQUIRED = ("headcount",)
#: headcounts: the fields of every accepted row (a blank headcount is NA: unknown, suppressed).
HEADCOUNTS_FILLED = ("period", "faculty", "group", "country", "headcount")

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
FILLED = {"partnerships": PARTNERSHIPS_FILLED, "headcounts": HEADCOUNTS_FILLED}
#: The fields a default may fill, one value for every row of a file that lacks the column. Not
#: the partner, its country (partnerships), ids, identifiers, money or counts: those vary by row.
DEFAULTABLE = {
    "partnerships": (
        "faculty", "kind", "level", "start", "end", "status", "financial_flows", "data_exchange",
        "fields", "partner_type",
    ),
    "headcounts": ("period", "faculty", "group", "country", "basis"),
}  # fmt: skip
#: FILLED fields a file without their column gets from elsewhere: field -> from what.
DERIVED = {
    "partnerships": {"agreement_id": "<file stem>:<row>", "country": "erasmus_code"},
    "headcounts": {},
}
#: Columns a header may map to that are not fields of the table: read to cross-check a field,
#: then dropped (``country_name``: a country's name beside its code, checked against it).
AUXILIARY = {"partnerships": ("country_name",), "headcounts": ("country_name",)}


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
        "agreement_id": pa.Column(TEXT, nullable=False),
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
        # added with issue #10: a table built before them (or by hand) may lack them (all NA)
        "partner_type": pa.Column(PARTNER_TYPE_DTYPE, nullable=True, required=False),
        "erasmus_code": pa.Column(TEXT, nullable=True, required=False),
        "pic": pa.Column(TEXT, pa.Check.str_matches(r"^[0-9]{9}$"), nullable=True, required=False),
        "ror": pa.Column(
            TEXT, pa.Check.str_matches(r"^0[0-9a-z]{6}[0-9]{2}$"), nullable=True, required=False
        ),
    },
    # a tie is unique: an agreement with several partners has one row per partner (DESIGN.md)
    unique=["agreement_id", "partner"],
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


# ------------------------------------------------------------------------------------------------
# Entry checks: what a computing stage (exposure, screen) needs of a table it is handed
# ------------------------------------------------------------------------------------------------
# Lighter than PARTNERSHIPS_SCHEMA / HEADCOUNTS_SCHEMA: a stage documents which columns it uses,
# so the others may be absent; text columns may be any string dtype; an end before the start is
# data (never active), not an error. Every check is vectorised or runs on a categorical's
# categories, so 10^7 rows cost milliseconds (the full schemas take seconds there).


def _is_date(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s.dtype)


def _is_text(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype | pd.CategoricalDtype) or s.dtype == object


def _outside(s: pd.Series, values: tuple[str, ...]) -> pd.Series:
    """Values of ``s`` that are neither NA nor among ``values`` (a categorical: by category)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        extra = [c for c in s.cat.categories.astype(str) if c not in values]
        if not extra:
            return s.iloc[:0]
        s = s[s.isin(extra)]
    return s[s.notna() & ~s.astype(object).isin(values)]


def _non_negative(s: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return False
    low = s.min(skipna=True) if len(s) else 0  # one reduction: 10^7 rows in milliseconds
    return bool(pd.isna(low) or low >= 0)


#: column -> (test of the column, what it must be): the entry checks of each table.
_Test = Any
_TEXT_RULE: tuple[_Test, str] = (_is_text, "must be text (a string or categorical column)")
_DATE_RULE: tuple[_Test, str] = (_is_date, "must be a date column (datetime64)")


def _among(values: tuple[str, ...]) -> tuple[_Test, str]:
    return (lambda s: _outside(s, values).empty, f"values must be among {list(values)}")


PARTNERSHIPS_ENTRY: dict[str, tuple[_Test, str]] = {
    **{c: _TEXT_RULE for c in ("agreement_id", "partner", "partner_key", "country", "faculty")},
    "start": _DATE_RULE,
    "end": _DATE_RULE,
    "kind": _among(KINDS),
    "level": _among(LEVELS),
    "status": _among(STATUSES),
    "value_eur": (_non_negative, "must be numbers >= 0 (NA for unknown)"),
    "partner_type": _among(PARTNER_TYPES),
}
HEADCOUNTS_ENTRY: dict[str, tuple[_Test, str]] = {
    **{c: _TEXT_RULE for c in ("period", "faculty", "country")},
    "group": _among(GROUPS),
    "basis": _among(BASES),
    "headcount": (_non_negative, "must be whole numbers >= 0 (NA for unknown)"),
}


def _entry_schema(rules: dict[str, tuple[_Test, str]]) -> pa.DataFrameSchema:
    """One frame-wide pandera check per column (absent columns pass): a column check costs
    pandera ~8 ms per 10^6 rows of overhead each, a frame check only what the test costs."""

    def check(column: str, test: _Test):  # type: ignore[no-untyped-def]
        return lambda df: column not in df.columns or bool(test(df[column]))

    return pa.DataFrameSchema(
        checks=[pa.Check(check(c, t), name=c, error=m) for c, (t, m) in rules.items()],
        strict=False,
        coerce=False,
    )


PARTNERSHIPS_ENTRY_SCHEMA = _entry_schema(PARTNERSHIPS_ENTRY)
HEADCOUNTS_ENTRY_SCHEMA = _entry_schema(HEADCOUNTS_ENTRY)


def _check_entry(
    df: Any,
    rules: dict[str, tuple[_Test, str]],
    schema: pa.DataFrameSchema,
    name: str,
    where: str,
    required: tuple[str, ...],
) -> None:
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{where}: {name} must be a pandas DataFrame, got {type(df).__name__}.")
    problems = {c: "missing" for c in required if c not in df.columns}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        columns = list(rules)
        for number in exc.failure_cases["check_number"].dropna().astype(int):
            col = columns[number]
            rule = rules[col][1]
            if rule.startswith("values"):
                allowed = tuple(rule.split("[", 1)[1].rstrip("]").replace("'", "").split(", "))
                bad = _outside(df[col], allowed).drop_duplicates().head(3).tolist()
                problems[col] = f"{rule}, got {bad}"
            else:
                negative = rules[col][0] is _non_negative and pd.api.types.is_numeric_dtype(
                    df[col].dtype
                )
                problems[col] = f"{rule}, got {df[col].dtype}" + (
                    " with negative values" if negative else ""
                )
    if problems:
        listed = "; ".join(f"{c!r} {p}" for c, p in problems.items())
        raise SchemaError(
            f"{where}: {name} has {len(problems)} bad column(s): {listed}. Build the table with "
            f"kvanalytics.read_{name}() or fix these columns (see kvanalytics.schemas)."
        )


def check_partnerships(
    df: Any, *, where: str = "partnerships", required: tuple[str, ...] = ()
) -> None:
    """Check a partnerships table handed to a stage; raise one SchemaError naming every bad column.

    Lighter than :func:`validate_partnerships`: columns other than ``required`` may be absent,
    text may be any string dtype, and an end before the start is allowed (never active).

    Examples
    --------
    >>> check_partnerships(empty_table("partnerships"), where="exposure")
    >>> bad = pd.DataFrame({"start": ["2024-01-01"], "value_eur": [-1.0]})
    >>> check_partnerships(bad, where="exposure")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kvanalytics.errors.SchemaError: exposure: partnerships has 2 bad column(s): 'start' must be ...
    """
    _check_entry(df, PARTNERSHIPS_ENTRY, PARTNERSHIPS_ENTRY_SCHEMA, "partnerships", where, required)


def check_headcounts(df: Any, *, where: str = "headcounts", required: tuple[str, ...] = ()) -> None:
    """Check a headcounts table handed to a stage; raise one SchemaError naming every bad column.

    Examples
    --------
    >>> check_headcounts(empty_table("headcounts"), where="exposure")
    """
    _check_entry(df, HEADCOUNTS_ENTRY, HEADCOUNTS_ENTRY_SCHEMA, "headcounts", where, required)
