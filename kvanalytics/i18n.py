"""Labels and number formats of every output (charts, Excel workbooks, reports), in English or Dutch.

One place for what a reader sees written: :func:`label` looks a key up in
``kvanalytics/data/labels.csv`` (columns ``key,en,nl``); :func:`format_number` writes ``1,653``
(en) or ``1.653`` (nl); :func:`number_formatter` is the same as a tick-formatting callable;
:func:`column_kind` says from a column's name (words in ``kvanalytics/data/column_kinds.csv``)
and values what it holds — count, money, share, date, quarter, country, tier, code, text — and
:func:`format_cell` writes one value of a kind for a reader:

=========  ==================  ==================
kind       en                  nl
=========  ==================  ==================
count      1,653               1.653
money      € 950,000           € 950.000
money      € 10.3 mln          € 10,3 mln
share      12.5%               12,5%
date       30 Sep 2026         30 sep 2026
quarter    2026 Q3             2026 K3
=========  ==================  ==================

Money below a million is written in whole euros; from a million (after rounding to whole
euros) in millions with one decimal, from a thousand million in ``bn`` (en) / ``mld`` (nl).
Rounding is half away from zero (999,999.5 is 1,000,000, so € 1.0 mln). Dutch quarters are
``2026 K3`` (K for *kwartaal*, as in CBS StatLine's ``2026KW03`` and most Dutch annual reports).
:data:`EXCEL_FORMATS` / :func:`excel_number_format` give the matching Excel number format.
:mod:`kvanalytics.plots`, :mod:`kvanalytics.tables` and :mod:`kvanalytics.excel` use this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import config
from .errors import ReferenceDataError
from .normalise import country_name

__all__ = [
    "EXCEL_FORMATS",
    "LANGS",
    "NAME_KINDS",
    "NUMERIC_KINDS",
    "Kind",
    "check_lang",
    "column_kind",
    "decimals_of",
    "excel_number_format",
    "format_cell",
    "format_count",
    "format_date",
    "format_money",
    "format_number",
    "format_quarter",
    "format_share",
    "format_value",
    "has_label",
    "is_na",
    "is_share",
    "label",
    "note_text",
    "number_formatter",
]

#: Languages of labels and number formats.
LANGS = ("en", "nl")

#: Excel number formats by column kind (Excel shows the separators of the reader's locale).
EXCEL_FORMATS: Mapping[str, str] = {
    "integer": "#,##0",
    "float": "#,##0.00",
    "money": '"€" #,##0',
    "share": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "code": "0",
}

#: Kinds of column :func:`column_kind` tells apart from a name's words, in the order the words
#: are checked (``value_eur_unknown`` is a count, ``country_name`` text, ``take_up_rate`` a
#: share, ``value_eur`` money, ``agreement_id`` a code, ``quarter_end`` a date...).
NAME_KINDS = ("count", "text", "share", "money", "code", "date", "quarter", "country", "tier")
#: The kinds whose cells are numbers (right-aligned in tables).
NUMERIC_KINDS = frozenset(("count", "number", "money", "share", "tier"))

Kind = Literal[
    "count",
    "number",
    "money",
    "share",
    "date",
    "quarter",
    "country",
    "tier",
    "code",
    "bool",
    "text",
]


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


def check_lang(lang: str) -> None:
    """Raise ``ValueError`` unless ``lang`` is one of :data:`LANGS`.

    Examples
    --------
    >>> check_lang("nl")
    """
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r} is not supported: use one of {', '.join(LANGS)}")


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    path = config.PACKAGE_DATA / "labels.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"key", *LANGS} - set(reader.fieldnames or ())
        if missing:
            raise ReferenceDataError(f"{path}: missing columns {sorted(missing)}; need key,en,nl")
        table: dict[str, dict[str, str]] = {}
        for row in reader:
            key = row["key"].strip()
            if key in table:
                raise ReferenceDataError(f"{path}: key {key!r} appears twice; keep one row per key")
            table[key] = {lang: (row[lang] or "").strip() for lang in LANGS}
    return table


def label(key: str, lang: str = "en", **fields: Any) -> str:
    """Translate a UI label from ``kvanalytics/data/labels.csv``.

    Unknown keys fall back to the key itself, humanised (``"money_out"`` -> ``"Money out"``);
    a key without a Dutch text falls back to English.

    Parameters
    ----------
    key : str
        Label key (a column name, group, ``tier_2``, ``title_heatmap``...).
    lang : {"en", "nl"}
        Language.
    **fields
        Values for ``{placeholders}`` in the label.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> label("tier_1", "nl")
    'let op'
    >>> label("title_trends", "en", value="Active agreements")
    'Active agreements per quarter'
    """
    check_lang(lang)
    row = _labels().get(key)
    if row is None:
        text = key.replace("_", " ").strip()
        text = text[:1].upper() + text[1:]
    else:
        text = row[lang] or row["en"]
    return text.format(**fields) if fields else text


@lru_cache(maxsize=1)
def _note_rules() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """``data/note_translations.csv``: a library note's pattern -> its text per language."""
    with (config.PACKAGE_DATA / "note_translations.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [(re.compile(r["pattern"]), {"en": r["en"], "nl": r["nl"]}) for r in rows]


def _note_field(name: str, value: str, lang: str) -> str:
    if name.startswith("date"):
        return format_date(value, lang)
    if name.startswith("country"):
        return str(country_name([value], lang).iloc[0])
    return value


def note_text(note: str, lang: str = "en") -> str | None:
    """A library note (``Impact.notes``, the notes of reading the inputs) for a reader.

    The one place where notes get their language: ``kvanalytics/data/note_translations.csv``
    holds a regular expression per note and its text in English and Dutch (named groups fill
    the ``{placeholders}``; a group named ``date`` is written as a date of the language, one
    named ``country`` as the country's name). A
    note no row matches is ``None``: it is written for analysts (the notebook, the command
    line) and stays out of a board document rather than appearing there in English.

    Parameters
    ----------
    note : str
        The note as the library wrote it (English).
    lang : {"en", "nl"}
        Language.

    Returns
    -------
    str or None

    Examples
    --------
    >>> note_text("headcounts in force at 2022-03-04: period 2021/22.", "nl")
    'Personen: de telling van 2021/22, van kracht op 4 mrt 2022.'
    """
    check_lang(lang)
    for pattern, texts in _note_rules():
        found = pattern.fullmatch(note.strip())
        if found:
            fields = {k: _note_field(k, v, lang) for k, v in found.groupdict().items()}
            return (texts[lang] or texts["en"]).format(**fields)
    return None


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def format_number(x: Any, lang: str = "en", decimals: int = 0, *, percent: bool = False) -> str:
    """Format a number with the thousands and decimal separators of ``lang``.

    Parameters
    ----------
    x : number, str or NA
        The value. Text (such as a suppressed ``"<5"``) is returned unchanged; NA gives ``""``.
    lang : {"en", "nl"}
        ``en`` writes 1,653.5; ``nl`` writes 1.653,5.
    decimals : int
        Digits after the decimal separator.
    percent : bool
        Multiply by 100 and append ``%`` (for shares stored as fractions).

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1653, "en"), format_number(1653, "nl")
    ('1,653', '1.653')
    >>> format_number(0.125, "nl", 1, percent=True)
    '12,5%'
    """
    check_lang(lang)
    if isinstance(x, str):
        return x
    if x is None or pd.isna(x):
        return ""
    value = Decimal(repr(float(x))) * (100 if percent else 1)
    text = _grouped(_rounded(value, decimals), decimals, lang)
    return text + ("%" if percent else "")


def number_formatter(
    lang: str = "en", decimals: int = 0, *, percent: bool = False
) -> Callable[[Any, Any], str]:
    """A callable ``(x, pos) -> str`` writing numbers as :func:`format_number` does.

    Matplotlib takes it as a tick formatter (:func:`kvanalytics.plots.number_formatter` wraps
    it in a ``FuncFormatter``).

    Examples
    --------
    >>> number_formatter("nl")(1653, 0)
    '1.653'
    """
    check_lang(lang)

    def fmt(x: Any, _pos: Any = None) -> str:
        return format_number(x, lang, decimals, percent=percent)

    return fmt


def decimals_of(values: pd.Series | np.ndarray) -> int:
    """Digits after the decimal separator that a set of values needs when written together.

    0 for whole numbers, else 1 when the largest is 10 or more, else 2.

    Examples
    --------
    >>> decimals_of(np.array([3.0, 12.0])), decimals_of(np.array([3.25, 12.5]))
    (0, 1)
    """
    numbers = pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="coerce").dropna()
    arr = numbers.to_numpy(dtype=float)
    if arr.size == 0 or np.allclose(arr, np.round(arr)):
        return 0
    return 1 if np.nanmax(np.abs(arr)) >= 10 else 2


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", str(name).lower()) if w]


@lru_cache(maxsize=1)
def _kind_words() -> dict[str, str]:
    path = config.PACKAGE_DATA / "column_kinds.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r["word"] for r in rows if r.get("kind") not in NAME_KINDS]
    if bad:
        raise ReferenceDataError(
            f"{path}: words {bad[:3]} have a kind that is not one of {', '.join(NAME_KINDS)}"
        )
    return {r["word"].strip().lower(): r["kind"] for r in rows}


def _kind_of_values(values: pd.Series) -> Kind:
    dtype = values.dtype
    if isinstance(dtype, pd.PeriodDtype):
        return "quarter"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(dtype):
        finite = pd.to_numeric(values, errors="coerce").astype("Float64").dropna()
        whole = finite.empty or bool((finite == finite.round(0)).all())
        return "count" if whole else "number"
    return "text"


def column_kind(name: str, values: pd.Series | None = None) -> Kind | None:
    """What a column holds, from its name's words and (when given) its values.

    The words of ``name`` (split at ``_`` and other non-letters) are looked up in
    ``kvanalytics/data/column_kinds.csv``; the first kind of :data:`NAME_KINDS` that one of the
    words has wins: ``value_eur_unknown`` is a count (of rows with an unknown value),
    ``country_name`` text, ``take_up_rate`` a share, ``value_eur`` money, ``agreement_id`` a
    code, ``quarter_end`` a date, ``quarter`` a quarter, ``country`` a country code,
    ``risk_tier`` a tier. A name without such a word is None, or, with ``values``, the kind of
    the values: ``count`` (whole numbers), ``number``, ``bool``, ``date``, ``quarter``
    (periods) or ``text``.

    Parameters
    ----------
    name : str
        The column's name.
    values : Series, optional
        The column's values, for names that say nothing.

    Returns
    -------
    str or None
        One of ``count, number, money, share, date, quarter, country, tier, code, bool, text``.

    Examples
    --------
    >>> column_kind("take_up_rate"), column_kind("value_eur"), column_kind("year")
    ('share', 'money', 'code')
    >>> column_kind("agreements_active") is None
    True
    >>> column_kind("agreements_active", pd.Series([3, 4])), column_kind("quarter_end")
    ('count', 'date')
    """
    table = _kind_words()
    found = {table[w] for w in _words(name) if w in table}
    for kind in NAME_KINDS:
        if kind in found:
            if kind == "count" and values is not None and _kind_of_values(values) == "number":
                return "number"
            return kind  # type: ignore[return-value]
    return None if values is None else _kind_of_values(values)


def is_share(name: str) -> bool:
    """Whether a column holds shares (fractions written as percentages); see :func:`column_kind`.

    Examples
    --------
    >>> is_share("share_high_risk"), is_share("students")
    (True, False)
    """
    return column_kind(name) == "share"


def format_value(x: Any, name: str, lang: str = "en", decimals: int = 0) -> str:
    """A value of column ``name`` as written in a chart: shares as ``12.5%``, else a number.

    Examples
    --------
    >>> format_value(0.125, "share_high_risk", "en"), format_value(1653, "students", "nl")
    ('12.5%', '1.653')
    """
    if is_share(name):
        return format_number(x, lang, 1, percent=True)
    return format_number(x, lang, decimals)


def excel_number_format(name: str, values: pd.Series) -> str:
    """The Excel number format of a numeric column, from its name and values.

    Shares ``0.0%``, money ``"€" #,##0``, whole-number codes ``0``, other whole numbers
    ``#,##0``, other numbers ``#,##0.00`` (see :data:`EXCEL_FORMATS`).

    Examples
    --------
    >>> excel_number_format("value_eur", pd.Series([1.5])), excel_number_format("n", pd.Series([3]))
    ('"€" #,##0', '#,##0')
    """
    kind = column_kind(name)
    if kind in ("share", "money"):
        return EXCEL_FORMATS[kind]
    finite = values.dropna()
    integral = pd.api.types.is_integer_dtype(values) or bool(
        len(finite) == 0 or np.allclose(finite.to_numpy(dtype=float), np.round(finite))
    )
    if integral and kind == "code":
        return EXCEL_FORMATS["code"]
    return EXCEL_FORMATS["integer"] if integral else EXCEL_FORMATS["float"]


# --------------------------------------------------------------------------------------------
# Values for readers (tables, the report, the dashboard): one formatter per kind
# --------------------------------------------------------------------------------------------


def has_label(key: str) -> bool:
    """Whether ``labels.csv`` has ``key`` with both an English and a Dutch text.

    Examples
    --------
    >>> has_label("faculty"), has_label("no_such_key")
    (True, False)
    """
    row = _labels().get(key)
    return row is not None and all(row[lang] for lang in LANGS)


def _rounded(x: Any, decimals: int) -> Decimal:
    """``x`` rounded half away from zero (``2.5`` -> 3, ``999999.5`` -> 1000000)."""
    exact = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    value = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return value if value != 0 else abs(value)  # no "-0"


def _grouped(value: Decimal, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "nl" else text


def is_na(x: Any) -> bool:
    """Whether ``x`` is a missing scalar (None, NA, NaN, NaT); lists and text are not.

    Examples
    --------
    >>> is_na(pd.NA), is_na("NA"), is_na(0)
    (True, False, False)
    """
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def format_count(x: Any, lang: str = "en", decimals: int | None = None) -> str:
    """A count with thousands separators: ``1,653`` (en), ``1.653`` (nl).

    Whole numbers have no decimals; others (an expected count, allocated by share) one, unless
    ``decimals`` is given. Text (a suppressed ``"<5"``) is returned as is; NA gives ``""``.

    Examples
    --------
    >>> format_count(1653, "en"), format_count(1653, "nl"), format_count(2.25, "nl")
    ('1,653', '1.653', '2,3')
    """
    check_lang(lang)
    if isinstance(x, str):
        return x
    if is_na(x):
        return ""
    if decimals is None:
        decimals = 0 if float(x).is_integer() else 1
    return _grouped(_rounded(x, decimals), decimals, lang)


def format_share(x: Any, lang: str = "en", decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.125`` -> ``12.5%`` (en), ``12,5%`` (nl).

    Examples
    --------
    >>> format_share(0.125, "en"), format_share(0.125, "nl"), format_share(1, "en")
    ('12.5%', '12,5%', '100.0%')
    """
    check_lang(lang)
    if isinstance(x, str):
        return x
    if is_na(x):
        return ""
    value = Decimal(repr(float(x))) * 100
    return _grouped(_rounded(value, decimals), decimals, lang) + "%"


def format_money(x: Any, lang: str = "en") -> str:
    """An amount in euros for a reader: ``€ 950,000``, ``€ 10.3 mln`` (en); ``€ 10,3 mln`` (nl).

    Below a million (after rounding to whole euros): whole euros. From a million: millions with
    one decimal; from a thousand million: ``bn`` (en) / ``mld`` (nl). Negative amounts are
    ``-€ 5`` (en) and ``€ -5`` (nl). The words and order come from ``labels.csv``
    (``money_format``, ``money_million``, ``money_billion``).

    Examples
    --------
    >>> format_money(950_000, "en"), format_money(950_000, "nl")
    ('€ 950,000', '€ 950.000')
    >>> format_money(10_344_307.22, "en"), format_money(10_344_307.22, "nl")
    ('€ 10.3 mln', '€ 10,3 mln')
    >>> format_money(999_999.5, "en"), format_money(-2500, "nl")
    ('€ 1.0 mln', '€ -2.500')
    """
    check_lang(lang)
    if isinstance(x, str):
        return x
    if is_na(x):
        return ""
    whole = _rounded(abs(float(x)), 0)
    sign = "-" if float(x) < 0 and whole != 0 else ""
    if whole < 1_000_000:
        amount = _grouped(whole, 0, lang)
    else:
        millions = _rounded(whole / Decimal(1_000_000), 1)
        if millions < 1000:
            amount = label("money_million", lang, amount=_grouped(millions, 1, lang))
        else:
            billions = _rounded(whole / Decimal(1_000_000_000), 1)
            amount = label("money_billion", lang, amount=_grouped(billions, 1, lang))
    return label("money_format", lang, sign=sign, amount=amount)


def format_date(x: Any, lang: str = "en") -> str:
    """A date for a reader: ``30 Sep 2026`` (en), ``30 sep 2026`` (nl).

    Month names come from ``labels.csv`` (``month_short_1`` ... ``month_short_12``); NA gives
    ``""``.

    Examples
    --------
    >>> format_date("2026-09-30", "en"), format_date(pd.Timestamp("2026-09-30"), "nl")
    ('30 Sep 2026', '30 sep 2026')
    """
    check_lang(lang)
    if is_na(x):
        return ""
    if isinstance(x, (dt.date, str, np.datetime64)):
        x = pd.Timestamp(x)
    if isinstance(x, pd.Period):
        x = x.end_time
    month = label(f"month_short_{x.month}", lang)
    return label("date_format", lang, day=x.day, month=month, year=x.year)


def format_quarter(x: Any, lang: str = "en") -> str:
    """A quarter for a reader: ``2026 Q3`` (en), ``2026 K3`` (nl; K for *kwartaal*).

    Takes a ``Period``, a ``"2026Q3"`` string or a date (its quarter); NA gives ``""``.

    Examples
    --------
    >>> format_quarter("2026Q3", "en"), format_quarter(pd.Period("2026Q3", "Q"), "nl")
    ('2026 Q3', '2026 K3')
    """
    check_lang(lang)
    if is_na(x):
        return ""
    if isinstance(x, pd.Period):
        period = x.asfreq("Q")
    elif isinstance(x, str) and re.fullmatch(r"\s*\d{4}\s*-?\s*Q[1-4]\s*", x, re.IGNORECASE):
        period = pd.Period(re.sub(r"[\s-]", "", x).upper(), freq="Q")
    else:
        period = pd.Timestamp(x).to_period("Q")
    return label("quarter_format", lang, year=period.year, q=period.quarter)


def format_cell(x: Any, kind: str | None, lang: str = "en") -> str:
    """One value written for a reader, by the kind of its column (see :func:`column_kind`).

    NA gives ``""`` (a table writes its own word for unknown); suppressed cells (``"<5"``,
    ``"x"``) and other text are returned as they are, except in date and quarter columns.
    Country codes are returned as codes (a table adds names, :func:`kvanalytics.tables.for_people`).

    Examples
    --------
    >>> format_cell(1653, "count", "nl"), format_cell("<5", "count", "nl")
    ('1.653', '<5')
    >>> format_cell(2, "tier", "en"), format_cell(True, "bool", "nl")
    ('high (2)', 'ja')
    """
    if is_na(x):
        return ""
    if kind == "count" or kind == "number":
        return format_count(x, lang, None if kind == "count" else decimals_of(np.array([x])))
    if kind == "money":
        return format_money(x, lang)
    if kind == "share":
        return format_share(x, lang)
    if kind == "date":
        return format_date(x, lang)
    if kind == "quarter":
        return format_quarter(x, lang)
    if kind == "bool" or isinstance(x, (bool, np.bool_)):
        return label("yes" if bool(x) else "no", lang)
    if kind == "tier" and not isinstance(x, str):
        n = int(x)
        return f"{label(f'tier_{n}', lang)} ({n})"
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))  # a code read as a number: 2024, not 2024.0
    return str(x)
