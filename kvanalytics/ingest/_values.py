"""Cell text to typed values, one parser per kind of field (``_fields``), over distinct values.

Each parser takes a trimmed text column and returns the values, the masks of the rows that
fail (the caller turns them into rejects) and, where it decided something for the whole column
(date order, decimal mark, a checkbox column), a note for the ingest report. Parsers work on
the distinct values of a column and map back (DESIGN.md: distinct, then map), with Arrow and
numpy kernels rather than a Python object per cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import normalise, schemas
from ..config import PACKAGE_DATA
from ..normalise import identify_partners
from ._fields import CATEGORY_COLUMNS
from ._grid import ARROW_STR
from ._vocab import (
    convention,
    currency_pattern,
    key,
    number_bytes,
    value_from_words,
    value_lookup,
)

#: Excel serial dates accepted in date columns (1954-10-04 .. 2119-03-24).
EXCEL_SERIAL_RANGE = (20_000, 80_000)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: The one mark of a checkbox column (x or blank).
CHECKBOX_MARK = "x"

_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DATE_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_YEAR = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")


# --------------------------------------------------------------------------------------------
# Word lists of the package data (partner types, missing markers, summary-row words)
# --------------------------------------------------------------------------------------------


def _word_list(name: str) -> pd.DataFrame:
    # keep_default_na=False: the markers "NA", "NaN", "NULL" are the data, not missing values
    return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def partner_type_lookup() -> dict[str, str]:
    """Folded partner-type text -> category (``partner_type_synonyms.csv``, plus any
    ``partner_type`` rows of ``value_synonyms.csv`` and the categories' own names)."""
    out = {
        key(str(r.synonym)): str(r.value)
        for r in _word_list("partner_type_synonyms.csv").itertuples()
    }
    out.update(value_lookup().get("partner_type", {}))
    return out


@lru_cache(maxsize=1)
def missing_markers() -> tuple[str, ...]:
    """The cell texts that mean "no value" (``missing_markers.csv``: R, Stata, SPSS, Excel, SQL)."""
    return tuple(_word_list("missing_markers.csv")["marker"])


@lru_cache(maxsize=1)
def summary_words() -> tuple[tuple[str, ...], ...]:
    """The words and phrases that label a totals row (``summary_words.csv``), folded, as tuples
    of words, longest first."""
    phrases = {tuple(key(w).split()) for w in _word_list("summary_words.csv")["word"]}
    return tuple(sorted((p for p in phrases if p), key=len, reverse=True))


def is_summary_label(text: str) -> bool:
    """Whether a cell reads as the label of a totals row: its first or last words are a summary
    word or phrase (``TOTAL``, ``Subtotaal Rechten``, ``PLAZAS TOTALES``, ``Yhteensä``).

    Examples
    --------
    >>> is_summary_label("PLAZAS TOTALES"), is_summary_label("Totalt"), is_summary_label("Totalia")
    (True, True, False)
    """
    words = tuple(key(text).split())
    return any(words[: len(p)] == p or words[-len(p) :] == p for p in summary_words())


def blank_markers(s: pd.Series) -> tuple[pd.Series, int, list[str]]:
    """A trimmed column with its missing markers (``NA``, ``.``, ``#N/A`` ...) made empty: the
    column, how many cells were markers, and which markers were found."""
    markers = pa.array(missing_markers(), pa.string())
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = pa.array(np.asarray(s.cat.categories, dtype=object), pa.string())
        hit = pc.is_in(cats, value_set=markers).to_numpy(zero_copy_only=False)
        if not hit.any():
            return s, 0, []
        found = [str(c) for c in np.asarray(s.cat.categories)[hit]]
        cats = [str(c) for c in s.cat.categories]
        if "" not in cats:
            cats.append("")
        codes = s.cat.codes.to_numpy().copy()
        marked = np.isin(codes, np.flatnonzero(hit))
        codes[marked] = cats.index("")
        out = pd.Series(
            pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype="str"), validate=False)
        )
        n = int(marked.sum())
        return out, n, found
    t = arrow_text(s).combine_chunks()
    # a marker is short and begins with one of few bytes: only such cells are looked up
    maybe = _may_be_marker(t)
    if not maybe.any():
        return s, 0, []
    sub = t.filter(pa.array(maybe))
    sub_hit = pc.is_in(sub, value_set=markers).to_numpy(zero_copy_only=False)
    n = int(sub_hit.sum())
    if not n:
        return s, 0, []
    found = sorted(set(sub.filter(pa.array(sub_hit)).to_pylist()))
    hit = np.zeros(len(t), dtype=bool)
    hit[np.flatnonzero(maybe)[sub_hit]] = True
    blanked = pc.if_else(pa.array(hit), pa.scalar("", t.type), t)
    return pd.Series(pd.array(blanked, dtype=ARROW_STR)), n, found


@lru_cache(maxsize=1)
def _marker_shape() -> tuple[np.ndarray, np.ndarray]:
    """Which byte lengths and which first bytes a missing marker has (look-up tables)."""
    encoded = [m.encode() for m in missing_markers()]
    lengths = np.zeros(max(map(len, encoded)) + 2, dtype=bool)
    firsts = np.zeros(256, dtype=bool)
    for m in encoded:
        lengths[len(m)] = True
        firsts[m[0]] = True
    return lengths, firsts


def _may_be_marker(arr: pa.Array) -> np.ndarray:
    """Cells whose byte length and first byte are those of some missing marker (a superset of
    the markers: byte look-ups, no hashing of every cell)."""
    lengths, firsts = _marker_shape()
    off = _offsets(arr)
    size = np.diff(off)
    maybe = lengths[np.minimum(size, len(lengths) - 1)]
    if not maybe.any():
        return maybe
    chars = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    pos = np.flatnonzero(maybe)
    maybe[pos] = firsts[chars[off[:-1][pos]]]
    return maybe


# --------------------------------------------------------------------------------------------
# Text: trimming, distinct values, Arrow strings
# --------------------------------------------------------------------------------------------


def trim_column(s: pd.Series) -> tuple[pd.Series, np.ndarray, int]:
    """Cells without surrounding white space: the column, which cells are non-empty, and the
    most bytes in a cell (at least). A categorical is trimmed over its categories (values equal
    once trimmed become one category) and stays categorical.
    """
    if not isinstance(s.dtype, pd.CategoricalDtype):
        text = arrow_text(s)
        trimmed = [_trim_chunk(c) for c in text.chunks]
        nbytes = np.concatenate(
            [np.diff(_offsets(c)) for c, _ in trimmed] or [np.zeros(0, dtype=np.int64)]
        )
        longest = int(nbytes.max(initial=0))
        if s.dtype == ARROW_STR and not any(changed for _, changed in trimmed) and not s.hasnans:
            return s, nbytes > 0, longest  # no cell has white space around it: as it is
        t = pa.chunked_array([c for c, _ in trimmed], type=text.type)
        return pd.Series(pd.array(t, dtype=ARROW_STR)), nbytes > 0, longest
    cats = pa.array(np.asarray(s.cat.categories, dtype=object), type=pa.string())
    t = pc.utf8_trim_whitespace(cats)
    nbytes = pc.binary_length(t).to_numpy(zero_copy_only=False)
    codes = s.cat.codes.to_numpy()
    if t.equals(cats):  # no category has white space around it: the codes stand
        longest = int(nbytes.max(initial=0))
        if nbytes.all() and not s.hasnans:
            return s, np.ones(len(s), dtype=bool), longest
        return s, np.append(nbytes > 0, False)[codes], longest  # code -1 (NA): not filled
    merged, distinct = pd.factorize(t.to_numpy(zero_copy_only=False))
    ok = codes >= 0
    new = np.where(ok, merged[np.where(ok, codes, 0)], -1) if len(merged) else codes
    filled = ok & (nbytes[np.where(ok, codes, 0)] > 0) if len(nbytes) else np.zeros(len(s), bool)
    cat = pd.Categorical.from_codes(
        new, categories=pd.Index(np.asarray(distinct, dtype=object), dtype="str"), validate=False
    )
    return pd.Series(cat), filled, int(nbytes.max(initial=0))


def _offsets(arr: pa.Array) -> np.ndarray:
    """The value offsets of a string array (no copy)."""
    kind = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    off = np.frombuffer(arr.buffers()[1], dtype=kind)
    return off[arr.offset : arr.offset + len(arr) + 1]


#: Bytes that may begin or end white space in UTF-8: ASCII controls and space, DEL, and every
#: byte of a multi-byte character (U+00A0, U+2007, U+3000 ... are white space to Arrow).
_MAY_BE_SPACE = np.zeros(256, dtype=bool)
_MAY_BE_SPACE[: ord(" ") + 1] = True
_MAY_BE_SPACE[0x7F:] = True


def _trim_chunk(arr: pa.Array) -> tuple[pa.Array, bool]:
    """One chunk of strings (no nulls) trimmed of surrounding white space, and whether any
    changed. Only cells whose first or last byte may be white space are trimmed (most cells of
    an export have none: a byte look-up per cell instead of a new copy of the column)."""
    off = _offsets(arr)
    data = arr.buffers()[2]
    if data is None or len(arr) == 0 or off[-1] == off[0]:
        return arr, False
    chars = np.frombuffer(data, dtype=np.uint8)
    end = off[-1]
    # an empty cell's first byte is the next cell's (or none: clipped); it is not looked at
    first = _MAY_BE_SPACE[chars[np.minimum(off[:-1], end - 1)]]
    last = _MAY_BE_SPACE[chars[np.maximum(off[1:] - 1, 0)]]
    suspect = (first | last) & (off[1:] > off[:-1])
    if not suspect.any():
        return arr, False
    mask = pa.array(suspect)
    some = arr.filter(mask)
    done = pc.utf8_trim_whitespace(some)
    if done.equals(some):
        return arr, False
    return pc.replace_with_mask(arr, mask, done.cast(arr.type)), True


def distinct_text(s: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Each cell's code and the distinct texts (a categorical's own; else Arrow's dictionary)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        values = pa.array(np.asarray(s.cat.categories, dtype=object), type=pa.string())
        if (codes < 0).any():  # a missing cell reads as an empty one
            codes = np.where(codes < 0, len(values), codes)
            values = pa.concat_arrays([values, pa.array([""], pa.string())])
        return codes, values
    enc = arrow_text(s).combine_chunks().dictionary_encode()
    return enc.indices.to_numpy(zero_copy_only=False), enc.dictionary


def first_seen_codes(s: pd.Series) -> np.ndarray:
    """Each cell's code, the values numbered in order of first appearance (a blank or NA cell
    has one too): a repeat is a cell whose code is not new.

    A column in strictly ascending order (an export sorted by its id) repeats nothing: its codes
    are 0, 1, ... without hashing a value (one comparison of neighbours, ~2 ms at 10^6 rows
    against ~0.2 s for the hash table).

    Examples
    --------
    >>> first_seen_codes(pd.Series(["b", "a", "b"])).tolist()
    [0, 1, 0]
    >>> first_seen_codes(pd.Series(["a", "b", "c"])).tolist()
    [0, 1, 2]
    """
    t = arrow_text(s).combine_chunks()
    if len(t) > 1 and pc.all(pc.greater(t[1:], t[:-1])).as_py():
        return np.arange(len(t), dtype=np.int64)
    return t.dictionary_encode().indices.to_numpy(zero_copy_only=False).astype(np.int64)


def arrow_text(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow strings behind a text column (NA as ""), without a round trip through Python."""
    arr = s.astype(ARROW_STR).array
    chunked = (
        pa.chunked_array(arr._pa_array)
        if hasattr(arr, "_pa_array")
        else pa.chunked_array([pa.array(s.to_numpy(dtype=object, na_value=""), type=pa.string())])
    )
    if not (pa.types.is_large_string(chunked.type) or pa.types.is_string(chunked.type)):
        chunked = chunked.cast(pa.large_string())
    return pc.fill_null(chunked, "") if chunked.null_count else chunked


def repeat_text(value: str | None, n: int) -> pd.Series:
    """A text column of one value (or NA), built in Arrow rather than from a Python list."""
    arr = pa.repeat(pa.scalar(value, pa.string()), n)
    return pd.Series(pd.array(arr, dtype=ARROW_STR))


def parse_text(s: pd.Series, fn: Callable[[str], str] | None = None) -> pd.Series:
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
        return pd.Series(pd.array(taken, dtype=ARROW_STR))
    t = arrow_text(s)
    val = pd.Series(pd.array(pc.if_else(pc.equal(t, ""), null, t), dtype=ARROW_STR))
    return _map_distinct(val, fn) if fn else val


def _map_distinct(s: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    """Apply ``fn`` to each distinct non-NA value once and map back (DESIGN.md: distinct, then map)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = pa.array([fn(u) for u in uniques], type=pa.string())
    taken = mapped.take(pa.array(codes, mask=codes < 0))  # NA (-1) takes a null
    return pd.Series(pd.array(taken, dtype=ARROW_STR), index=s.index)


def parse_faculty(s: pd.Series) -> pd.Series:
    """Faculty names as text, the spellings of "institution-wide" as ``Central`` (value_synonyms)."""
    central = value_lookup().get("faculty", {})

    def faculty(v: str) -> str:
        return central.get(key(v), v)

    return parse_text(s, faculty)


def parse_country(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """ISO 3166 alpha-2 codes from names and codes in any language ("NA" is Namibia), and which
    non-blank cells are no country.
    """
    empty = (s == "").to_numpy()
    iso = normalise.to_iso2(s.mask(s == ""))
    return iso.astype("string"), (~empty) & iso.isna().to_numpy()


def parse_identifier(s: pd.Series, col: str) -> tuple[pd.Series, np.ndarray, list[str], pd.Series]:
    """Partner identifiers normalised by :func:`kvanalytics.identifiers.identify_partners`:
    the values (NA where blank), which non-blank cells are no valid identifier, why (one text per
    such cell, in order), and the country each Erasmus code gives (all NA for a PIC or ROR).
    """
    raw = parse_text(s)
    ids = identify_partners(pd.DataFrame({col: raw}))
    values = ids[col].astype(schemas.TEXT).reset_index(drop=True)
    # a value that is there and not read, with a reason (CORDIS' PIC 0 is a missing PIC: none)
    noted = ids["identifier_note"].notna().to_numpy(dtype=bool)
    bad = (raw.notna() & values.isna()).to_numpy(dtype=bool) & noted
    why = ids["identifier_note"].fillna("").to_numpy(dtype=object)[bad]
    reasons = [str(w).split(": ", 1)[-1] for w in why]
    country = ids["identifier_country"].astype(schemas.TEXT).reset_index(drop=True)
    return values, bad, reasons, country


# --------------------------------------------------------------------------------------------
# Categories and booleans
# --------------------------------------------------------------------------------------------


def parse_category(
    s: pd.Series, col: str, lookup: Mapping[str, str] | None = None
) -> tuple[pd.Series, np.ndarray]:
    """The column's categories and which non-blank values are unknown.

    A value is its category when it is a value synonym (folded), else when its words name one
    category and nothing else (``value_words.csv``: ``Studierendenaustausch`` -> exchange); a
    value whose words are unknown or point two ways stays unknown.
    """
    by_words = lookup is None and col != "partner_type"
    if lookup is None:
        lookup = partner_type_lookup() if col == "partner_type" else value_lookup().get(col, {})
    dtype = CATEGORY_COLUMNS[col]
    position = {c: i for i, c in enumerate(dtype.categories)}
    codes, uniques = pd.factorize(s, use_na_sentinel=True)

    def category(u: object) -> int:
        if u == "":
            return -1
        cat = lookup.get(key(str(u)))
        if cat is None and by_words:
            hit = value_from_words(col, str(u))
            cat = hit[0] if hit else None
        return position.get(cat or "", -1)

    # per distinct value: its category code (-1 none) and whether it is a non-blank unknown
    code_of = np.array([category(u) for u in uniques] + [-1], dtype=np.int64)
    unknown = np.array(
        [u != "" and c < 0 for u, c in zip(uniques, code_of, strict=False)] + [False]
    )
    cat = pd.Categorical.from_codes(code_of[codes], dtype=dtype)
    return pd.Series(cat), unknown[codes]


def parse_boolean(s: pd.Series, col: str) -> tuple[pd.Series, np.ndarray, str | None]:
    """Yes/no words (value_synonyms ``boolean``) as booleans, blank unknown; in a checkbox
    column (every non-blank value an x) blank is no.
    """
    lookup = value_lookup().get("boolean", {})
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    # a checkbox column: every non-blank value is an x (judged on the distinct values)
    marks = {str(u).lower() for u in uniques if u != ""}
    checkbox = marks == {CHECKBOX_MARK}
    # per distinct value: 1 yes, 0 no, -1 unknown (NA); and whether it is a non-blank unknown
    state = []
    for u in uniques:
        if u == "":
            state.append(0 if checkbox else -1)
        else:
            v = lookup.get(key(str(u)))
            state.append(-1 if v is None else int(v == "true"))
    state_of = np.array([*state, -1], dtype=np.int8)
    bad_of = np.array([u != "" and st < 0 for u, st in zip(uniques, state, strict=True)] + [False])
    st_rows = state_of[codes]
    arr = pd.arrays.BooleanArray(st_rows == 1, st_rows < 0)
    note = f"{col}: checkbox column (x or blank), blank read as no" if checkbox else None
    return pd.Series(arr), bad_of[codes], note


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def _num(s: pd.Series) -> pd.Series:
    """Numbers from regex-extracted digit strings (NA where there was no match)."""
    return pd.Series(pd.to_numeric(s, errors="coerce"), index=s.index)


def _n(count: int) -> str:
    """``1 value``, ``2 values``: a count of values for a note."""
    return f"{count} value{'' if count == 1 else 's'}"


def decide_date_order(
    col: str,
    a: pd.Series,
    b: pd.Series,
    any_dmy: bool,
    dayfirst: bool | None,
    language: str,
    dotted: bool = False,
) -> tuple[bool, str]:
    """Day-first or not for a column of ``a-b-yyyy`` dates, and the report's note saying why.

    The argument wins; else the evidence (a first part over 12 is a day, a second part over 12
    is a day); else dates written with dots (``01.10.2022``: day-first wherever dots are used);
    else the convention of the header language (``header_languages.csv``).
    """
    day_first_evidence = int(((a > 12) & (b <= 12)).sum())
    month_first_evidence = int(((b > 12) & (a <= 12)).sum())
    if dayfirst is not None:
        order = dayfirst
        note = f"{col}: {'day' if order else 'month'}-first dates as requested"
    elif day_first_evidence and not month_first_evidence:
        order = True
        note = f"{col}: day-first dates (evidence: {_n(day_first_evidence)} with day > 12)"
    elif month_first_evidence and not day_first_evidence:
        order = False
        note = (
            f"{col}: month-first dates (evidence: {_n(month_first_evidence)} with month "
            "position > 12)"
        )
    elif month_first_evidence and day_first_evidence:
        order = day_first_evidence >= month_first_evidence
        note = (
            f"{col}: conflicting date orders ({day_first_evidence} day-first, "
            f"{month_first_evidence} month-first values); read "
            f"{'day' if order else 'month'}-first, the others are rejected"
        )
    elif dotted:
        order = True
        note = f"{col}: day-first dates (written with dots, as day.month.year is)"
    else:
        order = convention(language).dayfirst
        note = f"{col}: no evidence of day- or month-first order" + (
            f"; {'day' if order else 'month'}-first assumed from the {language} headers"
            if any_dmy
            else " needed (ISO or Excel dates)"
        )
    return order, note


def parse_dates(
    s: pd.Series, col: str, dayfirst: bool | None, language: str
) -> tuple[pd.Series, np.ndarray, np.ndarray, str]:
    """Parse a date column over its distinct values, deciding day- vs month-first for the column.

    Returns the dates, the rows that are not dates, the rows shaped as dates that are not on the
    calendar (31-02-2020), and the note of the decision.
    """
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
    dotted = bool(dmy_ok.any()) and bool(u[dmy_ok].str.contains(".", regex=False).all())
    order, note = decide_date_order(col, a, b, bool(dmy_ok.any()), dayfirst, language, dotted)
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
        parsed, serial = _excel_serials(u, serial, parsed)
        note += "; Excel serial day numbers converted" if serial.any() else ""
    shaped = iso_ok | ymd_ok | dmy_ok | serial
    ok = parsed.notna().to_numpy()
    pad = np.array([False])
    vals = pd.Series(
        np.concatenate([parsed.to_numpy(), np.array(["NaT"], dtype=schemas.DATE)])[codes],
        dtype=schemas.DATE,
    )
    invalid = np.concatenate([~shaped, pad])[codes]
    impossible = np.concatenate([shaped & ~ok, pad])[codes]
    return vals, invalid, impossible, note


def _excel_serials(
    u: pd.Series, serial: np.ndarray, parsed: pd.Series
) -> tuple[pd.Series, np.ndarray]:
    """Excel serial day numbers among the distinct values as dates; the serials in range."""
    n = pd.to_numeric(u.where(serial), errors="coerce")
    in_range = n.between(*EXCEL_SERIAL_RANGE)
    sdates = (_EXCEL_EPOCH + pd.to_timedelta(n.where(in_range), unit="D")).astype(schemas.DATE)
    parsed = parsed.where(~serial, sdates)
    return parsed, serial & in_range.fillna(False).to_numpy(dtype=bool)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def decide_decimal(
    comma_dec: int, point_dec: int, separator: str | None, language: str
) -> tuple[str, str]:
    """The decimal mark of a column from the evidence counts, and why (for the report's note).

    Without evidence: a workbook's cells are written with a point; a ``;``-separated file, or
    one whose header language writes a decimal comma (``header_languages.csv``), has a comma.
    """
    if comma_dec and not point_dec:
        return ",", _n(comma_dec)
    if point_dec and not comma_dec:
        return ".", _n(point_dec)
    if comma_dec and point_dec:
        decimal = "," if comma_dec >= point_dec else "."
        return decimal, (
            f"conflicting: {comma_dec} comma, {point_dec} point values; the minority is rejected"
        )
    if separator is None:  # a workbook: numeric cells reach us written with a point
        return ".", "no evidence; workbook cells"
    decimal = "," if (separator == ";" or convention(language).decimal_comma) else "."
    return (
        decimal,
        f"no evidence; assumed from the {'separator' if separator == ';' else 'language'}",
    )


def _only_number_bytes(arr: pa.Array) -> bool:
    """Whether every string of ``arr`` (no nulls) is made of :func:`number_bytes` only: then no
    currency marker or white space is in it (a byte look-up, not a regex per value)."""
    if arr.null_count or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return False
    if len(arr) == 0:
        return True
    kind = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=kind)[arr.offset : arr.offset + len(arr) + 1]
    if data is None or off[-1] == off[0]:
        return True
    chars = np.frombuffer(data, dtype=np.uint8)[off[0] : off[-1]]
    return bool(number_bytes()[chars].all())


def parse_numbers(
    s: pd.Series, col: str, separator: str | None, language: str, *, integer: bool
) -> tuple[pd.Series, np.ndarray, str | None]:
    """Parse numbers, deciding decimal comma vs point for the whole column from the data.

    Evidence: where a value holds both separators the last is the decimal; a separator followed
    by other than exactly three digits at the end cannot be a thousands separator; one written
    twice between groups of three digits (``1.461.000``) can only be. Without
    evidence see :func:`decide_decimal`. Runs on Arrow compute kernels (RE2) over the whole
    column: money columns are mostly distinct.
    """
    # distinct values once (money columns repeat about half their values), weighted by count
    idx, arr = distinct_text(s)
    count = np.bincount(idx, minlength=len(arr))

    def evidence(pattern: str, values: pa.Array) -> int:
        hit = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
        return int(count[hit].sum())

    noise = currency_pattern()
    has_noise = not _only_number_bytes(arr) and pc.any(pc.match_substring_regex(arr, noise)).as_py()
    t = pc.replace_substring_regex(arr, noise, "") if has_noise else arr
    # a decimal mark: the last separator not followed by exactly three digits, or after the
    # other one; a separator written twice between groups of three is the thousands one
    comma_dec = evidence(r",(?:\d{1,2}|\d{4,})$|\..*,\d*$|\.\d{3}\.", t)
    point_dec = evidence(r"\.(?:\d{1,2}|\d{4,})$|,.*\.\d*$|,\d{3},", t)
    decimal, why = decide_decimal(comma_dec, point_dec, separator, language)
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


# --------------------------------------------------------------------------------------------
# Headcount periods and basis
# --------------------------------------------------------------------------------------------


def parse_period(
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
    dates, _invalid, _impossible, _ = parse_dates(
        u.where(~ay_ok, "").fillna(""), "period", dayfirst, language
    )
    iso = pd.Series(dates.dt.strftime("%Y-%m-%d"), dtype="string")
    val = ay.where(ay_ok, iso)
    bad = val.isna().to_numpy()
    arr = np.array([*val.astype(object).tolist(), pd.NA], dtype=object)[codes]
    badarr = np.concatenate([bad, [True]])[codes]
    return pd.Series(pd.array(arr, dtype="string")), badarr


def fill_basis(
    basis_col: pd.Series, group: pd.Series, basis: str | None, had_column: bool
) -> tuple[pd.Series, str | None]:
    """The basis of each headcount: the file's, else the argument's, else by group (the note
    says which)."""
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
