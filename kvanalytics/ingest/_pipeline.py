"""The public readers and the pipeline over their files, with the row accounting.

Per file: bytes -> :class:`~._grid.Grid` (``_grid``) -> header row and mapping (``_headers``)
-> columns parsed (``_parse``, ``_values``) -> failures. Over all files: repeated ids (or
headcount keys) -> rejects and report (``_report``), ``read == accepted + rejected`` checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import IngestError
from ._fields import REPEATING, Errors, PathLike, Table
from ._grid import read_grid
from ._headers import check_column_map, find_header_row, header_probe, map_headers, row_cells
from ._parse import parse_grid
from ._report import Ingested, IngestReport, rejects_from, rejects_message

__all__ = ["read_headcounts", "read_partnerships"]


@overload
def read_partnerships(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    dayfirst: bool | None = ...,
    errors: Literal["raise"] = ...,
) -> pd.DataFrame: ...
@overload
def read_partnerships(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    dayfirst: bool | None = ...,
    errors: Literal["collect"],
) -> Ingested: ...
def read_partnerships(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dayfirst: bool | None = None,
    errors: Errors = "raise",
) -> pd.DataFrame | Ingested:
    """Read partnership exports into the canonical *partnerships* table.

    Parameters
    ----------
    paths : path or sequence of paths
        CSV or XLSX files (detected from content, not the name). Several files are read as one
        table; an ``agreement_id`` repeated across them is rejected like one repeated in a file.
    columns : mapping, optional
        Extra header mapping ``{"Naam partner": "partner"}`` for headers the synonym file lacks.
    sheet : str, optional
        Workbook sheet; by default the one sheet that holds the required columns.
    dayfirst : bool, optional
        Force the date order; by default decided per column from the data (a column holding
        ``31-08-2023`` is day-first), else from the language of the headers.
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
    """
    return _read(
        "partnerships", paths, columns=columns, sheet=sheet, dayfirst=dayfirst, errors=errors
    )


@overload
def read_headcounts(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = ...,
    sheet: str | None = ...,
    basis: str | None = ...,
    dayfirst: bool | None = ...,
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
    errors: Literal["collect"],
) -> Ingested: ...
def read_headcounts(
    paths: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    basis: str | None = None,
    dayfirst: bool | None = None,
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
    return _read(
        "headcounts",
        paths,
        columns=columns,
        sheet=sheet,
        dayfirst=dayfirst,
        errors=errors,
        basis=basis,
    )


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


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
) -> pd.DataFrame | Ingested:
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors={errors!r}: use 'raise' or 'collect'")
    path_list = [paths] if isinstance(paths, str | Path) else list(paths)
    if not path_list:
        raise IngestError("no input files given")
    extra = check_column_map(table, columns)
    frames, failures, infos = [], [], []
    offset = 0
    key_codes = None
    for p in path_list:
        frame, fails, info, key_codes = _read_file(
            table, Path(p), extra, sheet=sheet, dayfirst=dayfirst, basis=basis
        )
        frames.append(frame)
        failures.append(fails.assign(pos=fails["pos"] + offset))
        infos.append(info)
        offset += len(frame)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    # one file: its agreement_id codes came from the parse (computed beside the other columns)
    dups = _duplicate_failures(table, frame, key_codes if len(frames) == 1 else None)
    rejects = rejects_from(pd.concat([dups, *failures], ignore_index=True), frame)
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


def _read_file(
    table: Table,
    path: Path,
    extra: dict[str, str],
    *,
    sheet: str | None,
    dayfirst: bool | None,
    basis: str | None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict, np.ndarray | None]:
    """One file: its grid, header and parse (see :func:`~._parse.parse_grid`)."""
    grid = read_grid(path, table, header_probe(table, extra), sheet=sheet, repeating=REPEATING)
    row = find_header_row(grid.cells, table, extra)
    where = f"{grid.path}" + (f" [sheet {grid.sheet!r}]" if grid.sheet else "")
    header = map_headers(row_cells(grid.cells, row), table, extra, where=where, path=str(grid.path))
    return parse_grid(table, grid, row, header, dayfirst=dayfirst, basis=basis)


def _duplicate_failures(
    table: Table, df: pd.DataFrame, codes: np.ndarray | None = None
) -> pd.DataFrame:
    """Later rows repeating an agreement_id (or a headcount key) fail; the first is kept.

    ``codes``: the agreement ids already factorised (codes in order of first appearance; blank
    ids may have one, they are never valid).
    """
    keys = (
        ["agreement_id"]
        if table == "partnerships"
        else ["period", "faculty", "group", "country", "basis"]
    )
    valid = df[keys].notna().all(axis=1).to_numpy()
    if len(keys) == 1:  # factorize + first occurrence: ~2x pandas' duplicated on strings
        if codes is None:
            codes = pd.factorize(df[keys[0]], use_na_sentinel=True)[0]
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
