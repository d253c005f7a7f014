"""Read partnership and headcount exports (CSV, XLSX) into the canonical tables, losing nothing.

Every input row ends either in the canonical table or in the rejects table with its file, sheet,
row number (as a spreadsheet user counts it), column and reason. Files are sniffed, not configured:
encoding, separator, title rows above the header, header language, decimal convention and date
order are decided from the data and written to the ingest report.

The pipeline per file is: bytes -> grid of strings (``_read_grid``) -> header row and column mapping
(``_map_header``) -> per-column parsing over distinct values (``_parse_*``) -> checks that collect
every failure -> accepted rows + rejects.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import normalise, schemas
from .config import PACKAGE_DATA
from .errors import IngestError
from .normalise import fold

__all__ = [
    "IngestReport",
    "Ingested",
    "read_headcounts",
    "read_partnerships",
]

Table = Literal["partnerships", "headcounts"]
Errors = Literal["raise", "collect"]
PathLike = str | Path

SEPARATORS = (",", ";", "\t", "|")
HEADER_SCAN_ROWS = 30
MAX_TEXT_LENGTH = 1_000
#: Languages whose convention is day-first dates when a column gives no evidence either way.
MONTH_FIRST_LANGUAGES = frozenset({"en"})
#: Excel serial dates accepted in date columns (1954-10-04 .. 2119-03-24).
EXCEL_SERIAL_RANGE = (20_000, 80_000)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

TEXT_COLUMNS = {"agreement_id", "partner", "partner_key", "faculty", "fields"}
CATEGORY_COLUMNS = {
    "kind": schemas.KIND_DTYPE,
    "level": schemas.LEVEL_DTYPE,
    "status": schemas.STATUS_DTYPE,
    "group": schemas.GROUP_DTYPE,
    "basis": schemas.BASIS_DTYPE,
}
DATE_COLUMNS = {"start", "end"}
BOOLEAN_COLUMNS = {"financial_flows", "data_exchange"}
NUMBER_COLUMNS = {"value_eur": "float", "headcount": "int"}
#: Required columns whose cells may be blank: an unknown (or suppressed) count is NA, not a reject.
BLANK_ALLOWED = {"headcount"}
#: Faculty spellings meaning "institution-wide", canonical ``Central`` (DESIGN.md).
CENTRAL_FACULTY = "Central"
#: Arrow-backed strings for the raw cells: vectorised string kernels, ~10x the object path.
_ARROW_STR = pd.StringDtype("pyarrow")
#: Columns whose values repeat: a large CSV's cells in them are read dictionary-encoded by Arrow
#: (pandas categoricals), so trimming and parsing run over the distinct values only. Ids and
#: money are mostly distinct and stay plain strings.
_REPEATING = (
    set(CATEGORY_COLUMNS)
    | DATE_COLUMNS
    | BOOLEAN_COLUMNS
    | {"partner", "country", "faculty", "fields", "period", "headcount"}
)


# --------------------------------------------------------------------------------------------
# Reference data: header and value synonyms (package data files, not dicts in code)
# --------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Fold text and keep only letters and digits, so ``"Bedrag (EUR)"`` == ``"bedrag eur"``."""
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


@lru_cache(maxsize=1)
def _header_synonyms() -> pd.DataFrame:
    df = pd.read_csv(PACKAGE_DATA / "header_synonyms.csv", dtype=str, keep_default_na=False)
    df["key"] = [_key(s) for s in df["synonym"]]
    return df


@lru_cache(maxsize=4)
def _header_lookup(table: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Folded header -> (canonical column, languages it is a word of)."""
    df = _header_synonyms()
    df = df[df["table"] == table]
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for key, grp in df.groupby("key", sort=False):
        cols = set(grp["column"])
        if len(cols) > 1:  # a data error in the synonym file: fail loudly in tests
            raise IngestError(
                f"header_synonyms.csv: {key!r} maps to several columns {sorted(cols)}"
            )
        out[str(key)] = (cols.pop(), frozenset(grp["language"]))
    for col in schemas.TABLES[table]:
        out.setdefault(_key(col), (col, frozenset({"en"})))
    return out


@lru_cache(maxsize=1)
def _value_lookup() -> dict[str, dict[str, str]]:
    """field -> folded synonym -> canonical value."""
    df = pd.read_csv(PACKAGE_DATA / "value_synonyms.csv", dtype=str, keep_default_na=False)
    out: dict[str, dict[str, str]] = {}
    for row in df.itertuples(index=False):
        out.setdefault(str(row.field), {})[_key(str(row.synonym))] = str(row.value)
    for name, dtype in CATEGORY_COLUMNS.items():
        for cat in dtype.categories:
            out.setdefault(name, {})[_key(cat)] = cat
    return out


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestReport:
    """What ingest read, decided and rejected. Render it in a notebook or call :meth:`to_frame`.

    Attributes
    ----------
    table : str
        ``"partnerships"`` or ``"headcounts"``.
    files : list of dict
        Per file: path, format, encoding, separator, sheet, header row, header language, column
        mapping, unmapped columns, blank rows skipped, decimal and date decisions with evidence.
    read, accepted, rejected : int
        Row accounting; ``read == accepted + rejected`` always.
    by_reason : dict
        Rejected rows per reason code.
    """

    table: str
    files: list[dict[str, Any]]
    read: int
    accepted: int
    rejected: int
    by_reason: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-able data (the CLI's ``--json`` output)."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "by_reason": dict(self.by_reason),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per file with its sniffed settings and decisions.

        Examples
        --------
        >>> import kvanalytics as kv  # doctest: +SKIP
        >>> kv.read_partnerships("export.csv", errors="collect").report.to_frame()  # doctest: +SKIP
        """
        rows = []
        for f in self.files:
            rows.append(
                {
                    "file": f["file"],
                    "format": f["format"],
                    "encoding": f.get("encoding"),
                    "separator": f.get("separator"),
                    "sheet": f.get("sheet"),
                    "header_row": f["header_row"],
                    "language": f["language"],
                    "rows": f["rows"],
                    "blank_rows_skipped": f["blank_rows"],
                    "unmapped_columns": ", ".join(f["unmapped"]) or "",
                    "decisions": "; ".join(f["notes"]),
                }
            )
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        lines = [
            f"{self.table}: read {self.read:,}, accepted {self.accepted:,}, "
            f"rejected {self.rejected:,}"
        ]
        for reason, n in self.by_reason.items():
            lines.append(f"  rejected {n:,} × {reason}")
        for f in self.files:
            where = f["file"] + (f" [{f['sheet']}]" if f.get("sheet") else "")
            lines.append(f"  {where}: header on row {f['header_row']} ({f['language']})")
            for note in f["notes"]:
                lines.append(f"    - {note}")
            if f["unmapped"]:
                lines.append(f"    - ignored columns: {', '.join(f['unmapped'])}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        reasons = "".join(f"<li>{r}: {n:,}</li>" for r, n in self.by_reason.items())
        return (
            f"<p><b>{self.table}</b>: read {self.read:,} · accepted {self.accepted:,} · "
            f"rejected {self.rejected:,}</p><ul>{reasons}</ul>"
            + self.to_frame().to_html(index=False)
        )


@dataclass(frozen=True)
class Ingested:
    """The result of ``errors="collect"``: the accepted table, the rejects and the report.

    Unpacks as ``table, rejects = kv.read_partnerships(path, errors="collect")``.
    """

    table: pd.DataFrame
    rejects: pd.DataFrame
    report: IngestReport = field(repr=False)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.table
        yield self.rejects

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


# --------------------------------------------------------------------------------------------
# Public readers
# --------------------------------------------------------------------------------------------


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
    extra = _check_column_map(table, columns)
    frames, failures, infos = [], [], []
    offset = 0
    key_codes = None
    for p in path_list:
        grid = _read_grid(Path(p), table, extra, sheet)
        _map_header(grid, table, extra)
        frame, fails, info, key_codes = _parse(table, grid, dayfirst=dayfirst, basis=basis)
        frames.append(frame)
        failures.append(fails.assign(pos=fails["pos"] + offset))
        infos.append(info)
        offset += len(frame)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    # one file: its agreement_id codes came from the parse (computed beside the other columns)
    dups = _duplicate_failures(table, frame, key_codes if len(frames) == 1 else None)
    fails = pd.concat([dups, *failures], ignore_index=True)
    rejects = _rejects_from(fails, frame)
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
        raise IngestError(_rejects_message(report, rejects), rejects=rejects)
    return table_df


def _rejects_message(report: IngestReport, rejects: pd.DataFrame) -> str:
    reasons = ", ".join(f"{n} {r}" for r, n in report.by_reason.items())
    examples = "; ".join(
        f"{r.source_file}{f' [{r.source_sheet!s}]' if isinstance(r.source_sheet, str) else ''} "
        f"row {r.source_row}, column {r.column!r}: {r.detail}"
        for r in rejects.head(3).itertuples()
    )
    return (
        f"{report.rejected:,} of {report.read:,} {report.table} rows rejected ({reasons}). "
        f"E.g. {examples}. Fix the rows, or pass errors='collect' to get the accepted rows and "
        "a rejects table."
    )


def _check_column_map(table: Table, columns: Mapping[str, str] | None) -> dict[str, str]:
    if not columns:
        return {}
    allowed = set(schemas.TABLES[table]) - set(schemas.PROVENANCE)
    bad = {k: v for k, v in columns.items() if v not in allowed}
    if bad:
        raise IngestError(
            f"columns mapping {bad} names unknown {table} columns; allowed: "
            + ", ".join(sorted(allowed))
        )
    return {_key(k): v for k, v in columns.items()}


# --------------------------------------------------------------------------------------------
# Reading files into a grid of strings
# --------------------------------------------------------------------------------------------


@dataclass
class _Grid:
    """Cells of one sheet as strings; ``line`` is each row's number as a spreadsheet user counts."""

    path: Path
    cells: pd.DataFrame  # columns 0..n-1, string dtype, header row included
    line: np.ndarray
    fmt: str
    #: line numbers of empty rows the reader dropped (counted as blank rows after the header)
    empty: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sheet: str | None = None
    encoding: str | None = None
    separator: str | None = None
    header_idx: int = 0
    mapping: dict[int, str] = field(default_factory=dict)
    language: str = "en"
    unmapped: list[str] = field(default_factory=list)


def _read_grid(path: Path, table: Table, extra: dict[str, str], sheet: str | None) -> _Grid:
    name = str(path)
    if not path.exists():
        raise IngestError(f"{name}: no such file", path=name)
    if path.is_dir():
        raise IngestError(f"{name}: is a directory, expected a CSV or XLSX file", path=name)
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise IngestError(f"{name}: the file is empty", path=name)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, table, extra, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            f"{name}: legacy Excel .xls (or another OLE file); save it as .xlsx or CSV", path=name
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise IngestError(f"{name}: not a valid .xlsx workbook (no zip container)", path=name)
    return _read_csv(path, table, extra)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes (see ``_decode_bytes``) and refuse content that is not text."""
    text, encoding = _decode_bytes(data, name)
    head = text[:65536]
    if head and len(_CONTROL.findall(head)) > 0.01 * len(head):
        raise IngestError(
            f"{name}: binary content (control characters), not a text CSV; expected a CSV or "
            "XLSX export",
            path=name,
        )
    return text, encoding


def _decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes by BOM, else UTF-8, else cp1252, else Latin-1; refuse binary content."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{name}: starts with a {enc} byte-order mark but is not "
                    f"valid {enc} ({exc.reason} at byte {exc.start})",
                    path=name,
                ) from None
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 without BOM: every other byte NUL in ASCII text
        for enc, half in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if half.count(0) > 0.4 * len(half):
                try:
                    return data.decode(enc, errors="strict"), enc
                except UnicodeDecodeError:
                    break
        raise IngestError(
            f"{name}: binary content (NUL bytes), not a text CSV; expected a CSV or XLSX export",
            path=name,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _read_csv(path: Path, table: Table, extra: dict[str, str]) -> _Grid:
    name = str(path)
    raw = path.read_bytes()
    # Decode the head only (up to a line end) when it is plain UTF-8: Arrow validates the rest
    # of a UTF-8 file itself, and the whole file is decoded only if the exact path is needed.
    cut = raw.rfind(b"\n", 0, _HEAD_BYTES) + 1 if len(raw) > _HEAD_BYTES else len(raw)
    text, encoding = _decode(raw[:cut] if cut else raw, name)
    whole = cut in (0, len(raw))
    if encoding != "utf-8" and not whole:
        text, encoding = _decode(raw, name)
        whole = True
    if not re.search(r"\S", text) and (whole or not re.search(rb"\S", raw)):
        raise IngestError(f"{name}: the file holds no data (only white space)", path=name)
    head = text[:200_000]
    head_lines = _unify_newlines(head).split("\n")[: HEADER_SCAN_ROWS + 20]
    best: tuple[int, int, str] | None = None  # (matched, -row, sep)
    best_map: dict[int, str] = {}
    for sep in SEPARATORS:
        rows = []
        try:
            for row in csv.reader(head_lines, delimiter=sep):
                rows.append(row)
        except csv.Error:  # judged again, with the file's name, when the grid is split
            pass
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            mapping = _match_header(row, table, extra)[0]
            cand = (len(mapping), -i, sep)
            if mapping and (best is None or cand[:2] > best[:2]):
                best, best_map = cand, mapping
    sep = best[2] if best else _guess_separator(head_lines)
    fast = None
    if best:
        # UTF-8 bytes for Arrow: the file's own when it is UTF-8 (no decode-encode round trip)
        if encoding == "utf-8":
            data = raw
        elif encoding == "utf-8-sig":
            data = raw[len(codecs.BOM_UTF8) :]
        else:
            data = text.encode("utf-8")
        if data.find(b"\r\n", 0, 1 << 16) < 0 and b"\r" in data:  # CR line ends (old Mac)
            data = data.replace(b"\r", b"\n")
        # (a lone CR inside a CRLF file splits a record in Arrow: a ragged row, the exact path)
        repeating = {i for i, col in best_map.items() if col in _REPEATING}
        fast = _arrow_grid(data, sep, -best[1], repeating)
    if fast is None:
        if not whole:
            text, encoding = _decode(raw, name)
        fast = _split_text(_unify_newlines(text), sep, name)
    cells, lines, empty = fast
    return _Grid(path, cells, lines, "csv", empty=empty, encoding=encoding, separator=sep)


#: Bytes of a large CSV decoded up front (for sniffing); Arrow reads and validates the rest.
_HEAD_BYTES = 1 << 20


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _quoted_spans(raw: np.ndarray, nl: np.ndarray) -> tuple[bool, int]:
    """Quoted values in ``raw`` (bytes as uint8): (whether one may span lines, the longest's length).

    ``nl`` holds the newline positions. Quote characters pair up (opening, closing; a doubled
    quote inside is a pair too); an odd count, or a newline inside a pair, means a record is not
    a line, and only the csv module can say on which line each starts.
    """
    q = np.flatnonzero(raw == 34)
    if len(q) % 2:
        return True, 0
    a, b = q[0::2], q[1::2]
    longest = int((b - a).max(initial=0))
    return bool((np.searchsorted(nl, a) != np.searchsorted(nl, b)).any()), longest


def _arrow_grid(
    data: bytes, sep: str, header_line: int, repeating: Iterable[int] = ()
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Fast path where every record is one line: Arrow's multithreaded CSV parser from the header
    line on (quoted values with separators or doubled quotes included; ``\\n`` or ``\\r\\n``
    line ends, no lone ``\\r``).

    Returns None (use the exact path) when any row's width differs from the header's, so that
    ragged rows are judged cell by cell rather than dropped, or when a quoted value spans lines.
    The file's bytes are scanned once for newlines and once for quotes (numpy, vectorised).
    Columns at the ``repeating`` positions come back as categoricals (Arrow dictionaries).
    """
    import pyarrow.csv as pacsv

    start = 0
    for _ in range(header_line):
        start = data.index(b"\n", start) + 1
    first_end = data.find(b"\n", start)
    width = data[start : first_end if first_end >= 0 else len(data)].count(sep.encode()) + 1
    body = pa.py_buffer(data)[start:]  # zero-copy
    raw = np.frombuffer(body, dtype=np.uint8)
    nl = np.flatnonzero(raw == 10)
    quoted = data.find(b'"', start) >= 0
    if quoted:
        spans, longest = _quoted_spans(raw, nl)
        if spans or longest > csv.field_size_limit():
            return None  # the exact path: line numbers across lines; the csv module's field limit
    ragged: list[Any] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    names = [str(i) for i in range(width)]
    try:
        tbl = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                quote_char='"' if quoted else False,
                double_quote=True,
                newlines_in_values=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    n: pa.dictionary(pa.int32(), pa.string())
                    if i in set(repeating)
                    else pa.string()
                    for i, n in enumerate(names)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if ragged:
        return None
    cells = pd.DataFrame({i: _cell_column(tbl.column(i)) for i in range(width)})
    # line numbers of the non-empty lines (Arrow skips empty ones), counted from the file's top
    starts = np.concatenate([[0], nl + 1])
    ends = np.concatenate([nl, [len(raw)]])
    length = ends - starts
    blank = length == 0
    one = np.flatnonzero(length == 1)
    blank[one] = raw[starts[one]] == 13  # a CR alone: an empty CRLF line
    if not blank[:-1].any():  # the piece after a final newline is no line
        if tbl.num_rows != len(blank) - int(blank[-1]):
            return None
        lines = np.arange(tbl.num_rows, dtype=np.int64) + header_line + 1
        return cells, lines, np.zeros(0, dtype=np.int64)
    nonempty = np.flatnonzero(~blank)
    if len(nonempty) != tbl.num_rows:
        return None
    empty = np.flatnonzero(blank[:-1])
    return cells, nonempty + header_line + 1, empty + header_line + 1


def _cell_column(col: pa.ChunkedArray) -> pd.Series:
    """A column of cells from Arrow: strings, or a categorical for a dictionary-encoded one."""
    if not pa.types.is_dictionary(col.type):
        return pd.Series(pd.array(col, dtype=_ARROW_STR))
    col = col.unify_dictionaries()  # one dictionary for all chunks: codes comparable
    values = col.chunk(0).dictionary if col.num_chunks else pa.array([], pa.string())
    codes = pa.chunked_array([c.indices for c in col.chunks], type=pa.int32())
    categories = pd.Index(values.to_numpy(zero_copy_only=False), dtype="str")
    codes_np = codes.to_numpy() if len(codes) else np.zeros(0, np.int32)
    return pd.Series(pd.Categorical.from_codes(codes_np, categories=categories, validate=False))


def _guess_separator(lines: list[str]) -> str:
    counts = {s: sum(line.count(s) for line in lines) for s in SEPARATORS}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _split_text(text: str, sep: str, name: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Split CSV text into a string grid, each row's line number and the empty lines' numbers.

    Quote-free text (most exports) is split with Arrow compute, vectorised; text with quotes goes
    through the csv module, which tracks the line of each record even across quoted newlines.
    """
    if '"' not in text:
        lines = text.split("\n")
        arr = pa.array(lines, type=pa.large_string())
        nonempty = pc.greater(pc.utf8_length(arr), 0)
        filled = nonempty.to_numpy(zero_copy_only=False)
        idx = np.flatnonzero(filled)
        empty = np.flatnonzero(~filled[:-1])  # the piece after a final newline is no line
        arr = arr.take(pa.array(idx))
        parts = pc.split_pattern(arr, sep)
        width = int(pc.max(pc.list_value_length(parts)).as_py() or 0)
        lengths = pc.list_value_length(parts).to_numpy()
        cells = pd.DataFrame({j: _list_column(parts, lengths, j) for j in range(width)})
        return cells, idx + 1, empty + 1
    rows: list[list[str]] = []
    line_no: list[int] = []
    empty_no: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    start = 1
    try:
        for row in reader:
            if row:
                rows.append(row)
                line_no.append(start)
            else:
                empty_no.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(
            f"{name}: CSV structure error near line {reader.line_num}: {exc}", path=name
        ) from None
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame(
        [r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype="string"
    )
    lengths = np.array([len(r) for r in rows])
    cells.attrs["lengths"] = lengths
    return cells, np.asarray(line_no, dtype=np.int64), np.asarray(empty_no, dtype=np.int64)


def _list_column(parts: pa.Array, lengths: np.ndarray, j: int) -> pd.Series:
    sliced = pc.list_slice(parts, j, j + 1)
    flat = pc.list_flatten(sliced)
    out = np.full(len(lengths), "", dtype=object)
    has = lengths > j
    values = pd.Series(flat.to_pandas(types_mapper=pd.ArrowDtype), dtype="string")
    if has.all():
        return values.reset_index(drop=True)
    result = pd.Series(out, dtype="string")
    result[has] = values.to_numpy()
    return result


def _read_xlsx(path: Path, table: Table, extra: dict[str, str], sheet: str | None) -> _Grid:
    name = str(path)
    try:
        sheets = _calamine_sheets(path)
    except Exception as exc:
        try:
            sheets = _openpyxl_sheets(path)
        except Exception:
            raise IngestError(f"{name}: not a readable .xlsx workbook ({exc})", path=name) from None
    names = [s for s, _ in sheets]
    if sheet is not None:
        if sheet not in names:
            raise IngestError(
                f"{name}: no sheet {sheet!r}; the workbook has {', '.join(map(repr, names))}",
                path=name,
            )
        chosen = [(s, r) for s, r in sheets if s == sheet]
    else:
        required = set(schemas.REQUIRED[table])
        chosen = []
        found_by_sheet = {}
        for s, rows in sheets:
            best = max(
                (set(_match_header(r, table, extra)[0].values()) for r in rows[:HEADER_SCAN_ROWS]),
                key=len,
                default=set(),
            )
            found_by_sheet[s] = best
            if required <= best:
                chosen.append((s, rows))
        if len(chosen) > 1:
            raise IngestError(
                f"{name}: sheets {', '.join(repr(s) for s, _ in chosen)} all hold the required "
                f"{table} columns; choose one with sheet=...",
                path=name,
            )
        if not chosen:
            detail = "; ".join(f"{s!r}: {sorted(f) or 'none'}" for s, f in found_by_sheet.items())
            raise IngestError(
                f"{name}: no sheet holds the required {table} columns "
                f"({', '.join(schemas.REQUIRED[table])}); recognised per sheet: {detail}",
                path=name,
            )
    sname, rows = chosen[0]
    width = max((len(r) for r in rows), default=0)
    keep = [i for i, r in enumerate(rows) if any(c != "" for c in r)]
    cells = pd.DataFrame(
        [rows[i] + [""] * (width - len(rows[i])) for i in keep],
        columns=range(width),
        dtype="string",
    )
    empty = np.setdiff1d(np.arange(len(rows)), keep) + 1
    return _Grid(
        path, cells, np.asarray(keep, dtype=np.int64) + 1, "xlsx", empty=empty, sheet=sname
    )


def _cell_str(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _calamine_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    out = []
    for s in wb.sheet_names:
        rows = wb.get_sheet_by_name(s).to_python(skip_empty_area=False)
        out.append((s, [[_cell_str(v) for v in r] for r in rows]))
    return out


def _openpyxl_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    import openpyxl

    with zipfile.ZipFile(path):  # raise early on a corrupt container
        pass
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            (ws.title, [[_cell_str(v) for v in r] for r in ws.iter_rows(values_only=True)])
            for ws in wb.worksheets
        ]
    finally:
        wb.close()


# --------------------------------------------------------------------------------------------
# Header detection and mapping
# --------------------------------------------------------------------------------------------


def _match_header(
    row: Iterable[Any], table: Table, extra: dict[str, str]
) -> tuple[dict[int, str], list[frozenset[str]]]:
    lookup = _header_lookup(table)
    mapping: dict[int, str] = {}
    langs: list[frozenset[str]] = []
    for i, cell in enumerate(row):
        if cell is None or pd.isna(cell) or not str(cell).strip():
            continue
        k = _key(str(cell))
        if k in extra:
            mapping[i] = extra[k]
        elif k in lookup:
            mapping[i] = lookup[k][0]
            langs.append(lookup[k][1])
    return mapping, langs


def _map_header(grid: _Grid, table: Table, extra: dict[str, str]) -> None:
    cells = grid.cells
    best_i: int = 0
    best_map: dict[int, str] = {}
    best_langs: list[frozenset[str]] = []
    for i in range(min(HEADER_SCAN_ROWS, len(cells))):
        m, langs = _match_header(cells.iloc[i].tolist(), table, extra)
        if len(m) > len(best_map):
            best_i, best_map, best_langs = i, m, langs
    where = f"{grid.path}" + (f" [sheet {grid.sheet!r}]" if grid.sheet else "")
    header = (
        ["" if pd.isna(c) else str(c) for c in cells.iloc[best_i].tolist()] if len(cells) else []
    )
    by_col: dict[str, list[int]] = {}
    for i, col in best_map.items():
        by_col.setdefault(col, []).append(i)
    dupes = {c: ix for c, ix in by_col.items() if len(ix) > 1}
    if dupes:
        detail = "; ".join(
            f"{c} <- " + ", ".join(repr(header[i]) for i in ix) for c, ix in dupes.items()
        )
        raise IngestError(
            f"{where}: several columns map to the same field ({detail}); drop one or rename it "
            "with columns={...}",
            path=str(grid.path),
        )
    missing = [c for c in schemas.REQUIRED[table] if c not in by_col]
    if missing:
        found = [h for h in header if h.strip()]
        raise IngestError(
            f"{where}: missing required column(s) {', '.join(missing)}; found columns "
            f"{found or 'none'} (header looked for in the first {HEADER_SCAN_ROWS} rows); "
            f"expected {table} columns {', '.join(schemas.REQUIRED[table])} under any known "
            "synonym, or map them with columns={'Your header': 'field'}",
            path=str(grid.path),
        )
    grid.header_idx = best_i
    grid.mapping = best_map
    grid.language = _vote_language(best_langs)
    grid.unmapped = [h for i, h in enumerate(header) if h.strip() and i not in best_map]


def _vote_language(langs: list[frozenset[str]]) -> str:
    votes: dict[str, float] = {}
    for ls in langs:
        for lang in ls:
            votes[lang] = votes.get(lang, 0.0) + 1.0 / len(ls)
    return max(sorted(votes), key=lambda k: votes[k]) if votes else "en"


# --------------------------------------------------------------------------------------------
# Parsing columns (over distinct values) and collecting every failure
# --------------------------------------------------------------------------------------------


class _Failures:
    """Collects failures as (row positions, column, reason, detail); the first per row is primary.

    A detail is a template over the row's raw cells, ``"unknown country {country!r}"``, formatted
    only for the failing rows so a clean million-row file costs nothing here.
    """

    def __init__(self, values: pd.DataFrame) -> None:
        self.values = values
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray | pd.Series, column: str, reason: str, template: str) -> None:
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        pos = np.flatnonzero(m)
        sub = self.values.iloc[pos].astype(object).to_dict("records")
        details = [template.format_map(r) for r in sub]
        val = [r.get(column, pd.NA) for r in sub]
        self.parts.append(
            pd.DataFrame(
                {
                    "pos": pos,
                    "column": column,
                    "value": pd.array(val, dtype="string"),
                    "reason": reason,
                    "detail": pd.array(details, dtype="string"),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({"pos": pd.Series([], dtype=np.int64)})
        return pd.concat(self.parts, ignore_index=True)


#: Rows from which the columns of a file are trimmed and parsed on a thread pool: the work is in
#: Arrow and numpy kernels, which release the GIL, one column per task.
_PARALLEL_ROWS = 100_000


def _pmap(fn: Callable[[Any], Any], items: Sequence[Any], rows: int) -> list[Any]:
    """``[fn(x) for x in items]``, on a thread pool for large tables (results in order)."""
    workers = min(len(items), os.cpu_count() or 1, 8)
    if rows < _PARALLEL_ROWS or workers < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(fn, items))


#: One failure check of a column: (row mask, column, reason, detail template).
_Check = tuple[np.ndarray, str, str, str]


def _parse_column(
    col: str,
    s: pd.Series,
    *,
    required: bool,
    may_be_long: bool,
    grid: _Grid,
    dayfirst: bool | None,
) -> tuple[pd.Series, list[_Check], list[str]]:
    """Parse one trimmed text column: its values, its failure checks and notes (no side effects,
    so columns can be parsed concurrently; the caller records checks and notes in column order).
    """
    checks: list[_Check] = []
    notes: list[str] = []
    empty = (s == "").to_numpy()
    if required and col not in BLANK_ALLOWED:
        checks.append((empty, col, "missing_value", f"{col} is empty"))
    if (col in TEXT_COLUMNS or col == "period") and may_be_long:
        too_long = (s.str.len() > MAX_TEXT_LENGTH).to_numpy()
        checks.append(
            (
                too_long,
                col,
                "value_too_long",
                f"{col} is longer than {MAX_TEXT_LENGTH:,} characters",
            )
        )
    if col in TEXT_COLUMNS:
        if col == "faculty":
            central = _value_lookup().get("faculty", {})

            def faculty(v: str) -> str:
                return central.get(_key(v), v)

            return _text(s, faculty), checks, notes
        return _text(s), checks, notes
    if col == "country":
        iso = normalise.to_iso2(s.mask(s == ""))
        bad = (~empty) & iso.isna().to_numpy()
        checks.append(
            (
                bad,
                col,
                "unknown_country",
                "unknown country {country!r} (not an ISO 3166 name or code)",
            )
        )
        return iso.astype("string"), checks, notes
    if col in CATEGORY_COLUMNS:
        cat, bad = _parse_category(s, col)
        allowed = ", ".join(CATEGORY_COLUMNS[col].categories)
        checks.append(
            (
                bad & ~empty,
                col,
                "unknown_category",
                f"unknown {col} {{{col}!r}}; expected one of {allowed}",
            )
        )
        return cat, checks, notes
    if col in BOOLEAN_COLUMNS:
        val, bad, note = _parse_boolean(s, col)
        if note:
            notes.append(note)
        checks.append(
            (
                bad,
                col,
                "invalid_boolean",
                f"{col} {{{col}!r}} is not yes/no (ja/nee, oui/non, ja/nei, true/false, "
                "1/0, x/blank)",
            )
        )
        return val, checks, notes
    if col in DATE_COLUMNS:
        val, invalid, impossible, note = _parse_dates(s, col, dayfirst, grid.language)
        notes.append(note)
        checks.append((invalid & ~empty, col, "invalid_date", f"{col} {{{col}!r}} is not a date"))
        checks.append(
            (
                impossible & ~empty,
                col,
                "impossible_date",
                f"{col} {{{col}!r}} is not a calendar date",
            )
        )
        return val, checks, notes
    if col in NUMBER_COLUMNS:
        integer = NUMBER_COLUMNS[col] == "int"
        val, invalid, note = _parse_numbers(s, col, grid.separator, grid.language, integer=integer)
        if note:
            notes.append(note)
        checks.append(
            (
                invalid & ~empty,
                col,
                "invalid_number",
                f"{col} {{{col}!r}} is not a " + ("whole number" if integer else "number"),
            )
        )
        neg = np.less(val.to_numpy(dtype="float64", na_value=np.nan), 0)
        checks.append((neg, col, "negative_value", f"{col} {{{col}!r}} is negative"))
        return val, checks, notes
    if col == "period":
        val, bad = _parse_period(s, dayfirst, grid.language)
        checks.append(
            (
                bad & ~empty,
                col,
                "invalid_period",
                "period {period!r} is not an academic year like 2021/22 or a date",
            )
        )
        return val, checks, notes
    raise AssertionError(f"no parser for column {col!r}")  # every schema column has one


def _parse(
    table: Table, grid: _Grid, *, dayfirst: bool | None, basis: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], np.ndarray | None]:
    """Parse a mapped grid into the canonical table (all rows), its failures (long form), the
    report's file entry and the agreement ids' factorize codes (for the duplicate check).
    """
    cells = grid.cells.iloc[grid.header_idx + 1 :].reset_index(drop=True)
    lines = grid.line[grid.header_idx + 1 :]
    header = grid.cells.iloc[grid.header_idx].fillna("").astype(str).str.strip().tolist()
    # the header spans up to its last non-empty cell (unmapped columns included)
    width_header = max(i for i, h in enumerate(header) if h) + 1
    notes: list[str] = []
    _value_lookup()  # loaded once, before any column task needs it
    positions = [int(i) for i in cells.columns]
    trimmed = dict(
        zip(positions, _pmap(lambda i: _trim_column(cells[i]), positions, len(cells)), strict=True)
    )
    stripped = {i: t[0] for i, t in trimmed.items()}
    filled = {i: t[1] for i, t in trimmed.items()}
    # a column none of whose cells has more bytes than the limit has no cell over it in characters
    may_be_long = {col: trimmed[i][2] > MAX_TEXT_LENGTH for i, col in grid.mapping.items()}
    # blank rows (all cells empty) are not records; rows with content beyond the header's last
    # column are malformed (their cells cannot be assigned to fields; nothing is dropped)
    nonblank = np.logical_or.reduce(list(filled.values())) if filled else np.zeros(0, bool)
    beyond = [filled[i] for i in filled if i >= width_header]
    spill = np.logical_or.reduce(beyond) if beyond else np.zeros(len(cells), dtype=bool)
    raw = pd.DataFrame({col: stripped[i] for i, col in grid.mapping.items()})
    blank = ~nonblank
    if blank.any():
        raw = raw[nonblank].reset_index(drop=True)
    lines = lines[nonblank]
    spill = spill[nonblank]
    n = len(raw)
    fails = _Failures(raw)
    fails.add(
        spill,
        raw.columns[-1],
        "malformed_row",
        f"the row has more cells than the header's {width_header} columns",
    )
    out: dict[str, Any] = {}
    spec = schemas.TABLES[table]
    required = set(schemas.REQUIRED[table])
    todo = [c for c in spec if c not in schemas.PROVENANCE and c in raw]
    # the slowest parsers first, so that the pool's tasks end together
    todo.sort(key=lambda c: (c not in NUMBER_COLUMNS, c not in DATE_COLUMNS))
    tasks: list[str | None] = list(todo)
    if "agreement_id" in todo:  # the duplicate check's factorize, beside the other columns
        tasks.insert(1, None)

    def run(c: str | None) -> Any:
        if c is None:
            return pd.factorize(raw["agreement_id"], use_na_sentinel=True)[0]
        return _parse_column(
            c,
            raw[c],
            required=c in required,
            may_be_long=may_be_long[c],
            grid=grid,
            dayfirst=dayfirst,
        )

    results = _pmap(run, tasks, n)
    parsed = {c: r for c, r in zip(tasks, results, strict=True) if c is not None}
    key_codes = next((r for c, r in zip(tasks, results, strict=True) if c is None), None)
    for col in spec:  # checks and notes in the schema's column order, whatever ran first
        if col in schemas.PROVENANCE:
            continue
        if col not in raw:
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
        out["basis"], note = _fill_basis(out["basis"], out["group"], basis, "basis" in raw)
        if note:
            notes.append(note)
    src = str(grid.path)
    out["source_file"] = _repeat_text(src, n)
    out["source_sheet"] = _repeat_text(grid.sheet, n)
    out["source_row"] = pd.array(lines, dtype="Int64")
    frame = pd.DataFrame(out)[list(spec)]
    frame = frame.astype(spec)  # type: ignore[arg-type]
    info = {
        "file": src,
        "format": grid.fmt,
        "encoding": grid.encoding,
        "separator": {"\t": "tab"}.get(grid.separator or "", grid.separator),
        "sheet": grid.sheet,
        "header_row": int(grid.line[grid.header_idx]) if len(grid.line) else 1,
        "language": grid.language,
        "mapping": {str(grid.cells.iloc[grid.header_idx, i]): c for i, c in grid.mapping.items()},
        "unmapped": grid.unmapped,
        # rows of empty cells, and empty lines/rows the reader dropped, below the header
        "blank_rows": int(blank.sum())
        + int((grid.empty > (grid.line[grid.header_idx] if len(grid.line) else 0)).sum()),
        "rows": n,
        "notes": [n_ for n_ in notes if n_],
    }
    return frame, fails.frame(), info, key_codes


def _rejects_from(failures: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """One rejects row per failing input row: the first failure is the reason, all are the detail."""
    if not len(failures):
        out = schemas.empty_table("rejects")
        out.attrs["pos"] = np.array([], dtype=np.int64)
        return out
    failures = failures.sort_values("pos", kind="stable")
    details = failures.groupby("pos", sort=True)["detail"].agg("; ".join)
    first = failures.drop_duplicates("pos", keep="first").set_index("pos").sort_index()
    pos = first.index.to_numpy()
    out = pd.DataFrame(
        {
            "source_file": frame["source_file"].iloc[pos].to_numpy(),
            "source_sheet": frame["source_sheet"].iloc[pos].to_numpy(),
            "source_row": frame["source_row"].iloc[pos].to_numpy(),
            "column": first["column"].to_numpy(),
            "value": first["value"].to_numpy(),
            "reason": first["reason"].to_numpy(),
            "detail": details.loc[pos].to_numpy(),
        }
    ).astype(schemas.REJECTS)  # type: ignore[arg-type]
    out.attrs["pos"] = pos
    return out


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


def _trim_column(s: pd.Series) -> tuple[pd.Series, np.ndarray, int]:
    """Cells without surrounding white space: the column, which cells are non-empty, and the
    most bytes in a cell (at least). A categorical is trimmed over its categories (values equal
    once trimmed become one category) and stays categorical.
    """
    if not isinstance(s.dtype, pd.CategoricalDtype):
        t = pc.utf8_trim_whitespace(_arrow_text(s))
        nbytes = pc.binary_length(t)
        filled = pc.greater(nbytes, 0).to_numpy(zero_copy_only=False)
        return pd.Series(pd.array(t, dtype=_ARROW_STR)), filled, pc.max(nbytes).as_py() or 0
    cats = np.asarray(s.cat.categories, dtype=object)
    t = pc.utf8_trim_whitespace(pa.array(cats, type=pa.string()))
    merged, distinct = pd.factorize(t.to_numpy(zero_copy_only=False))
    nbytes = pc.binary_length(t).to_numpy(zero_copy_only=False)
    codes = s.cat.codes.to_numpy()
    ok = codes >= 0
    new = np.where(ok, merged[np.where(ok, codes, 0)], -1) if len(merged) else codes
    filled = ok & (nbytes[np.where(ok, codes, 0)] > 0) if len(nbytes) else np.zeros(len(s), bool)
    cat = pd.Categorical.from_codes(
        new, categories=pd.Index(np.asarray(distinct, dtype=object), dtype="str"), validate=False
    )
    return pd.Series(cat), filled, int(nbytes.max(initial=0))


def _distinct_text(s: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Each cell's code and the distinct texts (a categorical's own; else Arrow's dictionary)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        values = pa.array(np.asarray(s.cat.categories, dtype=object), type=pa.string())
        if (codes < 0).any():  # a missing cell reads as an empty one
            codes = np.where(codes < 0, len(values), codes)
            values = pa.concat_arrays([values, pa.array([""], pa.string())])
        return codes, values
    enc = _arrow_text(s).combine_chunks().dictionary_encode()
    return enc.indices.to_numpy(zero_copy_only=False), enc.dictionary


def _arrow_text(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow strings behind a text column (NA as ""), without a round trip through Python."""
    arr = s.astype(_ARROW_STR).array
    chunked = (
        pa.chunked_array(arr._pa_array)
        if hasattr(arr, "_pa_array")
        else pa.chunked_array([pa.array(s.to_numpy(dtype=object, na_value=""), type=pa.string())])
    )
    return pc.fill_null(chunked.cast(pa.string()), "")


def _repeat_text(value: str | None, n: int) -> pd.Series:
    """A text column of one value (or NA), built in Arrow rather than from a Python list."""
    arr = pa.repeat(pa.scalar(value, pa.string()), n)
    return pd.Series(pd.array(arr, dtype=_ARROW_STR))


def _text(s: pd.Series, fn: Callable[[str], str] | None = None) -> pd.Series:
    """Trimmed cells as text, NA where blank; ``fn`` maps each distinct non-blank value once.

    Arrow kernels throughout (a categorical's categories are taken by its codes), never a
    Python object per cell.
    """
    null = pa.scalar(None, pa.string())
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in s.cat.categories]
        values = pa.array([(fn(c) if fn else c) if c != "" else None for c in cats], pa.string())
        codes = s.cat.codes.to_numpy()
        taken = values.take(pa.array(codes, mask=codes < 0))
        return pd.Series(pd.array(taken, dtype=_ARROW_STR))
    t = _arrow_text(s)
    val = pd.Series(pd.array(pc.if_else(pc.equal(t, ""), null, t), dtype=_ARROW_STR))
    return _map_distinct(val, fn) if fn else val


def _map_distinct(s: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` to each distinct non-NA value once and map back (DESIGN.md: distinct, then map)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = pa.array([fn(u) for u in uniques], type=pa.string())
    taken = mapped.take(pa.array(codes, mask=codes < 0))  # NA (-1) takes a null
    return pd.Series(pd.array(taken, dtype=_ARROW_STR), index=s.index)


def _parse_category(s: pd.Series, col: str) -> tuple[pd.Series, np.ndarray]:
    lookup = _value_lookup().get(col, {})
    dtype = CATEGORY_COLUMNS[col]
    position = {c: i for i, c in enumerate(dtype.categories)}
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    # per distinct value: its category code (-1 none) and whether it is a non-blank unknown
    code_of = np.array(
        [position.get(lookup.get(_key(str(u)), ""), -1) if u != "" else -1 for u in uniques] + [-1],
        dtype=np.int64,
    )
    unknown = np.array(
        [u != "" and c < 0 for u, c in zip(uniques, code_of, strict=False)] + [False]
    )
    cat = pd.Categorical.from_codes(code_of[codes], dtype=dtype)
    return pd.Series(cat), unknown[codes]


def _parse_boolean(s: pd.Series, col: str) -> tuple[pd.Series, np.ndarray, str | None]:
    lookup = _value_lookup().get("boolean", {})
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    # a checkbox column: every non-blank value is an x (judged on the distinct values)
    marks = {str(u).lower() for u in uniques if u != ""}
    checkbox = marks == {"x"}
    # per distinct value: 1 yes, 0 no, -1 unknown (NA); and whether it is a non-blank unknown
    state = []
    for u in uniques:
        if u == "":
            state.append(0 if checkbox else -1)
        else:
            v = lookup.get(_key(str(u)))
            state.append(-1 if v is None else int(v == "true"))
    state_of = np.array([*state, -1], dtype=np.int8)
    bad_of = np.array([u != "" and st < 0 for u, st in zip(uniques, state, strict=True)] + [False])
    st_rows = state_of[codes]
    arr = pd.arrays.BooleanArray(st_rows == 1, st_rows < 0)
    note = f"{col}: checkbox column (x or blank), blank read as no" if checkbox else None
    return pd.Series(arr), bad_of[codes], note


def _num(s: pd.Series) -> pd.Series:
    """Numbers from regex-extracted digit strings (NA where there was no match)."""
    return pd.Series(pd.to_numeric(s, errors="coerce"), index=s.index)


_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DATE_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")


def _parse_dates(
    s: pd.Series, col: str, dayfirst: bool | None, language: str
) -> tuple[pd.Series, np.ndarray, np.ndarray, str]:
    """Parse a date column over its distinct values, deciding day- vs month-first for the column."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string")
    serial = u.str.fullmatch(_SERIAL.pattern).fillna(False).to_numpy(dtype=bool)
    iso = u.str.extract(_DATE_ISO)
    iso_ok = iso[0].notna().to_numpy()
    ymd = u.str.extract(_DATE_YMD_SLASH)
    ymd_ok = ymd[0].notna().to_numpy() & ~iso_ok
    dmy = u.str.extract(_DATE_DMY)
    dmy_ok = dmy[0].notna().to_numpy()
    a = _num(dmy[0])
    b = _num(dmy[1])
    day_first_evidence = int(((a > 12) & (b <= 12)).sum())
    month_first_evidence = int(((b > 12) & (a <= 12)).sum())
    if dayfirst is not None:
        order = dayfirst
        note = f"{col}: {'day' if order else 'month'}-first dates as requested"
    elif day_first_evidence and not month_first_evidence:
        order = True
        note = f"{col}: day-first dates (evidence: {day_first_evidence} values with day > 12)"
    elif month_first_evidence and not day_first_evidence:
        order = False
        note = f"{col}: month-first dates (evidence: {month_first_evidence} values with month position > 12)"
    elif month_first_evidence and day_first_evidence:
        order = day_first_evidence >= month_first_evidence
        note = (
            f"{col}: conflicting date orders ({day_first_evidence} day-first, "
            f"{month_first_evidence} month-first values); read "
            f"{'day' if order else 'month'}-first, the others are rejected"
        )
    else:
        order = language not in MONTH_FIRST_LANGUAGES
        note = f"{col}: no evidence of day- or month-first order" + (
            f"; {'day' if order else 'month'}-first assumed from the {language} headers"
            if dmy_ok.any()
            else " needed (ISO or Excel dates)"
        )
    day, month = (a, b) if order else (b, a)
    y = _num(iso[0]).where(iso_ok, _num(ymd[0]))
    m = _num(iso[1]).where(iso_ok, _num(ymd[1]))
    d = _num(iso[2]).where(iso_ok, _num(ymd[2]))
    y = y.where(iso_ok | ymd_ok, pd.to_numeric(dmy[2], errors="coerce"))
    m = m.where(iso_ok | ymd_ok, month)
    d = d.where(iso_ok | ymd_ok, day)
    # float64 (NaN for no match): pandas cannot assemble dates from Int64 parts holding NA,
    # which is what an ISO column with a blank cell gives
    parts = pd.DataFrame({"year": y, "month": m, "day": d}).astype("float64")
    parsed = pd.to_datetime(parts, errors="coerce").astype(schemas.DATE)
    if serial.any():
        n = pd.to_numeric(u.where(serial), errors="coerce")
        in_range = n.between(*EXCEL_SERIAL_RANGE)
        sdates = (_EXCEL_EPOCH + pd.to_timedelta(n.where(in_range), unit="D")).astype(schemas.DATE)
        parsed = parsed.where(~serial, sdates)
        serial = serial & in_range.fillna(False).to_numpy(dtype=bool)
        note += "; Excel serial day numbers converted" if serial.any() else ""
    shaped = iso_ok | ymd_ok | dmy_ok | serial
    ok = parsed.notna().to_numpy()
    invalid_u = ~shaped
    impossible_u = shaped & ~ok
    pad = np.array([False])
    vals = pd.Series(
        np.concatenate([parsed.to_numpy(), np.array(["NaT"], dtype=schemas.DATE)])[codes],
        dtype=schemas.DATE,
    )
    return (
        vals,
        np.concatenate([invalid_u, pad])[codes],
        np.concatenate([impossible_u, pad])[codes],
        note,
    )


_CURRENCY = re.compile(r"[Ee][Uu][Rr]|€|\s")


def _parse_numbers(
    s: pd.Series, col: str, separator: str | None, language: str, *, integer: bool
) -> tuple[pd.Series, np.ndarray, str | None]:
    """Parse numbers, deciding decimal comma vs point for the whole column from the data.

    Evidence: where a value holds both separators the last is the decimal; a separator followed
    by other than exactly three digits at the end cannot be a thousands separator. Without
    evidence the decimal follows the file: comma for ``;``-separated or non-English files.
    Runs on Arrow compute kernels (RE2) over the whole column: money columns are mostly distinct.
    """
    # distinct values once (money columns repeat about half their values), weighted by count
    idx, arr = _distinct_text(s)
    count = np.bincount(idx, minlength=len(arr))

    def evidence(pattern: str, values: pa.Array) -> int:
        hit = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
        return int(count[hit].sum())

    has_noise = pc.any(pc.match_substring_regex(arr, _CURRENCY.pattern)).as_py()
    t = pc.replace_substring_regex(arr, _CURRENCY.pattern, "") if has_noise else arr
    comma_dec = evidence(r",(?:\d{1,2}|\d{4,})$|\..*,\d*$", t)
    point_dec = evidence(r"\.(?:\d{1,2}|\d{4,})$|,.*\.\d*$", t)
    if comma_dec and not point_dec:
        decimal, why = ",", f"{comma_dec} values"
    elif point_dec and not comma_dec:
        decimal, why = ".", f"{point_dec} values"
    elif comma_dec and point_dec:
        decimal = "," if comma_dec >= point_dec else "."
        why = f"conflicting: {comma_dec} comma, {point_dec} point values; the minority is rejected"
    elif separator is None:  # a workbook: numeric cells reach us written with a point
        decimal, why = ".", "no evidence; workbook cells"
    else:
        decimal = "," if (separator == ";" or language != "en") else "."
        why = f"no evidence; assumed from the {'separator' if separator == ';' else 'language'}"
    if decimal == ",":  # a point is then only a thousands separator: 1.234.567,5
        pattern = r"^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"
        clean = pc.replace_substring(pc.replace_substring(t, ".", ""), ",", ".")
    else:
        pattern = r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
        clean = pc.replace_substring(t, ",", "")
    empty = pc.equal(t, "")
    valid = pc.match_substring_regex(t, pattern)
    num = pc.cast(pc.if_else(valid, clean, pa.scalar(None, pa.string())), pa.float64())
    num_np = num.to_numpy(zero_copy_only=False)[idx]
    empty_np = empty.to_numpy(zero_copy_only=False)[idx]
    invalid = ~(valid.to_numpy(zero_copy_only=False)[idx] | empty_np)
    if integer:
        frac = np.isfinite(num_np) & (num_np % 1 != 0)
        invalid = invalid | frac
        num_np = np.where(frac, np.nan, num_np)
    values = pd.Series(pd.array(num_np, dtype="Float64"))
    if integer:
        values = values.round().astype("Int64")
    note = None
    if not integer and not bool(empty_np.all()):
        note = f"{col}: decimal {'comma' if decimal == ',' else 'point'} ({why})"
    return values, invalid, note


_YEAR = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")


def _parse_period(
    s: pd.Series, dayfirst: bool | None, language: str
) -> tuple[pd.Series, np.ndarray]:
    """Academic years to ``2021/22``; dates to ISO ``YYYY-MM-DD``."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string")
    m = u.str.extract(_YEAR)
    y1 = pd.to_numeric(m[0], errors="coerce")
    y2 = pd.to_numeric(m[1], errors="coerce")
    short = (y1 // 100) * 100 + y2
    short = short.where(short >= y1, short + 100)  # 1999/00 is 1999/2000
    y2 = y2.where(y2 >= 100, short)
    ay_ok = (y2 == y1 + 1).fillna(False).to_numpy(dtype=bool)
    ay = (
        y1.astype("Int64").astype("string")
        + "/"
        + (y2 % 100).astype("Int64").astype("string").str.zfill(2)
    )
    dates, _invalid, _impossible, _ = _parse_dates(
        u.where(~ay_ok, "").fillna(""), "period", dayfirst, language
    )
    iso = pd.Series(dates.dt.strftime("%Y-%m-%d"), dtype="string")
    val = ay.where(ay_ok, iso)
    bad = val.isna().to_numpy()
    arr = np.array([*val.astype(object).tolist(), pd.NA], dtype=object)[codes]
    badarr = np.concatenate([bad, [True]])[codes]
    return pd.Series(pd.array(arr, dtype="string")), badarr


def _fill_basis(
    basis_col: pd.Series, group: pd.Series, basis: str | None, had_column: bool
) -> tuple[pd.Series, str | None]:
    if had_column and basis_col.notna().all():
        return basis_col, None
    if basis is not None:
        fill: pd.Series = pd.Series(basis, index=basis_col.index)
        note = f"basis: {basis} (as given) where the file has none"
    else:
        fill = pd.Series(
            np.where(group.astype(object) == "exchange_out", "destination", "nationality"),
            index=basis_col.index,
        )
        note = (
            "basis: not in the file; nationality assumed, destination for exchange_out — "
            "pass basis=... if the file counts by prior diploma"
        )
    out = basis_col.astype(object).where(basis_col.notna(), fill)
    return pd.Series(pd.Categorical(out, dtype=schemas.BASIS_DTYPE)), note
