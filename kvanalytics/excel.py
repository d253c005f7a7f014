"""Excel workbooks for analysts: an "About" sheet, then one formatted sheet per table.

Each table sheet has a bold, frozen header row in the report language (labels from
``labels.csv``, as the HTML tables of :mod:`kvanalytics.tables`), a column of country names
beside each country code, identifiers (status, metric...) as labels, an autofilter, column
widths fitted to the content (capped) and real Excel number formats on numeric cells, by the
kind of column (:func:`kvanalytics.i18n.column_kind`): counts ``#,##0``, money ``"€" #,##0``,
shares ``0.0%``, dates ``yyyy-mm-dd``; in a long table (``metric, unit, low, central, high``)
each row has the format of its unit. Excel shows the separators of the reader's locale.

Text that a spreadsheet could run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) is written with a leading apostrophe, as text, so a partner called
``=cmd|' /C calc'!A0`` stays a name (CSV/formula injection, OWASP). Numbers stay numbers:
``-5`` the number is written as a number, ``"-5"`` the text as ``'-5``. NA becomes an empty
cell; suppressed headcounts (``"<5"``, and ``"x"`` for secondary suppression: which cells are
suppressed is :func:`kvanalytics.privacy.read_published`) are written as right-aligned text, the
other numbers of their column as numbers. Labels and number formats come from
:mod:`kvanalytics.i18n`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import i18n, privacy
from .i18n import label
from .normalise import country_name
from .schemas import REJECTS
from .tables import flatten, header_label, kinds_for_people, row_kinds, value_label

__all__ = ["FORMATS", "sanitise_sheet_name", "to_excel"]

#: Number formats by column kind (:data:`kvanalytics.i18n.EXCEL_FORMATS`).
FORMATS: Mapping[str, str] = i18n.EXCEL_FORMATS
_MAX_ROWS = 1_048_576
_MAX_COLS = 16_384
_MAX_TEXT = 32_767
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PRIMARY_RE = re.compile(r"^\s*<\s*(\d+)\s*$")  # "<5": gives the threshold for the note
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:\x00-\x1f]")

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_RIGHT = Alignment(horizontal="right")
_WRAP = Alignment(wrap_text=True, vertical="top")


def sanitise_sheet_name(name: Any, taken: set[str] | None = None) -> str:
    """Make a valid, unique Excel sheet name.

    Excel allows at most 31 characters, none of ``\\ / ? * [ ] :``, no leading or trailing
    apostrophe, not "History", and names unique regardless of case. Duplicates get " (2)",
    " (3)"...

    Parameters
    ----------
    name : Any
        The wanted name (converted to text).
    taken : set of str, optional
        Case-folded names already used; the result is added to it.

    Returns
    -------
    str

    Examples
    --------
    >>> used = set()
    >>> sanitise_sheet_name("exposure by country/faculty [2024]", used)
    'exposure by country_faculty _20'
    >>> sanitise_sheet_name("Exposure by country_faculty _20", used)
    'Exposure by country_faculty (2)'
    """
    taken = set() if taken is None else taken
    text = _SHEET_FORBIDDEN.sub("_", str(name)).strip().strip("'").strip()
    if not text:
        text = "Sheet"
    if text.casefold() == "history":
        text = "History_"
    base = text[:31].rstrip("'").rstrip() or "Sheet"
    candidate, i = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({i})"
        candidate = base[: 31 - len(suffix)].rstrip("'").rstrip() + suffix
        i += 1
    taken.add(candidate.casefold())
    return candidate


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------


def _safe_text(text: str) -> str:
    """Text as it may go into a cell: no XML-illegal characters, no formula, at most 32,767."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 1] + "…"
    return text


def _scalar(value: Any) -> Any:
    """One Python value for a cell: numbers, bools, dates or safe text; None for NA."""
    if value is None:
        return None
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # lists, arrays: not a scalar NA
        pass
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (Mapping, list, tuple)):
        return _safe_text(json.dumps(value, ensure_ascii=False, default=str))
    return _safe_text(str(value))


class _Column:
    """One column ready to write: cell values, a number format per cell kind, a width."""

    def __init__(
        self,
        name: str,
        series: pd.Series,
        *,
        header: str | None = None,
        row_formats: list[str] | None = None,
    ) -> None:
        self.name = name
        self.header = name if header is None else header
        self.number_format: str | None = None
        self.right: list[bool] | None = None
        self.values, width = self._convert(series)
        self.row_formats = row_formats
        head = max((len(w) for w in self.header.split()), default=0)  # headers wrap at spaces
        self.width = int(min(_MAX_WIDTH, max(_MIN_WIDTH, head + 3, width + 2)))

    def format_of(self, r: int) -> str | None:
        """The number format of row ``r`` (a long table's rows have their unit's)."""
        return self.row_formats[r] if self.row_formats is not None else self.number_format

    def _convert(self, s: pd.Series) -> tuple[list[Any], int]:
        name = self.name
        dtype = s.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
            dtype = s.dtype
        if pd.api.types.is_bool_dtype(dtype):
            return [None if pd.isna(v) else bool(v) for v in s], 6
        if pd.api.types.is_numeric_dtype(dtype):
            floats = s.astype("Float64")
            self.number_format = i18n.excel_number_format(name, floats)
            finite = floats.where(np.isfinite(floats.fillna(0)))
            values: list[Any]
            if self.number_format in (FORMATS["integer"], FORMATS["code"]):
                values = [None if pd.isna(v) else int(v) for v in finite]
            else:
                values = [None if pd.isna(v) else float(v) for v in finite]
            return values, self._number_width(finite)
        if pd.api.types.is_datetime64_any_dtype(dtype):
            if getattr(s.dt, "tz", None) is not None:
                s = s.dt.tz_localize(None)  # Excel has no time zones: keep the wall time
            has_time = bool((s.dropna() != s.dropna().dt.normalize()).any())
            self.number_format = FORMATS["datetime" if has_time else "date"]
            values = [None if pd.isna(v) else v.to_pydatetime() for v in s]
            return values, 16 if has_time else 10
        if isinstance(dtype, pd.PeriodDtype) or pd.api.types.is_timedelta64_dtype(dtype):
            s = s.astype("string")
        return self._convert_text(s)

    def _convert_text(self, s: pd.Series) -> tuple[list[Any], int]:
        text = s.astype("string") if not pd.api.types.is_object_dtype(s.dtype) else None
        if text is None:  # object: mixed Python values; each cell on its own
            values = [_scalar(v) for v in s]
        else:
            values = [None if pd.isna(v) else _safe_text(str(v)) for v in text]
        # A suppressed headcount column ("<5" or "x" among numbers, as text or mixed) stays
        # numeric where it can: numbers as numbers, suppressed cells as right-aligned text.
        marks = _suppressed_marks(values)
        if any(marks):
            numbers: list[Any] = [
                None if (v is None or m) else (v if isinstance(v, (int, float)) else _number(v))
                for v, m in zip(values, marks, strict=True)
            ]
            convertible = all(
                m or v is None or n is not None
                for v, m, n in zip(values, marks, numbers, strict=True)
            )
            if convertible:
                numbers = [
                    int(n) if isinstance(n, float) and n.is_integer() else n for n in numbers
                ]
                values = [v if m else n for v, m, n in zip(values, marks, numbers, strict=True)]
                shown = pd.Series([n for n in numbers if n is not None], dtype="Float64")
                self.number_format = i18n.excel_number_format(self.name, shown)
            self.right = marks
        elif any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            numeric = pd.Series(
                [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)],
                dtype="Float64",
            )
            self.number_format = i18n.excel_number_format(self.name, numeric)
        widths = [len(str(v)) for v in values if v is not None]
        return values, max(widths, default=0)

    @staticmethod
    def _number_width(values: pd.Series) -> int:
        finite = values.dropna()
        if finite.empty:
            return 0
        biggest = float(finite.abs().max())
        return len(f"{biggest:,.2f}") + 5  # room for sign, decimals and " EUR"


def _suppressed_marks(values: Sequence[Any]) -> list[bool]:
    """Which cells of a column are suppressed counts, as :mod:`kvanalytics.privacy` writes them
    (one call for the column's text cells, not one per cell)."""
    texts = [i for i, v in enumerate(values) if isinstance(v, str)]
    marks = [False] * len(values)
    if texts:
        cells = pd.Series([values[i] for i in texts], dtype=object)
        for i, hidden in zip(texts, privacy.read_published(cells).suppressed, strict=True):
            marks[i] = bool(hidden)
    return marks


def _number(text: str) -> float | None:
    try:
        return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------


def _is_rejects(table: pd.DataFrame | pd.Series) -> bool:
    """A rejects table (ingest's): every column of :data:`kvanalytics.schemas.REJECTS`."""
    return isinstance(table, pd.DataFrame) and set(REJECTS) <= set(table.columns)


def _prepare(table: pd.DataFrame | pd.Series, *, labels: bool) -> pd.DataFrame:
    if not isinstance(table, (pd.DataFrame, pd.Series)):
        raise TypeError(f"to_excel writes DataFrames, got {type(table).__name__}")
    df = flatten(table, drop_names=labels)
    if len(df) + 1 > _MAX_ROWS or len(df.columns) > _MAX_COLS:
        raise ValueError(
            f"a table of {len(df):,} rows × {len(df.columns):,} columns does not fit on an Excel "
            f"sheet ({_MAX_ROWS - 1:,} rows × {_MAX_COLS:,} columns): split it, or write CSV or "
            "Parquet instead"
        )
    return df


def _header_cell(ws: Any, text: str, *, wrap: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_safe_text(text))
    cell.font = _BOLD
    cell.fill = _HEADER_FILL
    if wrap:
        cell.alignment = _WRAP
    return cell


def _for_analysts(df: pd.DataFrame, lang: str | None) -> list[_Column]:
    """The columns of a sheet: labelled headers, country names beside codes, value labels.

    With ``lang=None`` the table is written as it is (column names as headers).
    """
    if lang is None:
        return [_Column(str(name), df.iloc[:, i]) for i, name in enumerate(df.columns)]
    frame = df  # flattened by _prepare
    kinds = kinds_for_people(frame)
    by_row = None
    if "by_row" in kinds.values():
        by_row = [_ROW_FORMATS[k] for k in row_kinds(frame)]
    columns = []
    for i, name in enumerate(frame.columns):
        values, kind = frame.iloc[:, i], kinds[name]
        header = header_label(name, lang)
        if kind == "text":
            values = values.astype(object).map(
                lambda v, n=name: value_label(n, v, lang) if isinstance(v, str) else v
            )
        columns.append(
            _Column(name, values, header=header, row_formats=by_row if kind == "by_row" else None)
        )
        if kind == "country":
            names = country_name(values.astype("string").str.upper(), lang)
            key = f"{name}_names"  # "Country name" beside "Country"
            columns.append(_Column(key, names, header=header_label(key, lang)))
    return columns


#: Excel number formats of a long table's rows, by the kind of their unit.
_ROW_FORMATS: Mapping[str, str] = {
    "money": i18n.EXCEL_FORMATS["money"],
    "share": i18n.EXCEL_FORMATS["share"],
    "count": "count",  # per cell: #,##0 when whole, #,##0.0 for an expected (shared) count
}


def _write_table(ws: Any, df: pd.DataFrame, lang: str | None = None) -> None:
    columns = _for_analysts(df, lang)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{len(df) + 1}"
    ws.append([_header_cell(ws, col.header, wrap=lang is not None) for col in columns])
    for r in range(len(df)):
        row = []
        for col in columns:
            value = col.values[r]
            fmt = col.format_of(r)
            if fmt == "count":
                whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
                fmt = FORMATS["integer"] if whole else "#,##0.0"
            if col.right is not None and col.right[r]:
                cell = WriteOnlyCell(ws, value=value)
                cell.alignment = _RIGHT
                row.append(cell)
            elif fmt is not None and isinstance(value, (int, float, dt.date)):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = fmt
                row.append(cell)
            else:
                row.append(value)
        ws.append(row)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sources_frame(sources: Any) -> pd.DataFrame:
    """Sources as a table: a DataFrame as is; paths as file name + sha256 (when the file exists)."""
    if isinstance(sources, pd.DataFrame):
        return sources
    if isinstance(sources, Mapping):
        return pd.DataFrame({"file": list(map(str, sources)), "sha256": list(sources.values())})
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    rows = []
    for item in sources:
        if isinstance(item, Mapping):
            rows.append(dict(item))
        else:
            p = Path(item)
            rows.append({"file": p.name, "sha256": _sha256(p) if p.is_file() else pd.NA})
    return pd.DataFrame(rows)


def _version() -> str:
    try:
        return metadata.version("kvanalytics")
    except metadata.PackageNotFoundError:  # not installed (a source checkout on the path)
        # read when writing: at import time kvanalytics/__init__ is still importing this module
        return str(importlib.import_module(__package__ or "kvanalytics").__version__)


def _suppression_marker(frames: Sequence[pd.DataFrame]) -> int | None:
    """The threshold of the first ``"<n"`` cell in any text column, if any."""
    for df in frames:
        for i in range(df.shape[1]):
            s = df.iloc[:, i]
            if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
                continue
            if isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype(object)
            text = s.dropna().astype("string").str.extract(_PRIMARY_RE.pattern)[0].dropna()
            if len(text):
                return int(text.iloc[0])
    return None


def _write_about(
    ws: Any,
    *,
    lang: str,
    contents: list[tuple[str, str, int]],
    sources: Any,
    parameters: Mapping[str, Any] | None,
    suppression_note: str | None,
) -> None:
    def heading(key: str) -> list[Any]:
        return [_header_cell(ws, label(key, lang))]

    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 12
    title = WriteOnlyCell(ws, value=label("about_title", lang))
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    stamp = WriteOnlyCell(ws, value=now)
    stamp.number_format = "yyyy-mm-dd hh:mm:ss"
    stamp.alignment = Alignment(horizontal="left")
    ws.append([label("generated", lang), stamp])
    ws.append([label("version", lang), _safe_text(_version())])
    ws.append([])
    ws.append(heading("sheets"))
    ws.append([_header_cell(ws, label(k, lang)) for k in ("sheet", "table", "rows")])
    for sheet, table, rows in contents:
        count = WriteOnlyCell(ws, value=rows)
        count.number_format = FORMATS["integer"]
        ws.append([_safe_text(sheet), _safe_text(table), count])
    if parameters:
        ws.append([])
        ws.append(heading("parameters"))
        for key, value in parameters.items():
            name = label(str(key), lang) if i18n.has_label(str(key)) else str(key)
            ws.append([_safe_text(name), _scalar(value)])
    if sources is not None:
        frame = _sources_frame(sources)
        ws.append([])
        ws.append(heading("sources"))
        names = {"file": label("file", lang), "sha256": label("sha256", lang)}
        ws.append([_header_cell(ws, names.get(str(c), str(c))) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([_scalar(v) for v in row])
    if suppression_note:
        ws.append([])
        ws.append(heading("suppression"))
        ws.append([_safe_text(suppression_note)])


def to_excel(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    sources: pd.DataFrame | Mapping[str, str] | Sequence[Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    suppression_note: str | None = None,
    lang: str = "en",
    labels: bool = True,
) -> Path:
    """Write tables to an ``.xlsx`` workbook: an "About" sheet, then one sheet per table.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Sheet name -> table, in sheet order. Names are made valid and unique (31 characters, no
        ``\\/?*[]:``); a non-default index is written as columns.
    path : str or Path
        The workbook to write (replaced atomically; directories are created).
    sources : DataFrame, mapping or sequence, optional
        Input files for the About sheet: a table (written as is), a mapping file -> sha256, or
        paths (file name and sha256 of each existing file) or dicts.
    parameters : mapping, optional
        Key/value pairs for the About sheet (quarter, risk profile, scenario...).
    suppression_note : str, optional
        Note on small-cell suppression. When None and a table holds ``"<n"`` cells, a standard
        note is written.
    lang : {"en", "nl"}
        Language of the headers and the About sheet (the sheet itself is always "About").
    labels : bool
        Write each table for analysts (default): headers labelled in ``lang``, a column of
        country names beside each country code, identifiers (``status``, ``metric``...) as
        labels; numbers stay numbers with Excel number formats (€, %, counts). ``False``
        writes the tables as they are, column names as headers.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "exposure.xlsx"
    >>> to_excel({"by country": pd.DataFrame({"country": ["CN"], "agreements_active": [12]})},
    ...          out, parameters={"quarter": "2026Q3"}).name
    'exposure.xlsx'
    """
    i18n.check_lang(lang)
    if not isinstance(tables, Mapping):
        raise TypeError(
            "to_excel takes a mapping of sheet name -> DataFrame, e.g. {'exposure': df}"
        )
    # A rejects table keeps the file's own headers: it is fixed and read in again (ingest).
    labelled = [labels and not _is_rejects(t) for t in tables.values()]
    frames = [_prepare(t, labels=lab) for t, lab in zip(tables.values(), labelled, strict=True)]
    taken: set[str] = set()
    about_name = sanitise_sheet_name("About", taken)
    sheet_names = [sanitise_sheet_name(name, taken) for name in tables]
    if suppression_note is None:
        threshold = _suppression_marker(frames)
        if threshold is not None:
            suppression_note = label(
                "suppression_default", lang, below=threshold - 1, threshold=threshold
            )
    wb = Workbook(write_only=True)
    _write_about(
        wb.create_sheet(about_name),
        lang=lang,
        contents=[
            (sheet, str(name), len(df))
            for sheet, name, df in zip(sheet_names, tables, frames, strict=True)
        ],
        sources=sources,
        parameters=parameters,
        suppression_note=suppression_note,
    )
    for sheet, df, lab in zip(sheet_names, frames, labelled, strict=True):
        _write_table(wb.create_sheet(sheet), df, lang if lab else None)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
