"""Registries of institutions read from their publishers' files: the Erasmus Charter holders list.

The European Commission (DG EAC) publishes the holders of the Erasmus Charter for Higher Education
(ECHE) as a spreadsheet and a CSV: one row per institution with its Erasmus code, PIC, OID, legal
name, address, country and charter dates. :func:`read_erasmus_charter` reads either into one row
per institution whose ``key``, ``name`` and ``country`` columns serve as the ``reference=`` of
:func:`kvanalytics.normalise.match_institutions`, and whose ``key`` (the canonical Erasmus code)
and ``pic`` are what identifier matching looks up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pycountry
from python_calamine import CalamineWorkbook

from ..errors import ReferenceDataError
from ..normalise import (
    canonical_erasmus_code,
    erasmus_country,
    erasmus_prefixes,
    identify_partners,
    normalise_pic,
)
from ..schemas import DATE, TEXT

__all__ = ["ERASMUS_CHARTER_COLUMNS", "lookup_identifiers", "read_erasmus_charter"]

#: Columns of :func:`read_erasmus_charter`, in order.
ERASMUS_CHARTER_COLUMNS = (
    "key",
    "name",
    "country",
    "country_check",
    "country_listed",
    "code_country",
    "erasmus_code",
    "pic",
    "oid",
    "city",
    "website",
    "eche_start",
    "eche_end",
    "date_check",
    "source_file",
    "source_sheet",
    "source_row",
)

# The Commission's headers (compared case-insensitively, spaces collapsed) -> our field.
_HEADERS = {
    "erasmus code": "erasmus_code",
    "legal name": "name",
    "country cd": "country_listed",
    "pic": "pic",
    "oid": "oid",
    "city": "city",
    "website url": "website",
    "erasmus eche start": "eche_start",
    "erasmus eche end": "eche_end",
}
_REQUIRED = ("Erasmus Code", "Legal Name", "Country Cd")
_HEADER_SEARCH_ROWS = 20  # the header is within the first rows (a blank line above it today)
_CSV_SUFFIXES = (".csv", ".txt")
_BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_MISSING_TEXT = frozenset({"", "#N/A", "N/A"})


class _Grid(NamedTuple):
    """The rows of one sheet (or CSV file), each with its 1-based row (line) number."""

    sheet: str | None
    rows: list[tuple[int, list[Any]]]


# --- reading the file -----------------------------------------------------------------------------


def _header_key(cell: Any) -> str:
    return " ".join(str(cell).split()).casefold() if cell is not None else ""


def _find_header(grid: _Grid) -> int | None:
    """Position in ``grid.rows`` of the header row, or None."""
    needed = {h.casefold() for h in _REQUIRED}
    for pos, (_, cells) in enumerate(grid.rows[:_HEADER_SEARCH_ROWS]):
        if needed <= {_header_key(c) for c in cells}:
            return pos
    return None


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):  # the Commission's CSV is cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReferenceDataError(
        f"{path}: not text in UTF-8 or cp1252; expected the Erasmus Charter holders list as CSV. "
        "Fix: save it again as CSV (UTF-8), or pass the XLSX."
    )


def _csv_rows(text: str, sep: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    line = 0
    for cells in reader:
        yield line + 1, cells  # a record's first line (a quoted cell may span lines)
        line = reader.line_num


def _csv_grid(path: Path) -> _Grid:
    text = _decode(path)
    for sep in (";", ",", "\t"):  # the Commission writes ";"; a re-saved copy may not
        grid = _Grid(None, list(_csv_rows(text, sep)))
        if _find_header(grid) is not None:
            return grid
    return _Grid(None, list(_csv_rows(text, ";")))


def _book_grids(path: Path) -> list[_Grid]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        return [
            _Grid(
                name,
                list(enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False), 1)),
            )
            for name in book.sheet_names
        ]
    except Exception as exc:  # calamine raises its own error types and zip/XML errors
        raise ReferenceDataError(
            f"{path}: cannot be read as a workbook ({exc}); expected the Erasmus Charter holders "
            "list (XLSX). Fix: open it in a spreadsheet program and save it again as XLSX."
        ) from exc


def _grids(path: Path) -> list[_Grid]:
    suffix = path.suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return [_csv_grid(path)]
    if suffix in _BOOK_SUFFIXES:
        return _book_grids(path)
    raise ReferenceDataError(
        f"{path}: unknown file type {suffix!r}; the Erasmus Charter holders list is read from "
        f"{', '.join(_CSV_SUFFIXES + _BOOK_SUFFIXES)}. Fix: pass the CSV or XLSX as downloaded."
    )


def _first_cells(grids: Sequence[_Grid]) -> str:
    for grid in grids:
        for _, cells in grid.rows[:_HEADER_SEARCH_ROWS]:
            shown = [str(c) for c in cells if not _blank(c)]
            if shown:
                return f"; its first non-empty row is {shown[:6]}"
    return "; it is empty"


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or cell == ""


def _table(path: Path) -> tuple[str | None, dict[str, list[Any]], list[int]]:
    """The sheet, the raw cells of each known field and the row numbers of the data rows."""
    grids = _grids(path)
    for grid in grids:
        pos = _find_header(grid)
        if pos is None:
            continue
        header = [_header_key(c) for c in grid.rows[pos][1]]
        where = {field: header.index(h) for h, field in _HEADERS.items() if h in header}
        cells: dict[str, list[Any]] = {field: [] for field in _HEADERS.values()}
        numbers: list[int] = []
        for number, row in grid.rows[pos + 1 :]:
            if all(_blank(c) for c in row):
                continue  # an empty line is not an institution
            numbers.append(number)
            for field in cells:
                i = where.get(field)
                cells[field].append(row[i] if i is not None and i < len(row) else None)
        return grid.sheet, cells, numbers
    raise ReferenceDataError(
        f"{path}: not the Erasmus Charter holders list: expected a header row with "
        f"{', '.join(repr(h) for h in _REQUIRED)} (and Pic, OID, City, Website Url, Erasmus Eche "
        f"Start, Erasmus Eche End) within its first {_HEADER_SEARCH_ROWS} rows"
        f"{_first_cells(grids)}. Fix: pass the holders list as the European Commission publishes "
        "it (CSV or XLSX), or rename its headers to these."
    )


# --- values ---------------------------------------------------------------------------------------


def _text(values: Sequence[Any]) -> pd.Series:
    """Cells as text, whitespace runs collapsed and stripped; blank and ``#N/A`` are NA (``NA``
    stays: it is Namibia)."""
    out: list[str | None] = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append(None)
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)  # a number cell (PIC, post code) read by the workbook reader as float
        text = " ".join(str(v).split())
        out.append(None if text.upper() in _MISSING_TEXT else text)
    return pd.Series(pd.array(out, dtype=TEXT))


def _iso2(listed: pd.Series) -> pd.Series:
    """``Country Cd`` as ISO2: the EU's ``EL`` and ``UK`` are GR and GB; unknown codes NA."""
    prefixes = erasmus_prefixes()
    eu = dict(zip(prefixes["eu_code"], prefixes["iso2"], strict=True))
    known = {c.alpha_2 for c in pycountry.countries} | {"XK"}  # XK: Kosovo, as the EU writes it
    code = listed.str.upper().map(lambda c: eu.get(c, c), na_action="ignore").astype(TEXT)
    return code.where(code.isin(known))


def _country(listed: pd.Series, from_code: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The country of each institution and how it relates to its code's prefix.

    The list's country wins (it says where the institution is; the prefix says which national
    agency issued the code); the prefix fills a missing or unknown listed country.
    """
    has_l, has_c = listed.notna(), from_code.notna()
    same = (listed == from_code).fillna(False).astype(bool)
    check = pd.Series("unknown", index=listed.index, dtype=TEXT)
    check[has_l & has_c & same] = "agrees"
    check[has_l & has_c & ~same] = "differs"
    check[has_l & ~has_c] = "listed_only"
    check[~has_l & has_c] = "from_code"
    return listed.fillna(from_code), check


class _Date(NamedTuple):
    value: dt.date | None
    order: str | None  # "dmy" or "mdy" when the value shows it (a part > 12)
    ambiguous: tuple[int, int, int] | None  # (first, second, year), both parts <= 12
    problem: str | None


_SLASHED_RE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")


def _make_date(year: int, month: int, day: int, order: str | None, raw: str) -> _Date:
    try:
        return _Date(dt.date(year, month, day), order, None, None)
    except ValueError:
        return _Date(None, None, None, f"{raw!r} is not a date")


def _read_date(value: Any) -> _Date:
    """One charter date: a workbook date, ISO text, or day/month/year in either order."""
    if isinstance(value, dt.datetime):
        return _Date(value.date(), None, None, None)
    if isinstance(value, dt.date):
        return _Date(value, None, None, None)
    if _blank(value) or (isinstance(value, float) and value != value):
        return _Date(None, None, None, None)
    raw = str(value).strip()
    if m := _ISO_RE.fullmatch(raw):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), None, raw)
    m = _SLASHED_RE.fullmatch(raw)
    if not m:
        return _Date(None, None, None, f"{raw!r} is not a date")
    a, sep, b, year = int(m[1]), m[2], int(m[3]), int(m[4])
    if sep == "." or (a > 12 >= b):  # dotted dates are day-first wherever they are written
        return _make_date(year, b, a, "dmy", raw)
    if b > 12 >= a:
        return _make_date(year, a, b, "mdy", raw)
    if a == b:
        return _make_date(year, a, a, None, raw)
    if a > 12:
        return _Date(None, None, None, f"{raw!r} is not a date")
    return _Date(None, None, (a, b, year), None)


def _settle(
    read: _Date, order: str | None, field: str, raw: Any
) -> tuple[dt.date | None, str | None]:
    """A date whose day/month order the value itself does not show, settled by the row's order."""
    if read.ambiguous is None:
        return read.value, (f"{field} {read.problem}" if read.problem else None)
    a, b, year = read.ambiguous
    if order is None:
        return None, (
            f"{field} {str(raw).strip()!r} could be day/month or month/day and the row does not "
            "show which"
        )
    month, day = (a, b) if order == "mdy" else (b, a)
    return dt.date(year, month, day), None


def _dates(starts: Sequence[Any], ends: Sequence[Any]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Charter start and end dates, and a check per row ("ok" or what could not be read).

    The list mixes month/day/year (``12/31/2029``) and day/month/year (``31/12/2029``) rows. A
    value with a part above 12 shows its order; a value that does not (``11/1/2021``) takes the
    order the other date of its row shows (``11/1/2021`` beside ``12/31/2029`` is 1 November
    2021, as the XLSX of the same list has it); when neither shows it, the date is NA and
    flagged. Unreadable dates are NA and flagged, never guessed.
    """
    out_start: list[dt.date | None] = []
    out_end: list[dt.date | None] = []
    checks: list[str] = []
    for s_raw, e_raw in zip(starts, ends, strict=True):
        s, e = _read_date(s_raw), _read_date(e_raw)
        orders = {r.order for r in (s, e) if r.order}
        order = orders.pop() if len(orders) == 1 else None
        s_val, s_problem = _settle(s, order, "eche_start", s_raw)
        e_val, e_problem = _settle(e, order, "eche_end", e_raw)
        out_start.append(s_val)
        out_end.append(e_val)
        checks.append("; ".join(p for p in (s_problem, e_problem) if p) or "ok")
    return (
        pd.Series(pd.to_datetime(pd.Series(out_start, dtype=object)), dtype=DATE),
        pd.Series(pd.to_datetime(pd.Series(out_end, dtype=object)), dtype=DATE),
        pd.Series(checks, dtype=TEXT),
    )


# --- the registry ---------------------------------------------------------------------------------


def read_erasmus_charter(path: str | PathLike[str]) -> pd.DataFrame:
    """Read the Erasmus Charter for Higher Education holders list (CSV or XLSX) as a registry.

    The layout the European Commission publishes: headers ``Proposal number; Erasmus Code; Pic;
    OID; Legal Name; Street; Post Cd; City; Country Cd; Website Url; Erasmus Eche Start;
    Erasmus Eche End`` on a row within the first 20 (today below a blank ``;;;`` line); the CSV
    in cp1252 (UTF-8 also read) separated by ``;``; any sheet of a workbook. Only
    ``Erasmus Code``, ``Legal Name`` and ``Country Cd`` are required; a missing optional column
    comes out NA. Every non-empty row after the header is one output row, in file order: rows
    in = rows out, none dropped.

    Parameters
    ----------
    path : str or path-like
        The ``.csv`` or ``.xlsx`` (also ``.xls``, ``.xlsm``, ``.xlsb``, ``.ods``) as downloaded.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ERASMUS_CHARTER_COLUMNS`:

        - ``key``: the canonical Erasmus code (``A  BADEN01``; see
          :func:`kvanalytics.normalise.canonical_erasmus_code`); a code that is not an Erasmus
          code (``BE BRUGGE11``: no such prefix) is kept as written, spaces collapsed;
        - ``name``: ``Legal Name``;
        - ``country``: ISO2 of ``Country Cd`` (``EL`` is GR, ``NA`` Namibia); where it is blank
          or unknown, the country of the code's prefix;
        - ``country_check``: ``agrees`` (the prefix gives the listed country), ``differs`` (it
          gives another: the row is kept and ``country`` is the listed one; the list has three:
          a Belgian code in Maastricht, a French one in Réunion, an Italian one in San Marino),
          ``listed_only`` (the code gives no country), ``from_code``, ``unknown``;
        - ``country_listed`` (``Country Cd`` as written), ``code_country`` (the prefix's);
        - ``erasmus_code`` (as written, no-break spaces included), ``pic`` (9 digits, see
          :func:`kvanalytics.normalise.normalise_pic`), ``oid`` (NA for ``#N/A``), ``city``,
          ``website``;
        - ``eche_start``, ``eche_end``: dates (see below); ``date_check``: ``ok`` or why a date
          is NA;
        - ``source_file``, ``source_sheet`` (NA for a CSV), ``source_row`` (line or sheet row).

        Dates: workbook dates as they are; text as ISO or day/month/year in either order: a
        part above 12 shows the order, and a date that does not show it takes the order the
        other date of its row shows; otherwise, and for text that is not a date, NA and a
        ``date_check`` saying why — never a guess.

    Raises
    ------
    ReferenceDataError
        The file is missing, unreadable, or not this layout (the message names the file, the
        headers expected and the fix).

    Examples
    --------
    >>> eche = read_erasmus_charter("../shared/realdata/erasmus/eche_holders_2024-06.csv")  # doctest: +SKIP
    >>> eche.loc[eche["key"] == "D  BERLIN01", ["key", "name", "country"]]  # doctest: +SKIP
                  key                     name country
    370  D  BERLIN01  FREIE UNIVERSITAET BERLIN      DE
    >>> from kvanalytics.normalise import match_institutions  # doctest: +SKIP
    >>> match_institutions(["Freie Universität Berlin"], eche[["key", "name", "country"]],
    ...                    country=["DE"])[["key", "decision"]]  # doctest: +SKIP
               key decision
    0  D  BERLIN01    match
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found.")
    sheet, cells, numbers = _table(path)
    raw_code = _text(cells["erasmus_code"])
    key = canonical_erasmus_code(raw_code).fillna(raw_code.str.upper())
    code_country = erasmus_country(raw_code)
    listed = _text(cells["country_listed"])
    country, check = _country(_iso2(listed), code_country)
    start, end, date_check = _dates(cells["eche_start"], cells["eche_end"])
    n = len(numbers)
    out = pd.DataFrame(
        {
            "key": key,
            "name": _text(cells["name"]),
            "country": country,
            "country_check": check,
            "country_listed": listed,
            "code_country": code_country,
            "erasmus_code": pd.Series(
                pd.array([None if _blank(c) else str(c) for c in cells["erasmus_code"]], dtype=TEXT)
            ),
            "pic": normalise_pic(pd.Series(cells["pic"], dtype=object)),
            "oid": _text(cells["oid"]).str.upper(),
            "city": _text(cells["city"]),
            "website": _text(cells["website"]),
            "eche_start": start,
            "eche_end": end,
            "date_check": date_check,
            "source_file": pd.Series([str(path)] * n, dtype=TEXT),
            "source_sheet": pd.Series([sheet] * n, dtype=TEXT),
            "source_row": pd.Series(numbers, dtype="Int64"),
        },
        index=pd.RangeIndex(n),
    )
    return out[list(ERASMUS_CHARTER_COLUMNS)]


# --- identifiers looked up in a registry ----------------------------------------------------------


def _compact(values: pd.Series) -> pd.Series:
    """Codes without any space, upper case: the spelling of systems that strip spaces."""
    return values.astype(TEXT).str.upper().str.replace(r"\s+", "", regex=True)


def _unique_map(keys: pd.Series, values: pd.Series) -> tuple[dict[Any, Any], dict[Any, int]]:
    """``keys`` -> value where a key has one registry row, and the row count of every key."""
    frame = pd.DataFrame({"k": keys, "v": values}).dropna()
    counts = frame["k"].value_counts()
    single = frame[frame["k"].map(counts) == 1]
    return dict(zip(single["k"], single["v"], strict=True)), counts.to_dict()


def _join_notes(columns: Sequence[pd.Series]) -> pd.Series:
    """Row-wise ``"; "``-join of string columns, skipping NA; NA where all are NA."""
    out = columns[0]
    for col in columns[1:]:
        out = (out + "; " + col).where(out.notna() & col.notna(), out.fillna(col))
    return out


def lookup_identifiers(df: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Registry keys of partners found by their identifiers, before any name matching.

    The Erasmus code is looked up first: its canonical spelling among the registry's keys,
    then, for a code that is not among them as parsed (``DKARHUS01`` could be ``D`` or ``DK``;
    ``BEBRUGGE11`` parses as ``B  EBRUGGE11``), the registry's codes with their spaces removed:
    the registry settles it when exactly one of its codes reads so. Then the PIC, where exactly one registry row has it (one legal entity
    may hold two Erasmus codes: its PIC then decides nothing). A code and a PIC that point at
    different rows give no key: the conflict is noted, never settled by a guess.

    Parameters
    ----------
    df : pandas.DataFrame
        Any of the columns ``erasmus_code``, ``pic``, ``ror`` raw as found (see
        :func:`kvanalytics.normalise.identify_partners`). Not modified.
    registry : pandas.DataFrame
        Columns ``key`` (canonical Erasmus codes) and ``pic``, e.g. :func:`read_erasmus_charter`.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``df``: ``key`` (NA when not found), ``method`` (``erasmus_code``,
        ``pic`` or NA) and ``identifier_note`` (the notes of ``identify_partners`` and of the
        lookup, ``;``-separated).

    Examples
    --------
    >>> registry = pd.DataFrame({"key": ["DK ARHUS01", "D  BERLIN01"],
    ...                          "pic": ["999997057", "999977948"]})
    >>> found = lookup_identifiers(pd.DataFrame({"erasmus_code": ["DKARHUS01", None],
    ...                                          "pic": [None, "999 977 948"]}), registry)
    >>> found[["key", "method"]]
               key        method
    0   DK ARHUS01  erasmus_code
    1  D  BERLIN01           pic
    """
    missing = [c for c in ("key", "pic") if c not in registry.columns]
    if missing:
        raise ReferenceDataError(
            f"registry lacks column(s) {missing}; pass read_erasmus_charter(...) or a frame with "
            "'key' (canonical Erasmus codes) and 'pic'."
        )
    ids = identify_partners(df)
    keys = registry["key"].astype(TEXT)
    known = set(keys.dropna())
    by_compact, _ = _unique_map(_compact(keys), keys)
    by_pic, pic_rows = _unique_map(normalise_pic(registry["pic"]), keys)

    raw = df["erasmus_code"] if "erasmus_code" in df else pd.Series(pd.NA, index=df.index)
    from_code = ids["erasmus_code"].where(ids["erasmus_code"].isin(known))
    settled = _compact(pd.Series(raw, index=df.index)).map(by_compact).astype(TEXT)
    by_registry = from_code.isna() & settled.notna()  # not parsed, or parsed as no registry code
    from_code = from_code.fillna(settled)
    from_pic = ids["pic"].map(by_pic).astype(TEXT)
    conflict = (from_code.notna() & from_pic.notna() & (from_code != from_pic)).astype(bool)
    key = from_code.fillna(from_pic).where(~conflict)
    method = pd.Series(pd.NA, index=df.index, dtype=TEXT)
    method[from_pic.notna()] = "pic"
    method[from_code.notna()] = "erasmus_code"
    method[conflict] = pd.NA
    shared = (ids["pic"].map(pic_rows).fillna(0).astype(int) > 1) & from_code.isna()
    note = _join_notes(
        [
            ids["identifier_note"],
            ("erasmus_code: the registry reads it as " + settled).where(by_registry),
            ("pic " + ids["pic"] + ": held by several registry rows").where(shared),
            ("erasmus_code gives " + from_code + " and pic gives " + from_pic + ": no key").where(
                conflict
            ),
        ]
    )
    return pd.DataFrame({"key": key, "method": method, "identifier_note": note}, index=df.index)
