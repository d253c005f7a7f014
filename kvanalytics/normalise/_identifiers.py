"""Partner identifiers: Erasmus institution codes, PIC numbers and ROR ids.

DESIGN.md, *partner identifiers*: the identifiers real exports carry, kept as found and used before
any fuzzy matching. Each normaliser takes any iterable (a Series keeps its index), returns pandas
string values with ``pd.NA`` where a value is missing or not a valid identifier (never a guess),
and never mutates its input.

- **Erasmus institution codes** (``D  BERLIN02``, ``UK LONDON029``, ``IRLDUBLIN01``): a country
  prefix of the programme (``kvanalytics/data/erasmus_country_codes.csv``), a city abbreviation
  and a number. The prefix gives the country of the national agency that issued the code.
- **PIC**: the 9-digit Participant Identification Code of the EU funding programmes.
- **ROR ids**: ``0`` + 6 Crockford base32 characters + a 2-digit ISO 7064 mod 97-10 checksum.

:func:`identify_partners` is the seam the ingest calls: from a frame with any of the columns
``erasmus_code``, ``pic`` and ``ror`` it returns the normalised identifiers, the country the
Erasmus code gives and what was wrong with each rejected identifier.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pycountry

from ..config import PACKAGE_DATA
from ..errors import ReferenceDataError, SchemaError
from ..schemas import TEXT

__all__ = [
    "IDENTIFIER_COLUMNS",
    "canonical_erasmus_code",
    "erasmus_country",
    "erasmus_prefixes",
    "identify_partners",
    "normalise_pic",
    "normalise_ror",
    "parse_erasmus_code",
    "ror_checksum",
]

#: The identifier columns of a partnerships table, in order (DESIGN.md, *partner identifiers*).
IDENTIFIER_COLUMNS = ("erasmus_code", "pic", "ror")

ERASMUS_PREFIX_FILE = PACKAGE_DATA / "erasmus_country_codes.csv"

# Markers that spreadsheets and statistics packages write for "no value". For an identifier
# they are missing values (no issue reported); any other value that is not an identifier is
# NA with an issue. ("NA" is Namibia only where a *country* is expected, never here.)
_MISSING_MARKERS = frozenset({"", "#N/A", "N/A", "NA", "NAN", "NULL", "NONE", "-", "--", "."})
# Zero-width characters that copy-paste leaves in codes; removed before parsing.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_RE = re.compile(r"\s+")  # str patterns: \s includes no-break and other Unicode spaces

# Erasmus code: prefix, a gap (space) or none, the city (letters, inner hyphens) and a number.
_CITY = r"[A-Z](?:[A-Z-]{0,8}[A-Z])"  # 2-10 characters: BAR, ST-DENI, FROSINONE, LUX-VIL
_GAP_CODE_RE = re.compile(rf"([A-Z]{{1,3}}) ({_CITY}) ?([0-9]{{1,3}})")
_SOLID_CODE_RE = re.compile(r"([A-Z][A-Z-]*[A-Z]) ?([0-9]{1,3})")
_CITY_RE = re.compile(_CITY)

# ROR: https://ror.org/<id>, ror.org/<id>, the API's organisation URL, or the bare id.
_ROR_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, no i, l, o, u
_ROR_VALUE = {ch: i for i, ch in enumerate(_ROR_ALPHABET)}
_ROR_RE = re.compile(
    r"(?:(?:https?://)?(?:www\.|api\.)?ror\.org/(?:v\d/)?(?:organizations/)?)?"
    r"([0-9a-z]{9})/?"
)
_ROR_SHAPE_RE = re.compile(r"0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}")


# --- shared steps --------------------------------------------------------------------------------


def _as_series(values: Any) -> pd.Series:
    """``values`` as a Series (a Series as is, a bare string as one value), never copied."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        values = [values]
    return pd.Series(list(values), dtype=object)


class _Fail(NamedTuple):
    """Why a value is not an identifier ("" for a missing marker: nothing to report)."""

    reason: str


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _clean_text(value: Any) -> str:
    """Text of one cell: NFKC (no-break spaces become spaces), invisible characters removed,
    whitespace runs collapsed to one space, stripped."""
    text = unicodedata.normalize("NFKC", str(value))
    text = _INVISIBLE_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def _is_marker(text: str) -> bool:
    return text.upper() in _MISSING_MARKERS


class _Reads(NamedTuple):
    """Each distinct value of a column read once (exports repeat a partner on many rows)."""

    rows: pd.Index
    codes: np.ndarray  # position of each row's value in ``parsed``; -1 for a missing value
    parsed: list[Any]  # one read per distinct value

    def column(self, get: Callable[[Any], str | None]) -> pd.Series:
        """A string column with ``get(read)`` per row (NA for missing values and for None)."""
        distinct = pd.array([get(p) for p in self.parsed], dtype=TEXT)
        return pd.Series(distinct.take(self.codes, allow_fill=True), index=self.rows)


def _read_each(values: Any, parse: Callable[[Any], Any]) -> _Reads:
    series = _as_series(values)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed = [_Fail("") if _is_missing(u) else parse(u) for u in list(uniques)]
    return _Reads(series.index, codes, parsed)


def _note(column: str) -> Callable[[Any], str | None]:
    """Why a value was not read, or how a code without a gap was read (None when neither)."""

    def note(read: Any) -> str | None:
        if isinstance(read, _Fail) and read.reason:
            return f"{column}: {read.reason}"
        if isinstance(read, _ErasmusCode) and read.solid:
            return f"{column}: read without a gap as {read.prefix} + {read.city}{read.number}"
        return None

    return note


def _valid(read: Any) -> str | None:
    return read if isinstance(read, str) else None


# --- Erasmus institution codes --------------------------------------------------------------------


@cache
def _prefix_table() -> pd.DataFrame:
    if not ERASMUS_PREFIX_FILE.exists():
        raise ReferenceDataError(f"{ERASMUS_PREFIX_FILE}: file not found; reinstall kvanalytics.")
    # keep_default_na=False: "NA" (Namibia) stays a code, never a missing value
    table = pd.read_csv(ERASMUS_PREFIX_FILE, dtype=str, keep_default_na=False)
    expected = {"prefix", "iso2", "eu_code", "country", "source"}
    missing = sorted(expected - set(table.columns))
    if missing:
        raise ReferenceDataError(
            f"{ERASMUS_PREFIX_FILE}: missing column(s) {missing}; it needs {sorted(expected)}."
        )
    iso2 = {c.alpha_2 for c in pycountry.countries} | {"XK"}  # XK: Kosovo, as the EU writes it
    problems = []
    for row, (prefix, code) in enumerate(zip(table["prefix"], table["iso2"], strict=True), 2):
        if not re.fullmatch(r"[A-Z]{1,3}", prefix):
            problems.append(f"line {row}: prefix {prefix!r} is not 1-3 capital letters")
        if code not in iso2:
            problems.append(f"line {row}: iso2 {code!r} is not an ISO 3166-1 alpha-2 code")
    if table["prefix"].duplicated().any():
        problems.append(
            f"repeated prefixes {sorted(set(table['prefix'][table['prefix'].duplicated()]))}"
        )
    if problems:
        raise ReferenceDataError(
            f"{ERASMUS_PREFIX_FILE}: {len(problems)} problem(s): {'; '.join(problems[:3])}. "
            "Fix these lines of the file."
        )
    return table


@cache
def _prefix_country() -> dict[str, str]:
    table = _prefix_table()
    return dict(zip(table["prefix"], table["iso2"], strict=True))


def erasmus_prefixes() -> pd.DataFrame:
    """The programme's country prefixes of Erasmus institution codes, with their sources.

    Returns
    -------
    pandas.DataFrame
        One row per prefix: ``prefix``, ``iso2`` (ISO 3166-1 alpha-2; ``XK`` for Kosovo),
        ``eu_code`` (the EU's country code: ``EL`` for Greece, ``UK``), ``country``,
        ``eche_2024_06_codes`` and ``eche_2024_06_agree`` (codes with the prefix in the
        Erasmus Charter holders list of June 2024, and how many of them are listed in that
        country; empty for prefixes that list does not have), ``source``, ``note``.

    Examples
    --------
    >>> erasmus_prefixes().set_index("prefix").loc[["D", "SF", "G"], "iso2"].tolist()
    ['DE', 'FI', 'GR']
    """
    return _prefix_table().copy()


class _ErasmusCode(NamedTuple):
    prefix: str
    city: str
    number: str
    solid: bool = False  # read from a string with no gap after a 1- or 2-letter prefix

    @property
    def code(self) -> str:
        """As the programme writes it: prefix left-justified to width 3, city, number."""
        return f"{self.prefix:<3}{self.city}{self.number}"


def _read_erasmus(value: Any) -> _ErasmusCode | _Fail:
    """One Erasmus code parsed, or why it is not one."""
    text = _clean_text(value).upper()
    if _is_marker(text):
        return _Fail("")
    prefixes = _prefix_country()
    gap = _GAP_CODE_RE.fullmatch(text)
    if gap:
        prefix, city, number = gap.groups()
        if prefix not in prefixes:
            return _Fail(f"{prefix!r} is not a country prefix of the Erasmus programme")
        return _ErasmusCode(prefix, city, number)
    solid = _SOLID_CODE_RE.fullmatch(text)
    if not solid:
        return _Fail("not an Erasmus code (country prefix, city, number: 'D  BERLIN02')")
    letters, number = solid.groups()
    fits = [
        p
        for p in prefixes
        if letters.startswith(p) and _CITY_RE.fullmatch(letters[len(p) :]) is not None
    ]
    # The programme writes a 3-letter prefix with no gap (IRLDUBLIN01, LUXLUX-VIL01): a string
    # starting with one is read that way. Shorter prefixes are always followed by a gap there, so
    # without one the string is read only when a single prefix fits: DBERLIN02 is D, but
    # DKARHUS01 could be D + KARHUS or DK + ARHUS and is not read.
    long = [p for p in fits if len(p) == 3]
    if long:
        fits = long
    if len(fits) == 1:
        return _ErasmusCode(fits[0], letters[len(fits[0]) :], number, len(fits[0]) < 3)
    if fits:
        return _Fail(f"ambiguous without a gap after the prefix: {' or '.join(sorted(fits))}")
    return _Fail("no country prefix of the Erasmus programme starts it")


def _code_part(part: str) -> Callable[[Any], str | None]:
    def get(read: Any) -> str | None:
        if not isinstance(read, _ErasmusCode):
            return None
        return _prefix_country()[read.prefix] if part == "country" else getattr(read, part)

    return get


def parse_erasmus_code(values: Iterable[Any] | pd.Series) -> pd.DataFrame:
    """Split Erasmus institution codes into prefix, city and number, with the prefix's country.

    Tolerant of case, no-break and repeated spaces, a missing gap between prefix and city
    where only one prefix fits (``DBERLIN02``; not ``DKARHUS01``, which could be ``D`` or
    ``DK``), and a space before the number (``F  PARIS 063``). A 3-letter prefix (``IRL``,
    ``LUX``) is written with no gap by the programme and read so. A string without a gap is read
    literally: a code that lost its prefix (``BERLIN02``) reads as ``B  ERLIN02``; checking the
    code against a registry (the Charter holders list) catches that. Anything else (an unknown
    prefix such as ``BE`` or the ISO ``DE``, extra words, a hyphen after the prefix, missing
    markers such as ``#N/A``) gives NA in every column: a code is never guessed.

    Parameters
    ----------
    values : iterable of str or pandas.Series
        Codes as found; NA allowed. A Series keeps its index.

    Returns
    -------
    pandas.DataFrame
        One row per value, aligned with the input: ``code`` (canonical spelling, see
        :func:`canonical_erasmus_code`), ``prefix``, ``city``, ``number`` (digits as written,
        leading zeros kept) and ``country`` (ISO2 of the prefix). String dtype; NA where the
        value is not an Erasmus code.

    Examples
    --------
    >>> parse_erasmus_code(["d berlin02", "IRL DUBLIN01", "DKARHUS01"])
              code prefix    city number country
    0  D  BERLIN02      D  BERLIN     02      DE
    1  IRLDUBLIN01    IRL  DUBLIN     01      IE
    2         <NA>   <NA>    <NA>   <NA>    <NA>
    """
    reads = _read_each(values, _read_erasmus)
    parts = ("code", "prefix", "city", "number", "country")
    return pd.DataFrame({p: reads.column(_code_part(p)) for p in parts}, index=reads.rows)


def canonical_erasmus_code(values: Iterable[Any] | pd.Series) -> pd.Series:
    """Erasmus institution codes in the programme's spelling, NA where not a code.

    The canonical spelling is the prefix left-justified to width 3 with plain spaces, then the
    city and the number with no space: ``D  BERLIN02``, ``UK LONDON029``, ``IRLDUBLIN01``.

    Parameters
    ----------
    values : iterable of str or pandas.Series
        Codes as found (see :func:`parse_erasmus_code` for what is tolerated).

    Returns
    -------
    pandas.Series
        String dtype, aligned with the input.

    Examples
    --------
    >>> canonical_erasmus_code(["D BERLIN02", "sf\\xa0 helsink01", "E  MADRID 03"]).tolist()
    ['D  BERLIN02', 'SF HELSINK01', 'E  MADRID03']
    """
    return _read_each(values, _read_erasmus).column(_code_part("code"))


def erasmus_country(values: Iterable[Any] | pd.Series) -> pd.Series:
    """The country (ISO2) an Erasmus institution code's prefix gives; NA when not a code.

    The prefix names the national agency that issued the code; in the June 2024 Charter holders
    list it gives the institution's listed country for 5,908 of 5,912 codes (see
    ``erasmus_country_codes.csv`` for the exceptions: a Belgian-Dutch university in Maastricht,
    a French code in Réunion, an Italian one in San Marino).

    Parameters
    ----------
    values : iterable of str or pandas.Series
        Codes as found; NA allowed.

    Returns
    -------
    pandas.Series
        ISO 3166-1 alpha-2 codes (``GR`` for the prefix ``G``, ``GB`` for ``UK``, ``XK`` for
        Kosovo), string dtype, aligned with the input.

    Examples
    --------
    >>> erasmus_country(["SF HELSINK01", "G  ATHINE01", "UK LONDON029", "XX NOWHERE01"]).tolist()
    ['FI', 'GR', 'GB', <NA>]
    """
    return parse_erasmus_code(values)["country"]


# --- PIC ------------------------------------------------------------------------------------------


def _read_pic(value: Any) -> str | _Fail:
    """One PIC as 9 digits, or why it is not one."""
    if isinstance(value, bool):
        return _Fail("not a number")
    if isinstance(value, int | np.integer):
        text = str(int(value))
    elif isinstance(value, float | np.floating):
        if not float(value).is_integer():
            return _Fail(f"{value!r} is not a whole number")
        text = str(int(value))
    else:
        text = _clean_text(value)
        if _is_marker(text):
            return _Fail("")
        # Digit groups may be separated by spaces, dots or hyphens (999 977 948, 999.977.948);
        # a trailing ".0" is a number written by a spreadsheet or pandas as a float.
        text = re.sub(r"\.0+$", "", text)
        text = re.sub(r"(?<=\d)[ .-](?=\d)", "", text)
    if not text.isascii() or not text.isdigit():
        return _Fail(f"{text!r} has characters other than digits")
    if set(text) == {"0"}:  # CORDIS writes 0 for FP7 participants without a PIC: missing
        return _Fail("")
    if len(text) != 9:
        return _Fail(f"{len(text)} digits, a PIC has 9")
    return text


def normalise_pic(values: Iterable[Any] | pd.Series) -> pd.Series:
    """PIC numbers (EU Participant Identification Codes) as 9-digit strings, NA otherwise.

    Rules, in order: a missing value or missing marker (blank, ``#N/A``, ``NA``, ``-``) is NA;
    integers and whole floats (Excel's ``999977948.0``) are read as their digits; in text,
    spaces, dots or hyphens between digits are dropped, and so is a trailing ``.0``; then a
    value with any character other than a digit is NA, all zeros (CORDIS writes ``0`` for FP7
    participants without a PIC) is NA, and a length other than 9 digits is NA: leading zeros
    are never added or removed.

    Parameters
    ----------
    values : iterable or pandas.Series
        PICs as found (text or numbers); NA allowed. A Series keeps its index.

    Returns
    -------
    pandas.Series
        9-digit strings, string dtype, aligned with the input.

    Examples
    --------
    >>> normalise_pic([999977948, "999 977 948", "999977948.0", "0", "#N/A", "99997794"]).tolist()
    ['999977948', '999977948', '999977948', <NA>, <NA>, <NA>]
    """
    return _read_each(values, _read_pic).column(_valid)


# --- ROR ids --------------------------------------------------------------------------------------


def ror_checksum(body: str) -> str:
    """The 2-digit checksum of a ROR id's 6 base32 characters (ISO 7064 mod 97-10).

    The characters are read as a Crockford base32 number ``n``; the checksum is
    ``98 - (n * 100) % 97``, written with two digits, as ROR generates it.

    Parameters
    ----------
    body : str
        The 6 characters after the leading ``0`` (``3yrm5c`` of ``03yrm5c26``).

    Returns
    -------
    str
        Two digits.

    Raises
    ------
    ValueError
        ``body`` is not 6 characters of ROR's alphabet (digits and letters but i, l, o, u).

    Examples
    --------
    >>> ror_checksum("3yrm5c")
    '26'
    """
    low = body.lower()
    if len(low) != 6 or any(ch not in _ROR_VALUE for ch in low):
        raise ValueError(
            f"{body!r} is not 6 characters of ROR's base32 alphabet ({_ROR_ALPHABET})."
        )
    n = 0
    for ch in low:
        n = n * 32 + _ROR_VALUE[ch]
    return f"{98 - (n * 100) % 97:02d}"


def _read_ror(value: Any) -> str | _Fail:
    """One ROR id, bare and lower case, or why it is not one."""
    text = _clean_text(value)
    if _is_marker(text):
        return _Fail("")
    m = _ROR_RE.fullmatch(text.lower())
    if not m:
        return _Fail("not a ROR id (https://ror.org/ + 9 characters)")
    rid = m.group(1)
    if not _ROR_SHAPE_RE.fullmatch(rid):
        return _Fail(
            f"{rid!r} is not a ROR id: 0, 6 characters of digits and letters but i, l, o, u, "
            "then 2 digits"
        )
    expected = ror_checksum(rid[1:7])
    if rid[7:] != expected:
        return _Fail(f"{rid!r} fails its checksum (expected {rid[:7]}{expected})")
    return rid


def normalise_ror(values: Iterable[Any] | pd.Series) -> pd.Series:
    """ROR ids, bare and lower case (``03yrm5c26``), NA where not a valid ROR id.

    Accepts ``https://ror.org/03yrm5c26``, ``http://``, ``www.``, ``ror.org/03yrm5c26``, the API
    URL ``https://api.ror.org/organizations/03yrm5c26``, the bare id, any case, a trailing
    slash. Valid means: a leading ``0``, 6 characters of Crockford base32 (digits and letters
    except i, l, o, u) and the 2-digit checksum of :func:`ror_checksum`.

    Parameters
    ----------
    values : iterable of str or pandas.Series
        ROR ids or URLs as found; NA allowed. A Series keeps its index.

    Returns
    -------
    pandas.Series
        Bare ids, string dtype, aligned with the input.

    Examples
    --------
    >>> normalise_ror(["https://ror.org/03yrm5c26", "ror.org/03YRM5C26", "03yrm5c27"]).tolist()
    ['03yrm5c26', '03yrm5c26', <NA>]
    """
    return _read_each(values, _read_ror).column(_valid)


# --- the seam for the ingest ----------------------------------------------------------------------


def _joined(columns: list[pd.Series]) -> pd.Series:
    """Row-wise ``"; "``-join of string columns, skipping NA; NA where all are NA."""
    out = columns[0]
    for col in columns[1:]:
        both = out + "; " + col
        out = both.where(out.notna() & col.notna(), out.fillna(col))
    return out


def identify_partners(df: pd.DataFrame) -> pd.DataFrame:
    """Normalised partner identifiers of a table, and the country its Erasmus codes give.

    The seam the ingest calls to fill a partner's missing country from its Erasmus code, or to
    cross-check a country that is there, and that matching uses before any fuzzy step.

    Parameters
    ----------
    df : pandas.DataFrame
        Any of the columns ``erasmus_code``, ``pic`` and ``ror``, raw as found; other columns
        are ignored. Not modified.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``df`` (same index): ``erasmus_code`` (:func:`canonical_erasmus_code`),
        ``pic`` (:func:`normalise_pic`), ``ror`` (:func:`normalise_ror`),
        ``identifier_country`` (:func:`erasmus_country`) and ``identifier_note``: why a value
        that is present and not a missing marker was not read (``"pic: 8 digits, a PIC has
        9"``), and how an Erasmus code written without a gap was read (``"erasmus_code: read
        without a gap as D + BERLIN02"``), ``;``-separated; NA when there is nothing to say. A column ``df`` lacks comes out all NA.

    Examples
    --------
    >>> raw = pd.DataFrame({"erasmus_code": ["D BERLIN02", "DKARHUS01"],
    ...                     "pic": ["999 977 948", "#N/A"]})
    >>> identify_partners(raw)[["erasmus_code", "pic", "identifier_country"]]
      erasmus_code        pic identifier_country
    0  D  BERLIN02  999977948                 DE
    1         <NA>       <NA>               <NA>
    >>> identify_partners(raw)["identifier_note"].iloc[1]
    'erasmus_code: ambiguous without a gap after the prefix: D or DK'
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"identify_partners needs a DataFrame, got {type(df).__name__}.")
    readers = {"erasmus_code": _read_erasmus, "pic": _read_pic, "ror": _read_ror}
    empty = pd.Series([pd.NA] * len(df), index=df.index, dtype=object)
    repeated = [c for c in readers if list(df.columns).count(c) > 1]
    if repeated:
        raise SchemaError(f"columns {repeated} appear more than once; keep one of each.")
    reads = {c: _read_each(df.get(c, empty), f) for c, f in readers.items()}
    return pd.DataFrame(
        {
            "erasmus_code": reads["erasmus_code"].column(_code_part("code")),
            "pic": reads["pic"].column(_valid),
            "ror": reads["ror"].column(_valid),
            "identifier_country": reads["erasmus_code"].column(_code_part("country")),
            "identifier_note": _joined([r.column(_note(c)) for c, r in reads.items()]),
        },
        index=df.index,
    )
