"""One mapped grid to the canonical table of all its rows, their failures and the report entry.

The steps, each a function: the rows below the header, trimmed, missing markers made empty,
blank rows dropped (:func:`_body`); totals rows found (:func:`_summary_rows`); each mapped column
parsed by the parser of its field (:func:`parse_column`, on a thread pool for large files); the
checks and notes gathered in the schema's column order, absent columns filled from the user's
defaults or derived (:func:`_gather`), then the checks across columns (:func:`_cross_checks`:
end before start, the country against its Erasmus code and its name); provenance and dtypes
(:func:`_finish`). Columns are parsed concurrently but recorded in a fixed order, so threaded =
serial, rejects order included. :func:`parse_defaults` reads the user's defaults as data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schemas
from ..errors import IngestError
from ._fields import (
    BLANK_ALLOWED,
    BOOLEAN_COLUMNS,
    CATEGORY_COLUMNS,
    DATE_COLUMNS,
    IDENTIFIER_COLUMNS,
    MAX_TEXT_LENGTH,
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    Table,
)
from ._grid import ARROW_STR, Grid
from ._headers import HeaderMapping
from ._report import Failures, file_entry
from ._values import (
    blank_markers,
    fill_basis,
    first_seen_codes,
    is_summary_label,
    parse_boolean,
    parse_category,
    parse_country,
    parse_dates,
    parse_faculty,
    parse_identifier,
    parse_numbers,
    parse_period,
    parse_text,
    repeat_text,
    trim_column,
)
from ._vocab import convention, currency_pattern, value_lookup, value_word_notes

#: Rows from which the columns of a file are trimmed and parsed on a thread pool: the work is in
#: Arrow and numpy kernels, which release the GIL, one column per task.
_PARALLEL_ROWS = 100_000

#: One failure check of a column: (row mask, column, reason, detail template or the details of
#: the masked rows in order).
_Check = tuple[np.ndarray, str, str, Any]
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
    if col in IDENTIFIER_COLUMNS:
        return _identifier_column
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


def _identifier_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    val, bad, why, _country = parse_identifier(s, col)
    cells = s.to_numpy(dtype=object)[bad]
    details = [f"{col} {c!r} is not valid: {w}" for c, w in zip(cells, why, strict=True)]
    return val, [(bad, col, "invalid_identifier", details)], []


def _country_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    iso, bad = parse_country(s)
    template = "unknown country {country!r} (not an ISO 3166 name or code)"
    return iso, [(bad, col, "unknown_country", template)], []


def _category_column(col: str, s: pd.Series, empty: np.ndarray, ctx: _Context) -> _Parsed:
    cat, bad = parse_category(s, col)
    allowed = ", ".join(CATEGORY_COLUMNS[col].categories)
    template = f"unknown {col} {{{col}!r}}; expected one of {allowed}"
    distinct = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.unique()
    notes = value_word_notes(col, distinct)  # values read by their words, not a synonym
    return cat, [(bad & ~empty, col, "unknown_category", template)], notes


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
    """The records below the header: mapped columns trimmed, missing markers made empty
    (``raw``), blank rows dropped."""

    raw: pd.DataFrame
    rows: np.ndarray  # each record's row in the grid
    lines: np.ndarray  # each record's line number
    spill: np.ndarray  # records with content beyond the header's last column
    width_header: int
    blank: int  # rows of empty cells dropped
    may_be_long: dict[str, bool]  # per field: whether a cell may exceed MAX_TEXT_LENGTH
    notes: list[str]  # missing markers found, per field


#: Fields whose cells are never missing markers: ``NA`` is Namibia.
_MARKERS_EXEMPT = frozenset({"country", "country_name"})


def _body(grid: Grid, header_row: int, header: HeaderMapping) -> _Body:
    """Trim every column below the header (thread pool), make missing markers empty, drop blank
    rows, find spilling rows."""
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
    raw_cols, notes = {}, []
    for i, col in header.mapping.items():
        raw_cols[col] = trimmed[i][0]
        if col not in _MARKERS_EXEMPT:
            raw_cols[col], n, found = blank_markers(raw_cols[col])
            if n:
                shown = ", ".join(repr(m) for m in found)
                notes.append(f"{col}: {n:,} missing markers ({shown}) read as empty")
    raw = pd.DataFrame(raw_cols, copy=False)
    blank = ~nonblank
    if blank.any():
        raw = raw[nonblank].reset_index(drop=True)
    return _Body(
        raw=raw,
        rows=np.flatnonzero(nonblank) + header_row + 1,
        lines=lines[nonblank],
        spill=spill[nonblank],
        width_header=width_header,
        blank=int(blank.sum()),
        may_be_long=may_be_long,
        notes=notes,
    )


#: A cell that is a number (money, a count, a share): digits with separators, a sign, a currency.
_NUMBER_CELL = re.compile(r"[-+(]?\s*(?:[€$£]\s*)?\d[\d\s.,'’]*\)?\s*(?:%|€|[A-Za-z]{3})?")


def _summary_rows(
    table: Table, grid: Grid, body: _Body, header: HeaderMapping
) -> tuple[np.ndarray, list[str]]:
    """Totals and subtotals: rows lacking a required field whose label (first non-number cell)
    is a summary word (``summary_words.csv``), or that hold only numbers and at most one label,
    outside the partner's column.

    Only rows with a required field empty are looked at (none in a clean file), one by one.
    """
    lacking = np.zeros(len(body.raw), dtype=bool)
    # the fields the file's columns must fill: an Erasmus code when it is the country's source
    source = ("erasmus_code",) if "country" not in body.raw else ()
    for c in (*schemas.FILLED[table], *source):
        if c in body.raw:
            lacking |= (body.raw[c] == "").to_numpy(dtype=bool)
    found = np.zeros(len(body.raw), dtype=bool)
    details: list[str] = []
    if not lacking.any():
        return found, details
    id_pos = next((i for i, c in header.mapping.items() if c == "agreement_id"), None)
    # a label and numbers are a subtotal only when the label is not where the partner (the
    # country of a headcount) is: "Rechten;;2" may be a partner missing its country
    who = _WHO[table]
    who_empty = (
        (body.raw[who] == "").to_numpy(dtype=bool)
        if who in body.raw
        else np.ones(len(body.raw), dtype=bool)
    )
    cand = np.flatnonzero(lacking)
    sub = grid.cells.iloc[body.rows[cand]].astype(object).to_numpy()
    for k, row in zip(cand, sub, strict=True):
        cells = [(j, str(v).strip()) for j, v in enumerate(row) if isinstance(v, str) and v.strip()]
        numbers = [v for j, v in cells if j != id_pos and _NUMBER_CELL.fullmatch(v)]
        labels = [v for _j, v in cells if not _NUMBER_CELL.fullmatch(v)]
        if labels and is_summary_label(labels[0]):
            details.append(f"a totals row ({labels[0]!r}), not a {_RECORD[table]}")
        elif numbers and len(labels) <= 1 and who_empty[k]:
            what = f"a label ({labels[0]!r}) and numbers" if labels else "numbers"
            details.append(f"a row of only {what}: a total or subtotal, not a {_RECORD[table]}")
        else:
            continue
        found[k] = True
    return found, details


_RECORD = {"partnerships": "partnership", "headcounts": "headcount"}
#: The field naming what a row is about: a subtotal's label is never in it.
_WHO = {"partnerships": "partner", "headcounts": "country"}


def _parse_fields(
    table: Table, body: _Body, ctx: _Context
) -> tuple[dict[str, _Parsed], np.ndarray | None]:
    """Every mapped field parsed (thread pool), and the agreement ids' codes (:func:`first_seen_codes`)."""
    raw = body.raw
    required = set(schemas.FILLED[table])
    if "erasmus_code" in raw:  # a blank country may come from the Erasmus code: checked later
        required.discard("country")
    todo = [c for c in schemas.TABLES[table] if c not in schemas.PROVENANCE and c in raw]
    # the slowest parsers first, so that the pool's tasks end together
    todo.sort(key=lambda c: (c not in NUMBER_COLUMNS, c not in DATE_COLUMNS))
    tasks: list[str | None] = list(todo)
    if "agreement_id" in todo:  # the duplicate check's codes, beside the other columns
        tasks.insert(1, None)

    def run(c: str | None) -> Any:
        if c is None:
            return first_seen_codes(raw["agreement_id"])
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
    fill: Fill,
) -> tuple[dict[str, Any], list[str]]:
    """The table's columns and notes, checks recorded in the schema's column order (whatever
    ran first); a column the file lacks is its default, derived, or NA.
    """
    spec = schemas.TABLES[table]
    n = len(body.raw)
    out: dict[str, Any] = {}
    notes: list[str] = list(body.notes)
    for col in spec:
        if col in schemas.PROVENANCE:
            continue
        if col in body.raw:
            out[col], checks, col_notes = parsed[col]
            for check in checks:
                fails.add(*check)
            notes.extend(col_notes)
        elif col in fill.defaults and col != "basis":
            out[col] = fill.defaults[col].take(np.zeros(n, dtype=np.intp)).reset_index(drop=True)
            shown = fill.given[col]
            notes.append(f"{col}: {shown!r} for every row (default given: --set {col}={shown})")
        elif col == "agreement_id" and table == "partnerships":
            out[col] = _derived_ids(fill.stem, body.lines)
            example = f"{fill.stem}:{body.lines[0]}" if n else f"{fill.stem}:<row>"
            notes.append(
                f"agreement_id: the file has no id column; each row's id is <file stem>:<row> "
                f"(e.g. {example!r})"
            )
        else:
            out[col] = _absent(spec[col], n)
    return out, notes


def _absent(dtype: Any, n: int) -> pd.Series:
    """A column of ``n`` NA (text in Arrow: ~7x faster than from a scalar at 10^6 rows)."""
    if dtype == schemas.TEXT:
        return pd.Series(pd.array(pa.nulls(n, pa.string()), dtype=schemas.TEXT))
    return pd.Series(pd.NA, index=range(n), dtype=dtype)


def _derived_ids(stem: str, lines: np.ndarray) -> pd.Series:
    """``<file stem>:<row>`` for each record, built in Arrow."""
    rows = pa.array(lines.astype(np.int64)).cast(pa.string())
    ids = pc.binary_join_element_wise(pa.scalar(f"{stem}:"), rows, "")
    return pd.Series(pd.array(ids, dtype=ARROW_STR))


def _cross_checks(
    table: Table, body: _Body, out: dict[str, Any], fails: Failures, fill: Fill
) -> list[str]:
    """The checks across columns: end before start; the country from or against the Erasmus
    code, then against the country's name (auxiliary, dropped); the basis of headcounts."""
    notes: list[str] = []
    raw = body.raw
    if table == "partnerships":
        eb = (out["end"] < out["start"]).fillna(False).to_numpy(dtype=bool)
        fails.add(eb, "end", "end_before_start", "end {end!r} is before start {start!r}")
        if "erasmus_code" in raw:
            notes.extend(_country_from_code(raw, out, fails))
    if "country_name" in raw:
        notes.extend(_country_against_name(raw, out, fails))
    if table == "headcounts":
        out["basis"], note = fill_basis(out["basis"], out["group"], fill.basis, "basis" in raw)
        if note:
            notes.append(note)
    return notes


def _disagree(
    fails: Failures, mask: np.ndarray, country: pd.Series, other: pd.Series, source: str
) -> None:
    """``inconsistent_country`` for the rows of ``mask``, the detail naming both countries."""
    pos = np.flatnonzero(mask)
    if not len(pos):
        return
    rows = fails.values.iloc[pos]
    details = [
        f"country {c!r}{f' is {g}' if c != g else ''} but {source} {s!r} gives {o}"
        for c, g, s, o in zip(
            rows["country"].astype(object) if "country" in rows else country.iloc[pos],
            country.iloc[pos].astype(object),
            rows[source].astype(object),
            other.iloc[pos].astype(object),
            strict=True,
        )
    ]
    fails.add(mask, "country", "inconsistent_country", details)


def _country_from_code(raw: pd.DataFrame, out: dict[str, Any], fails: Failures) -> list[str]:
    """The country an Erasmus code's prefix gives: fills a missing country (column or cell),
    and a country that is there must agree with it."""
    code_country = parse_identifier(raw["erasmus_code"], "erasmus_code")[3]
    no_code = (raw["erasmus_code"] == "").to_numpy(dtype=bool)
    if "country" not in raw:
        out["country"] = code_country
        fails.add(no_code, "erasmus_code", "missing_value", "erasmus_code is empty (no country)")
        return ["country: from the prefix of erasmus_code (the file has no country column)"]
    country = out["country"]
    blank = (raw["country"] == "").to_numpy(dtype=bool)
    take = blank & code_country.notna().to_numpy(dtype=bool)
    fails.add(blank & no_code, "country", "missing_value", "country is empty")
    differ = (country.notna() & code_country.notna() & (country != code_country)).to_numpy(
        dtype=bool, na_value=False
    )
    _disagree(fails, differ, country, code_country, "erasmus_code")
    out["country"] = country.where(~take, code_country)
    notes = ["country: cross-checked against the prefix of erasmus_code"]
    if take.any():
        notes.append(f"country: {int(take.sum()):,} empty cells filled from erasmus_code")
    return notes


def _country_against_name(raw: pd.DataFrame, out: dict[str, Any], fails: Failures) -> list[str]:
    """A country's name beside its code must name the same country; then the name is dropped."""
    iso, unknown = parse_country(raw["country_name"])
    country = out["country"]
    differ = (country.notna() & iso.notna() & (country != iso)).to_numpy(dtype=bool, na_value=False)
    _disagree(fails, differ, country, iso, "country_name")
    notes = ["country_name: cross-checked against country, then dropped"]
    if unknown.any():
        names = raw["country_name"][unknown].drop_duplicates().head(3)
        shown = ", ".join(repr(v) for v in names)
        notes.append(
            f"country_name: {int(unknown.sum()):,} names not recognised ({shown}), not checked"
        )
    return notes


def _finish(table: Table, out: dict[str, Any], grid: Grid, lines: np.ndarray) -> pd.DataFrame:
    """The canonical table: provenance columns added, the schema's order and dtypes."""
    n = len(lines)
    spec = schemas.TABLES[table]
    out["source_file"] = repeat_text(str(grid.path), n)
    out["source_sheet"] = repeat_text(grid.sheet, n)
    out["source_row"] = pd.array(lines, dtype="Int64")
    frame = pd.DataFrame(out, copy=False)[list(spec)]  # the columns are ours: no copy
    return frame.astype(spec)  # type: ignore[arg-type]


def _preload() -> None:
    """Read the vocabulary once, before any column task on the pool needs it."""
    value_lookup()
    currency_pattern()
    convention("en")


@dataclass(frozen=True)
class Fill:
    """What fills the columns a file lacks: the user's defaults (parsed, one value each, and as
    given), the file's stem (for derived ids) and the headcounts basis asked for."""

    defaults: Mapping[str, pd.Series]
    given: Mapping[str, str]
    stem: str = ""
    basis: str | None = None


#: Date defaults are ISO: a default has no column of dates to decide its order from.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _default_hint(col: str, value: str) -> str:
    return f"--set {col}={value} (defaults={{{col!r}: {value!r}}})"


def parse_defaults(table: Table, defaults: Mapping[str, str] | None) -> dict[str, pd.Series]:
    """The user's defaults read like data (one cell each): field -> its one parsed value.

    Raises one :class:`IngestError` naming every default that is not usable (a field that may
    not be defaulted, or a value its field's parser rejects), each as ``--set field=value``.

    Examples
    --------
    >>> parse_defaults("partnerships", {"kind": "uitwisseling"})["kind"].tolist()
    ['exchange']
    """
    allowed = schemas.DEFAULTABLE[table]
    problems: list[str] = []
    typed: dict[str, pd.Series] = {}
    for col, value in (defaults or {}).items():
        text = str(value).strip()
        hint = _default_hint(col, text)
        if col not in allowed:
            why = (
                "varies by row: the file must have the column"
                if col in schemas.TABLES[table] or col in schemas.AUXILIARY[table]
                else f"is not a {table} field"
            )
            problems.append(f"{hint}: {col} {why} (defaults may set {', '.join(allowed)})")
            continue
        if col in DATE_COLUMNS and not _ISO_DATE.fullmatch(text):
            problems.append(f"{hint}: give the date as YYYY-MM-DD")
            continue
        cell = pd.Series(pd.array([text], dtype=ARROW_STR))
        ctx = _Context(None, "en", None)
        val, checks, _ = parse_column(col, cell, required=True, may_be_long=True, ctx=ctx)
        failed = [(c[3], c[0]) for c in checks if np.asarray(c[0], dtype=bool).any()]
        if failed:
            template = failed[0][0]
            detail = template.format_map({col: text}) if isinstance(template, str) else template[0]
            problems.append(f"{hint}: {detail}")
            continue
        typed[col] = val
    if problems:
        raise IngestError(f"{len(problems)} default(s) not usable: " + "; ".join(problems))
    return typed


def parse_grid(
    table: Table,
    grid: Grid,
    header_row: int,
    header: HeaderMapping,
    *,
    dayfirst: bool | None,
    fill: Fill,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], np.ndarray | None, np.ndarray]:
    """Parse a mapped grid into the canonical table (all rows), its failures (long form), the
    report's file entry, the agreement ids' codes (:func:`first_seen_codes`) (for the duplicate check) and each
    record's row in the grid.
    """
    _preload()
    body = _body(grid, header_row, header)
    fails = Failures(body.raw)
    summary, details = _summary_rows(table, grid, body, header)
    # a totals row is that and nothing else: its empty fields are not reported
    fails.add(summary, body.raw.columns[0], "summary_row", details)
    fails.add(
        body.spill,
        body.raw.columns[-1],
        "malformed_row",
        f"the row has more cells than the header's {body.width_header} columns",
    )
    ctx = _Context(grid.separator, header.language, dayfirst)
    parsed, key_codes = _parse_fields(table, body, ctx)
    out, notes = _gather(table, body, parsed, fails, fill)
    notes.extend(_cross_checks(table, body, out, fails, fill))
    frame = _finish(table, out, grid, body.lines)
    info = file_entry(grid, header_row, header, len(body.raw), body.blank, notes)
    failures = fails.frame()
    if summary.any():
        pos = failures["pos"].to_numpy()
        failures = failures[~summary[pos] | (failures["reason"] == "summary_row").to_numpy()]
    return frame, failures.reset_index(drop=True), info, key_codes, body.rows
