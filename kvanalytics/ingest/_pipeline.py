"""The public readers and the pipeline over their files, with the row accounting.

Per file: bytes -> :class:`~._grid.Grid` (``_grid``) -> header row and mapping (``_headers``;
the auxiliary columns and a rejects file's own columns set aside here) -> the fields checked
against the defaults -> columns parsed (``_parse``, ``_values``) -> failures. Over all files:
repeated ids, ties (``ties=True``) or headcount keys -> rejects with the rows' original cells and
report (``_report``), ``read == accepted + rejected`` checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import IngestError
from ._fields import REPEATING, Errors, PathLike, Table, missing_fields
from ._grid import HEADER_SCAN_ROWS, read_grid
from ._headers import (
    HeaderMapping,
    check_column_map,
    find_header_row,
    header_probe,
    map_headers,
    match_header,
    row_cells,
)
from ._parse import Fill, parse_defaults, parse_grid
from ._report import (
    Ingested,
    IngestReport,
    RowSource,
    rejects_from,
    rejects_message,
    row_source,
)
from ._values import first_seen_codes
from ._vocab import key

__all__ = ["read_headcounts", "read_partnerships"]


@overload
def read_partnerships(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    dayfirst: bool | None = ...,
    defaults: Mapping[str, str] | None = ...,
    ties: bool = ...,
    errors: Literal["raise"] = ...,
) -> pd.DataFrame: ...
@overload
def read_partnerships(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    dayfirst: bool | None = ...,
    defaults: Mapping[str, str] | None = ...,
    ties: bool = ...,
    errors: Literal["collect"],
) -> Ingested: ...
def read_partnerships(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dayfirst: bool | None = None,
    defaults: Mapping[str, str] | None = None,
    ties: bool = False,
    errors: Errors = "raise",
) -> pd.DataFrame | Ingested:
    """Read partnership exports into the canonical *partnerships* table.

    Parameters
    ----------
    paths : path or sequence of paths
        CSV or XLSX files (detected from content, not the name). Several files are read as one
        table; an ``agreement_id`` repeated across them is rejected like one repeated in a file.
    columns : mapping, optional
        Extra header mapping ``{"Naam partner": "partner"}`` for headers the synonym file lacks;
        ``{"Country name": "country_name"}`` names a column that cross-checks the country.
    sheet : str, optional
        Workbook sheet; by default the one sheet that holds the required columns.
    dayfirst : bool, optional
        Force the date order; by default decided per column from the data (a column holding
        ``31-08-2023`` is day-first), else from the language of the headers.
    defaults : mapping, optional
        One value for every row of a file that lacks the column, read like data:
        ``{"faculty": "ETSIT", "kind": "exchange", "start": "2026-09-01"}`` (dates ISO). Only
        ``partner`` and ``country`` (or an ``erasmus_code``, whose prefix gives the country) must
        be columns; a file without an id column gets ``<file stem>:<row>`` ids.
    ties : bool
        The export lists several partners per agreement (a consortium): ``(agreement_id,
        partner)`` must be unique rather than ``agreement_id``.
    errors : {"raise", "collect"}
        ``"raise"``: return the table, or raise one :class:`IngestError` listing the rejects by
        reason with examples. ``"collect"``: return an :class:`Ingested` (table, rejects, report).

    Returns
    -------
    pandas.DataFrame or Ingested

    Raises
    ------
    IngestError
        The file cannot be used (missing, empty, binary, no header with the required columns),
        or rows were rejected and ``errors="raise"``.

    Examples
    --------
    >>> import kvanalytics as kv
    >>> table, rejects = kv.read_partnerships("data/raw/sample_partnerships.csv",
    ...                                       errors="collect")  # doctest: +SKIP
    >>> kv.read_partnerships("socios.csv", defaults={"faculty": "ETSIT", "kind": "exchange",
    ...                      "start": "2026-09-01"})  # doctest: +SKIP
    """
    return _read(
        "partnerships",
        paths,
        columns=columns,
        sheet=sheet,
        dayfirst=dayfirst,
        errors=errors,
        defaults=defaults,
        ties=ties,
    )


@overload
def read_headcounts(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    basis: str | None = ...,
    dayfirst: bool | None = ...,
    defaults: Mapping[str, str] | None = ...,
    errors: Literal["raise"] = ...,
) -> pd.DataFrame: ...
@overload
def read_headcounts(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    basis: str | None = ...,
    dayfirst: bool | None = ...,
    defaults: Mapping[str, str] | None = ...,
    errors: Literal["collect"],
) -> Ingested: ...
def read_headcounts(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    basis: str | None = None,
    dayfirst: bool | None = None,
    defaults: Mapping[str, str] | None = None,
    errors: Errors = "raise",
) -> pd.DataFrame | Ingested:
    """Read headcounts of students and staff (period × faculty × group × country) into the canonical table.

    Parameters
    ----------
    paths : path or sequence of paths
        CSV or XLSX files.
    columns : mapping, optional
        Extra header mapping, as in :func:`read_partnerships`.
    sheet : str, optional
        Workbook sheet; by default the one sheet that holds the required columns.
    basis : {"nationality", "prior_diploma", "destination"}, optional
        What the country of a count is, for files without a basis column. A file without one and
        without this argument gets ``nationality`` for every group except ``exchange_out``, which
        is counted by ``destination``; the report says so.
    dayfirst : bool, optional
        Date order for ISO-less period dates, as in :func:`read_partnerships`.
    defaults : mapping, optional
        One value for every row of a file that lacks the column (``period``, ``faculty``,
        ``group``, ``country``, ``basis``), as in :func:`read_partnerships`; only ``headcount``
        must be a column.
    errors : {"raise", "collect"}
        As in :func:`read_partnerships`.

    Returns
    -------
    pandas.DataFrame or Ingested

    Examples
    --------
    >>> import kvanalytics as kv
    >>> hc = kv.read_headcounts("data/raw/national_2022-03_students.csv")  # doctest: +SKIP
    """
    if basis is not None and basis not in schemas.BASES:
        raise IngestError(f"basis={basis!r} is not one of {', '.join(schemas.BASES)}")
    if basis is not None and defaults and "basis" in defaults:
        raise IngestError("basis is given twice (basis= and defaults={'basis': ...}); give one")
    return _read(
        "headcounts",
        paths,
        columns=columns,
        sheet=sheet,
        dayfirst=dayfirst,
        errors=errors,
        basis=basis,
        defaults=defaults,
    )


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


def _read(
    table: Table,
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None,
    sheet: str | None,
    dayfirst: bool | None,
    errors: Errors,
    basis: str | None = None,
    defaults: Mapping[str, str] | None = None,
    ties: bool = False,
) -> pd.DataFrame | Ingested:
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors={errors!r}: use 'raise' or 'collect'")
    path_list = [paths] if isinstance(paths, str | Path) else list(paths)
    if not path_list:
        raise IngestError("no input files given")
    fields, aux = _split_columns(table, columns)
    extra = check_column_map(table, fields)
    typed = parse_defaults(table, defaults)
    given = {k: str(v).strip() for k, v in (defaults or {}).items()}
    if "basis" in typed:
        basis = str(typed["basis"].iloc[0])
    frames, failures, infos, sources = [], [], [], []
    offset = 0
    key_codes = None
    for p in path_list:
        fill = Fill(typed, given, Path(p).stem, basis)
        frame, fails, info, key_codes, src = _read_file(
            table, Path(p), extra, aux, sheet=sheet, dayfirst=dayfirst, fill=fill
        )
        frames.append(frame)
        failures.append(fails.assign(pos=fails["pos"] + offset))
        infos.append(info)
        sources.append((offset, src))
        offset += len(frame)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    # one file: its agreement_id codes came from the parse (computed beside the other columns)
    dups = _duplicate_failures(table, frame, key_codes if len(frames) == 1 else None, ties=ties)
    rejects = rejects_from(pd.concat([dups, *failures], ignore_index=True), frame, sources)
    keep = np.ones(len(frame), dtype=bool)
    keep[rejects.attrs.pop("pos")] = False
    table_df = frame[keep].reset_index(drop=True)
    by_reason = {str(k): int(v) for k, v in rejects["reason"].value_counts().items()}
    n_read = sum(i["rows"] for i in infos)
    report = IngestReport(table, infos, n_read, len(table_df), len(rejects), by_reason)
    if report.accepted + report.rejected != report.read:  # the promise; never silently break it
        raise AssertionError(f"row accounting broken: {report}")
    table_df.attrs["kv_ingest"] = report.to_dict()
    if errors == "collect":
        return Ingested(table_df, rejects, report)
    if len(rejects):
        raise IngestError(rejects_message(report, rejects), rejects=rejects)
    return table_df


def _split_columns(
    table: Table, columns: Mapping[str, str] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """The user's mapping split into fields (for ``map_headers``) and auxiliary columns
    (``country_name``: folded header -> name), which this module maps itself."""
    fields: dict[str, str] = {}
    aux: dict[str, str] = {}
    for header, field in (columns or {}).items():
        if field in schemas.AUXILIARY[table]:
            aux[key(header)] = field
        else:
            fields[header] = field
    return fields, aux


#: The columns of ingest's own rejects file (``schemas.REJECTS``): a file holding these is a
#: rejects file read again, its own columns ignored.
_REJECTS_SIGNATURE = frozenset({"source_file", "source_row", "reason", "detail"})


def _set_aside(
    cells: list[str], aux: Mapping[str, str], table: Table
) -> tuple[list[str], dict[int, str], list[int], list[str]]:
    """Header cells the field mapping must not see: auxiliary columns (position -> field), and
    a rejects file's own columns (their positions). Returns the header with both emptied, the
    auxiliary positions, the rejects file's column positions and the notes for the report."""
    aux_at = {i: aux[key(c)] for i, c in enumerate(cells) if c.strip() and key(c) in aux}
    found = {c.strip() for c in cells}
    own = (
        [i for i, c in enumerate(cells) if c.strip() in schemas.REJECTS]
        if found >= _REJECTS_SIGNATURE
        else []
    )
    # a header spelled as the auxiliary field itself
    aux_at.update(
        {i: c.strip() for i, c in enumerate(cells) if c.strip() in schemas.AUXILIARY[table]}
    )
    hidden = set(aux_at) | set(own)
    rest = ["" if i in hidden else c for i, c in enumerate(cells)]
    notes = []
    if own:
        names = ", ".join(cells[i].strip() for i in own)
        notes.append(
            f"a kvanalytics rejects file read again: its columns {names} are ignored "
            "(the rows' provenance is this file; their first provenance is kept in the "
            "rejects as original_source_file, original_source_row)"
        )
    return rest, aux_at, own, notes


def _read_file(
    table: Table,
    path: Path,
    extra: dict[str, str],
    aux: dict[str, str],
    *,
    sheet: str | None,
    dayfirst: bool | None,
    fill: Fill,
) -> tuple[pd.DataFrame, pd.DataFrame, dict, np.ndarray | None, RowSource]:
    """One file: its grid, header, the fields checked, the parse (see :func:`~._parse.parse_grid`)."""

    def qualifies(found: set[str]) -> bool:  # a sheet holds what the defaults leave to the file
        return set(schemas.REQUIRED[table]) <= found and not missing_fields(
            table, found, fill.given
        )

    probe = header_probe(table, extra)
    grid = read_grid(path, table, probe, sheet=sheet, repeating=REPEATING, qualifies=qualifies)
    row = find_header_row(grid.cells, table, extra)
    where = f"{grid.path}" + (f" [sheet {grid.sheet!r}]" if grid.sheet else "")
    cells = row_cells(grid.cells, row)
    rest, aux_at, own, notes = _set_aside(cells, aux, table)
    header = _map_headers(rest, table, extra, fill, where, str(grid.path))
    mapping = {**header.mapping, **aux_at}
    unmapped = [c for i, c in enumerate(cells) if c.strip() and i not in mapping and i not in own]
    header = replace(header, cells=cells, mapping=mapping, unmapped=unmapped)
    _check_fields(table, header, fill, where, str(grid.path))
    frame, fails, info, codes, rows = parse_grid(
        table, grid, row, header, dayfirst=dayfirst, fill=fill
    )
    info["notes"] = notes + list(grid.notes) + info["notes"]
    return frame, fails, info, codes, row_source(grid.cells, cells, rows)


def _map_headers(
    cells: list[str], table: Table, extra: dict[str, str], fill: Fill, where: str, path: str
) -> HeaderMapping:
    """:func:`map_headers`; when it fails for want of a required column, the error names every
    field the file still lacks with the ``--set`` / ``columns=`` that gives it."""
    try:
        return map_headers(cells, table, extra, where=where, path=path)
    except IngestError:
        fields = list(match_header(cells, table, extra)[0].values())
        present = set(fields)
        if set(schemas.REQUIRED[table]) <= present or len(present) < len(fields):
            raise  # not for want of a column (two headers claim one field, ...): as it said
        missing = [
            c for c in schemas.FILLED[table] if c in missing_fields(table, present, fill.given)
        ]
        found = HeaderMapping(cells, {}, "en", [], ())
        raise IngestError(_missing_message(table, missing, found, where), path=path) from None


def _check_fields(table: Table, header: HeaderMapping, fill: Fill, where: str, path: str) -> None:
    """A default for a column the file has, or a field no column, default or derivation gives,
    fails the file with the exact ``--set`` / ``columns=`` to add."""
    present = set(header.mapping.values())
    clash = [c for c in fill.given if c in present]
    if clash:
        cols = {f: header.cells[i] for i, f in header.mapping.items()}
        listed = "; ".join(f"{c} (column {cols[c]!r})" for c in clash)
        raise IngestError(
            f"{where}: the file has a column for {listed}, and a default was given too. A "
            "default fills only a column the file lacks: drop "
            + ", ".join(f"--set {c}=..." for c in clash)
            + " (defaults=), or map the column to another field with columns={...}",
            path=path,
        )
    missing = missing_fields(table, present, fill.given)
    if missing:
        raise IngestError(_missing_message(table, missing, header, where), path=path)


#: What a ``--set`` for each field looks like in a message.
_SET_EXAMPLE = {
    "faculty": "FACULTY",
    "kind": "exchange",
    "start": "YYYY-MM-DD",
    "period": "2024/25",
    "group": "degree_student",
    "country": "NL",
}


_DERIVED_NOTE = {
    "partnerships": " (without an id column each row's id is <file stem>:<row>)",
    "headcounts": "",
}


def _missing_message(table: Table, missing: list[str], header: HeaderMapping, where: str) -> str:
    found = [h for h in header.cells if h.strip()]
    settable = [c for c in missing if c in schemas.DEFAULTABLE[table]]
    fixed = [c for c in missing if c not in settable]
    parts = [
        f"{where}: missing required column(s) {', '.join(missing)}; found columns "
        f"{found or 'none'} (header looked for in the first {HEADER_SCAN_ROWS} rows); expected "
        f"{table} columns {', '.join(schemas.FILLED[table])}{_DERIVED_NOTE[table]}. If a column "
        f"holds it under another header, map it: columns={{'Your header': {missing[0]!r}}} "
        "(--columns MAP.yaml)."
    ]
    if settable:
        sets = " ".join(f"--set {c}={_SET_EXAMPLE.get(c, 'VALUE')}" for c in settable)
        py = ", ".join(f"{c!r}: {_SET_EXAMPLE.get(c, 'VALUE')!r}" for c in settable)
        parts.append(f"If every row has the same value, add {sets} (defaults={{{py}}}).")
    for c in fixed:
        if c == "country":
            parts.append("The country must be a column (or come from an erasmus_code column).")
    return " ".join(parts)


def _duplicate_failures(
    table: Table, df: pd.DataFrame, codes: np.ndarray | None = None, *, ties: bool = False
) -> pd.DataFrame:
    """Later rows repeating an agreement_id (with ``ties``: an agreement_id and partner; or a
    headcount key) fail; the first is kept.

    ``codes``: the agreement ids already factorised (codes in order of first appearance; blank
    ids may have one, they are never valid).
    """
    keys = (
        (["agreement_id", "partner"] if ties else ["agreement_id"])
        if table == "partnerships"
        else ["period", "faculty", "group", "country", "basis"]
    )
    valid = df[keys].notna().all(axis=1).to_numpy()
    if len(keys) == 1:  # codes + first occurrence: ~2x pandas' duplicated on strings
        if codes is None:
            codes = first_seen_codes(df[keys[0]])
        # codes number values in order of first appearance: a row is a value's first iff its
        # code exceeds every code above it
        first = codes > np.maximum.accumulate(np.concatenate([[-1], codes[:-1]]))
        dup = ~first & valid
        if not dup.any():
            return pd.DataFrame({"pos": pd.Series([], dtype=np.int64)})
        first_pos = np.flatnonzero(first)[np.maximum(codes, 0)]
    else:
        dup = df[keys].duplicated(keep="first").to_numpy() & valid
        if not dup.any():
            return pd.DataFrame({"pos": pd.Series([], dtype=np.int64)})
        first_pos = (
            pd.Series(np.arange(len(df)))
            .groupby([df[k] for k in keys], observed=True, dropna=False)
            .transform("min")
            .to_numpy()
        )
    pos = np.flatnonzero(dup)
    fp = first_pos[pos]
    where = (
        "row "
        + df["source_row"].iloc[fp].astype(str).to_numpy()
        + " of "
        + df["source_file"].iloc[fp].astype(str).to_numpy()
        + " (the first is kept)"
    )
    if table == "partnerships":
        value = df["agreement_id"].iloc[pos].to_numpy()
        ids = pd.Series(value, dtype=object).map(repr).to_numpy()
        if ties:
            names = pd.Series(df["partner"].iloc[pos].to_numpy(), dtype=object).map(repr)
            ids = ids + " with partner " + names.to_numpy()
        detail = "agreement_id " + ids + " repeats " + where
        reason = "duplicate_id"
    else:
        value = df["period"].iloc[pos].to_numpy()
        detail = "period/faculty/group/country/basis repeat " + where
        reason = "duplicate_key"
    return pd.DataFrame(
        {
            "pos": pos,
            "column": keys[0],
            "value": pd.array(value, dtype="string"),
            "reason": reason,
            "detail": pd.array(detail, dtype="string"),
        }
    )
