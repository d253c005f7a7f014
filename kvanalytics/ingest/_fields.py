"""Which parser reads each canonical field, and the limits every field shares.

A field of ``schemas.TABLES`` is read by exactly one parser of ``_values``: text, country,
category, boolean, date, number, period or identifier. Adding a field to a table means adding it
to one of the sets below. :func:`missing_fields` says which fields a file still lacks once its
columns and the user's defaults are known (``schemas.FILLED``, ``DEFAULTABLE``, ``DERIVED``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal

from .. import schemas

Table = Literal["partnerships", "headcounts"]
Errors = Literal["raise", "collect"]
PathLike = str | Path

TEXT_COLUMNS = frozenset({"agreement_id", "partner", "partner_key", "faculty", "fields"})
CATEGORY_COLUMNS = {
    "kind": schemas.KIND_DTYPE,
    "level": schemas.LEVEL_DTYPE,
    "status": schemas.STATUS_DTYPE,
    "group": schemas.GROUP_DTYPE,
    "basis": schemas.BASIS_DTYPE,
    "partner_type": schemas.PARTNER_TYPE_DTYPE,
}
#: Partner identifiers, read by ``kvanalytics.identifiers`` (an invalid one is rejected).
IDENTIFIER_COLUMNS = frozenset(schemas.IDENTIFIERS)
#: Auxiliary columns: read to cross-check a field, then dropped (``schemas.AUXILIARY``).
AUXILIARY_COLUMNS = frozenset(c for cols in schemas.AUXILIARY.values() for c in cols)
DATE_COLUMNS = frozenset({"start", "end"})
BOOLEAN_COLUMNS = frozenset({"financial_flows", "data_exchange"})
NUMBER_COLUMNS = {"value_eur": "float", "headcount": "int"}
#: Required columns whose cells may be blank: an unknown (or suppressed) count is NA, not a reject.
BLANK_ALLOWED = frozenset({"headcount"})
#: Longest text cell accepted (a longer one is ``value_too_long``).
MAX_TEXT_LENGTH = 1_000
#: Columns whose values repeat: a large CSV's cells in them are read dictionary-encoded by Arrow
#: (pandas categoricals), so trimming and parsing run over the distinct values only. Ids and
#: money are mostly distinct and stay plain strings.
REPEATING = frozenset(
    set(CATEGORY_COLUMNS)
    | DATE_COLUMNS
    | BOOLEAN_COLUMNS
    | {"partner", "country", "faculty", "fields", "period", "headcount", "country_name"}
)


def missing_fields(
    table: Table, present: Collection[str], defaults: Mapping[str, str]
) -> list[str]:
    """The fields every row needs (``schemas.FILLED``) that neither a column (``present``), a
    default nor a derivation gives, in the table's order.

    Examples
    --------
    >>> missing_fields("partnerships", {"partner", "erasmus_code", "kind"}, {"faculty": "Law"})
    ['start']
    """
    derived = schemas.DERIVED[table]
    out = []
    for col in schemas.FILLED[table]:
        if col in present or col in defaults:
            continue
        source = derived.get(col)
        if source is not None and (source in present or source.startswith("<")):
            continue
        out.append(col)
    return out
