"""One mapped grid to the canonical table of all its rows, their failures and the report entry.

The steps, each a function: the rows below the header, trimmed, blank rows dropped
(:func:`_body`); each mapped column parsed by the parser of its field (:func:`parse_column`, on
a thread pool for large files); the checks and notes gathered in the schema's column order, then
the checks across columns (:func:`_gather`); provenance and dtypes (:func:`_finish`). Columns are
parsed concurrently but recorded in a fixed order, so threaded = serial, rejects order included.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from ._fields import (
    BLANK_ALLOWED,
    BOOLEAN_COLUMNS,
    CATEGORY_COLUMNS,
    DATE_COLUMNS,
    MAX_TEXT_LENGTH,
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    Table,
)
from ._grid import Grid
from ._headers import HeaderMapping
from ._report import Failures, file_entry
from ._values import (
    fill_basis,
    parse_boolean,
    parse_category,
    parse_country,
    parse_dates,
    parse_faculty,
    parse_numbers,
    parse_period,
    parse_text,
    repeat_text,
    trim_column,
)
from ._vocab import convention, currency_pattern, value_lookup

#: Rows from which the columns of a file are trimmed and parsed on a thread pool: the work is in
#: Arrow and numpy kernels, which release the GIL, one column per task.
_PARALLEL_ROWS = 100_000

#: One failure check of a column: (row mask, column, reason, detail template).
_Check = tuple[np.ndarray, str, str, str]
#: A parsed column: its values, its failure checks and its notes for the report.
_Parsed = tuple[pd.Series, list[_Check], list[str]]


def _pmap(fn: Callable[[Any], Any], items: Sequence[Any], rows: int) -> list[Any]:
    """``[fn(x) for x in items]``, on a thread pool for large tables (results in order)."""
    workers = min(len(items), os.cpu_count() or 1, 8)
    if rows < _PARALLEL_ROWS or workers < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(fn, items))


@dataclass(frozen=True)
class _Context:
    """What a column parser may use besides its cells: the file's separator (None for a
    workbook), the header language, the date order asked for."""

    separator: str | None
    language: str
    dayfirst: bool | None


# --------------------------------------------------------------------------------------------
# One column
# --------------------------------------------------------------------------------------------


def parse_column(
    col: str, s: pd.Series, *, required: bool, may_be_long: bool, ctx: _Context
) -> _Parsed:
    """Parse one trimmed text column: its values, its failure checks and notes (no side effects,
    so columns can be parsed concurrently; the caller records checks and notes in column order).
    """
    empty = (s == "").to_numpy()
    checks: list[_Check] = []
    if required and col not in BLANK_ALLOWED:
        checks.append((empty, col, "missing_value", f"{col} is empty"))
    if (col in TEXT_COLUMNS or col == "period") and may_be_long:
        too_long = (s.str.len() > MAX_TEXT_LENGTH).to_numpy()
        template = f"{col} is longer than {MAX_TEXT_LENGTH:,} characters"
        checks.append((too_long, col, "value_too_long", template))
    values, more, notes = _parser_for(col)(col, s, empty, ctx)
    return values, checks + more, notes


def _parser_for(col: str) -> Callable[[str, pd.Series, np.ndarray, _Context], _Parsed]:
    if col in TEXT_COLUMNS:
        return _text_column
    if col == "country":
        return _country_column
    if col in CATEGORY_COLUMNS:
        return _category_column
    if col in BOOLEAN_COLUMNS:
        return _boolean_column
    if col in DATE_COLUMNS:
        return _date_column
    if col in NUMBER_COLUMNS:
        return _number_column
    if col == "period":
        return _period_column
    raise AssertionError(f"no parser for column {col!r}")  # every schema column has one


def _text_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    return (parse_faculty(s) if col == "faculty" else parse_text(s)), [], []


def _country_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    iso, bad = parse_country(s)
    template = "unknown country {country!r} (not an ISO 3166 name or code)"
    return iso, [(bad, col, "unknown_country", template)], []


def _category_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    cat, bad = parse_category(s, col)
    allowed = ", ".join(CATEGORY_COLUMNS[col].categories)
    template = f"unknown {col} {{{col}!r}}; expected one of {allowed}"
    return cat, [(bad & ~empty, col, "unknown_category", template)], []


def _boolean_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    val, bad, note = parse_boolean(s, col)
    template = (
        f"{col} {{{col}!r}} is not yes/no (ja/nee, oui/non, ja/nei, true/false, 1/0, x/blank)"
    )
    return val, [(bad, col, "invalid_boolean", template)], [note] if note else []


def _date_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    val, invalid, impossible, note = parse_dates(s, col, ctx.dayfirst, ctx.language)
    checks = [
        (invalid & ~empty, col, "invalid_date", f"{col} {{{col}!r}} is not a date"),
        (impossible & ~empty, col, "impossible_date", f"{col} {{{col}!r}} is not a calendar date"),
    ]
    return val, checks, [note]


def _number_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    integer = NUMBER_COLUMNS[col] == "int"
    val, invalid, note = parse_numbers(s, col, ctx.separator, ctx.language, integer=integer)
    what = "whole number" if integer else "number"
    neg = np.less(val.to_numpy(dtype="float64", na_value=np.nan), 0)
    checks = [
        (invalid & ~empty, col, "invalid_number", f"{col} {{{col}!r}} is not a {what}"),
        (neg, col, "negative_value", f"{col} {{{col}!r}} is negative"),
    ]
    return val, checks, [note] if note else []


def _period_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    val, bad = parse_period(s, ctx.dayfirst, ctx.language)
    template = "period {period!r} is not an academic year like 2021/22 or a date"
    return val, [(bad & ~empty, col, "invalid_period", template)], []


# --------------------------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Body:
    """The records below the header: mapped columns trimmed (``raw``), blank rows dropped."""

    raw: pd.DataFrame
    lines: np.ndarray  # each record's line number
    spill: np.ndarray  # records with content beyond the header's last column
    width_header: int
    blank: int  # rows of empty cells dropped
    may_be_long: dict[str, bool]  # per field: whether a cell may exceed MAX_TEXT_LENGTH


def _body(grid: Grid, header_row: int, header: HeaderMapping) -> _Body:
    """Trim every column below the header (thread pool), drop blank rows, find spilling rows."""
    cells = grid.cells.iloc[header_row + 1 :].reset_index(drop=True)
    lines = grid.line[header_row + 1 :]
    # the header spans up to its last non-empty cell (unmapped columns included)
    width_header = max(i for i, h in enumerate(header.cells) if h.strip()) + 1
    positions = [int(i) for i in cells.columns]
    trimmed = dict(
        zip(positions, _pmap(lambda i: trim_column(cells[i]), positions, len(cells)), strict=True)
    )
    filled = {i: t[1] for i, t in trimmed.items()}
    # a column none of whose cells has more bytes than the limit has no cell over it in characters
    may_be_long = {col: trimmed[i][2] > MAX_TEXT_LENGTH for i, col in header.mapping.items()}
    # blank rows (all cells empty) are not records; rows with content beyond the header's last
    # column are malformed (their cells cannot be assigned to fields; nothing is dropped)
    nonblank = np.logical_or.reduce(list(filled.values())) if filled else np.zeros(0, bool)
    beyond = [filled[i] for i in filled if i >= width_header]
    spill = np.logical_or.reduce(beyond) if beyond else np.zeros(len(cells), dtype=bool)
    raw = pd.DataFrame({col: trimmed[i][0] for i, col in header.mapping.items()})
    blank = ~nonblank
    if blank.any():
        raw = raw[nonblank].reset_index(drop=True)
    return _Body(
        raw=raw,
        lines=lines[nonblank],
        spill=spill[nonblank],
        width_header=width_header,
        blank=int(blank.sum()),
        may_be_long=may_be_long,
    )


def _parse_fields(
    table: Table, body: _Body, ctx: _Context
) -> tuple[dict[str, _Parsed], np.ndarray | None]:
    """Every mapped field parsed (thread pool), and the agreement ids' factorize codes."""
    raw = body.raw
    required = set(schemas.REQUIRED[table])
    todo = [c for c in schemas.TABLES[table] if c not in schemas.PROVENANCE and c in raw]
    # the slowest parsers first, so that the pool's tasks end together
    todo.sort(key=lambda c: (c not in NUMBER_COLUMNS, c not in DATE_COLUMNS))
    tasks: list[str | None] = list(todo)
    if "agreement_id" in todo:  # the duplicate check's factorize, beside the other columns
        tasks.insert(1, None)

    def run(c: str | None) -> Any:
        if c is None:
            return pd.factorize(raw["agreement_id"], use_na_sentinel=True)[0]
        return parse_column(
            c, raw[c], required=c in required, may_be_long=body.may_be_long[c], ctx=ctx
        )

    results = _pmap(run, tasks, len(raw))
    parsed = {c: r for c, r in zip(tasks, results, strict=True) if c is not None}
    key_codes = next((r for c, r in zip(tasks, results, strict=True) if c is None), None)
    return parsed, key_codes


def _gather(
    table: Table,
    body: _Body,
    parsed: dict[str, _Parsed],
    fails: Failures,
    basis: str | None,
) -> tuple[dict[str, Any], list[str]]:
    """The table's columns and notes, checks recorded in the schema's column order (whatever
    ran first), then the checks across columns and the basis fill of headcounts.
    """
    spec = schemas.TABLES[table]
    n = len(body.raw)
    out: dict[str, Any] = {}
    notes: list[str] = []
    for col in spec:
        if col in schemas.PROVENANCE:
            continue
        if col not in body.raw:
            out[col] = pd.Series(pd.NA, index=range(n), dtype=spec[col])  # type: ignore[call-overload]
            continue
        out[col], checks, col_notes = parsed[col]
        for check in checks:
            fails.add(*check)
        notes.extend(col_notes)
    if table == "partnerships":
        eb = (out["end"] < out["start"]).fillna(False).to_numpy(dtype=bool)
        fails.add(eb, "end", "end_before_start", "end {end!r} is before start {start!r}")
    if table == "headcounts":
        out["basis"], note = fill_basis(out["basis"], out["group"], basis, "basis" in body.raw)
        if note:
            notes.append(note)
    return out, notes


def _finish(table: Table, out: dict[str, Any], grid: Grid, lines: np.ndarray) -> pd.DataFrame:
    """The canonical table: provenance columns added, the schema's order and dtypes."""
    n = len(lines)
    spec = schemas.TABLES[table]
    out["source_file"] = repeat_text(str(grid.path), n)
    out["source_sheet"] = repeat_text(grid.sheet, n)
    out["source_row"] = pd.array(lines, dtype="Int64")
    frame = pd.DataFrame(out)[list(spec)]
    return frame.astype(spec)  # type: ignore[arg-type]


def _preload() -> None:
    """Read the vocabulary once, before any column task on the pool needs it."""
    value_lookup()
    currency_pattern()
    convention("en")


def parse_grid(
    table: Table,
    grid: Grid,
    header_row: int,
    header: HeaderMapping,
    *,
    dayfirst: bool | None,
    basis: str | None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], np.ndarray | None]:
    """Parse a mapped grid into the canonical table (all rows), its failures (long form), the
    report's file entry and the agreement ids' factorize codes (for the duplicate check).
    """
    _preload()
    body = _body(grid, header_row, header)
    fails = Failures(body.raw)
    fails.add(
        body.spill,
        body.raw.columns[-1],
        "malformed_row",
        f"the row has more cells than the header's {body.width_header} columns",
    )
    ctx = _Context(grid.separator, header.language, dayfirst)
    parsed, key_codes = _parse_fields(table, body, ctx)
    out, notes = _gather(table, body, parsed, fails, basis)
    frame = _finish(table, out, grid, body.lines)
    info = file_entry(grid, header_row, header, len(body.raw), body.blank, notes)
    return frame, fails.frame(), info, key_codes
