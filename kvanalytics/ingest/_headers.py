"""Header row detection and the header -> field mapping.

:func:`map_headers` is the one place that decides which header cell fills which canonical field,
and says by which rule (:class:`HeaderDecision`):

1. ``explicit``: the user's ``columns=`` mapping (checked by :func:`check_column_map`);
2. ``synonym``: the header's folded text is a synonym in ``header_synonyms.csv``;
3. ``ignored``: neither; the column is reported as unmapped.

Two headers claiming one field, or a required field without a header, fail the file with the
remedy. The header row itself is the row of the first :data:`HEADER_SCAN_ROWS` that maps the
most fields (:func:`find_header_row`); the header language is voted by the synonyms matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import schemas
from ..errors import IngestError
from ._fields import Table
from ._grid import HEADER_SCAN_ROWS, HeaderProbe
from ._vocab import header_lookup, key

EXPLICIT = "explicit"
SYNONYM = "synonym"
IGNORED = "ignored"


@dataclass(frozen=True)
class HeaderDecision:
    """What became of one non-empty header cell: the field it fills (None: ignored) and why."""

    position: int
    header: str
    field: str | None
    rule: str


@dataclass(frozen=True)
class HeaderMapping:
    """The header row's cells (``""`` where empty), position -> field, language, the rest."""

    cells: list[str]
    mapping: dict[int, str]
    language: str
    unmapped: list[str]
    decisions: tuple[HeaderDecision, ...]


def check_column_map(table: Table, columns: Mapping[str, str] | None) -> dict[str, str]:
    """The user's ``columns=`` mapping checked against the table's fields, keyed by folded header.

    Raises :class:`IngestError` naming the unknown fields and the allowed ones (provenance
    columns are ingest's own, never mapped).
    """
    if not columns:
        return {}
    allowed = set(schemas.TABLES[table]) - set(schemas.PROVENANCE)
    bad = {k: v for k, v in columns.items() if v not in allowed}
    if bad:
        raise IngestError(
            f"columns mapping {bad} names unknown {table} columns; allowed: "
            + ", ".join(sorted(allowed))
        )
    return {key(k): v for k, v in columns.items()}


def _match_cell(
    cell: Any, lookup: Mapping[str, tuple[str, frozenset[str]]], extra: Mapping[str, str]
) -> tuple[str, str, frozenset[str] | None] | None:
    """(field, rule, languages of the synonym) for a header cell; None when blank or unknown."""
    if cell is None or pd.isna(cell) or not str(cell).strip():
        return None
    k = key(str(cell))
    if k in extra:
        return extra[k], EXPLICIT, None
    if k in lookup:
        return lookup[k][0], SYNONYM, lookup[k][1]
    return None


def match_header(
    row: Iterable[Any], table: Table, extra: Mapping[str, str]
) -> tuple[dict[int, str], list[frozenset[str]]]:
    """Position -> field for the cells of ``row`` that are headers, and the matched synonyms'
    languages. ``extra`` is a :func:`check_column_map` result.
    """
    lookup = header_lookup(table)
    mapping: dict[int, str] = {}
    langs: list[frozenset[str]] = []
    for i, cell in enumerate(row):
        hit = _match_cell(cell, lookup, extra)
        if hit is None:
            continue
        mapping[i] = hit[0]
        if hit[2] is not None:
            langs.append(hit[2])
    return mapping, langs


def header_probe(table: Table, extra: Mapping[str, str]) -> HeaderProbe:
    """:func:`match_header` as the grid reader's probe (which separator, which sheet)."""

    def probe(row: Sequence[Any]) -> dict[int, str]:
        return match_header(row, table, extra)[0]

    return probe


def find_header_row(cells: pd.DataFrame, table: Table, extra: Mapping[str, str]) -> int:
    """The first of the top :data:`HEADER_SCAN_ROWS` rows that maps the most fields (0 if none)."""
    best_i, best_n = 0, 0
    for i in range(min(HEADER_SCAN_ROWS, len(cells))):
        n = len(match_header(cells.iloc[i].tolist(), table, extra)[0])
        if n > best_n:
            best_i, best_n = i, n
    return best_i


def row_cells(cells: pd.DataFrame, i: int) -> list[str]:
    """Row ``i`` of a grid as text, ``""`` where a cell is missing."""
    if not len(cells):
        return []
    return ["" if pd.isna(c) else str(c) for c in cells.iloc[i].tolist()]


def map_headers(
    header_cells: Sequence[str],
    table: Table,
    columns: Mapping[str, str] | None = None,
    *,
    where: str = "the header",
    path: str | None = None,
) -> HeaderMapping:
    """Map a header row's cells to the table's fields, every decision with its rule.

    Parameters
    ----------
    header_cells : sequence of str
        The header row, one string per column (``""`` for an empty cell).
    table : {"partnerships", "headcounts"}
    columns : mapping, optional
        The user's explicit mapping ``{"Your header": "field"}``; it wins over synonyms.
    where, path : str
        How error messages name the file (and sheet).

    Raises
    ------
    IngestError
        Two headers map to one field, or a required field has no header.

    Examples
    --------
    >>> m = map_headers(
    ...     ["Kenmerk", "Partner", "Land", "Faculteit", "Soort", "Startdatum", "Notes"],
    ...     "partnerships",
    ... )
    >>> m.mapping[0], m.unmapped, m.language
    ('agreement_id', ['Notes'], 'nl')
    >>> m.decisions[-1].rule
    'ignored'
    """
    extra = check_column_map(table, columns)
    lookup = header_lookup(table)
    cells = list(header_cells)
    decisions: list[HeaderDecision] = []
    langs: list[frozenset[str]] = []
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        hit = _match_cell(cell, lookup, extra)
        decisions.append(
            HeaderDecision(i, cell, hit[0], hit[1])
            if hit
            else HeaderDecision(i, cell, None, IGNORED)
        )
        if hit and hit[2] is not None:
            langs.append(hit[2])
    mapping = {d.position: d.field for d in decisions if d.field is not None}
    _check_mapping(cells, mapping, table, where, path)
    return HeaderMapping(
        cells=cells,
        mapping=mapping,
        language=vote_language(langs),
        unmapped=[d.header for d in decisions if d.field is None],
        decisions=tuple(decisions),
    )


def _check_mapping(
    header: list[str], mapping: dict[int, str], table: Table, where: str, path: str | None
) -> None:
    """Raise when two headers fill one field, or a required field has none."""
    by_col: dict[str, list[int]] = {}
    for i, col in mapping.items():
        by_col.setdefault(col, []).append(i)
    dupes = {c: ix for c, ix in by_col.items() if len(ix) > 1}
    if dupes:
        detail = "; ".join(
            f"{c} <- " + ", ".join(repr(header[i]) for i in ix) for c, ix in dupes.items()
        )
        raise IngestError(
            f"{where}: several columns map to the same field ({detail}); drop one or rename it "
            "with columns={...}",
            path=path,
        )
    missing = [c for c in schemas.REQUIRED[table] if c not in by_col]
    if missing:
        found = [h for h in header if h.strip()]
        raise IngestError(
            f"{where}: missing required column(s) {', '.join(missing)}; found columns "
            f"{found or 'none'} (header looked for in the first {HEADER_SCAN_ROWS} rows); "
            f"expected {table} columns {', '.join(schemas.REQUIRED[table])} under any known "
            "synonym, or map them with columns={'Your header': 'field'}",
            path=path,
        )


def vote_language(langs: list[frozenset[str]]) -> str:
    """The language most matched synonyms belong to (a synonym of k languages gives each 1/k)."""
    votes: dict[str, float] = {}
    for ls in langs:
        for lang in ls:
            votes[lang] = votes.get(lang, 0.0) + 1.0 / len(ls)
    return max(sorted(votes), key=lambda k: votes[k]) if votes else "en"
