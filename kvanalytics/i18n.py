"""Labels and number formats of every output (charts, Excel workbooks, reports), in English or Dutch.

One place for what a reader sees written: :func:`label` looks a key up in
``kvanalytics/data/labels.csv`` (columns ``key,en,nl``); :func:`format_number` writes ``1,653``
(en) or ``1.653`` (nl); :func:`number_formatter` is the same as a tick-formatting callable;
:func:`column_kind` says from a column's name whether it holds shares, money or codes, and
:data:`EXCEL_FORMATS` / :func:`excel_number_format` give the matching Excel number format.
:mod:`kvanalytics.plots` and :mod:`kvanalytics.excel` both use this module.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import config
from .errors import ReferenceDataError

__all__ = [
    "EXCEL_FORMATS",
    "LANGS",
    "check_lang",
    "column_kind",
    "decimals_of",
    "excel_number_format",
    "format_number",
    "format_value",
    "is_share",
    "label",
    "number_formatter",
]

#: Languages of labels and number formats.
LANGS = ("en", "nl")

#: Excel number formats by column kind (Excel shows the separators of the reader's locale).
EXCEL_FORMATS: Mapping[str, str] = {
    "integer": "#,##0",
    "float": "#,##0.00",
    "money": '#,##0.00 "EUR"',
    "share": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "code": "0",
}

#: Words of a column name that make it a share, an amount of money, or a code (checked in
#: that order): ``take_up_rate`` is a share, ``value_eur`` money, ``partner_id`` a code.
_SHARE_WORDS = frozenset(("share", "fraction", "proportion", "rate"))
_MONEY_WORDS = frozenset(("eur", "euro", "euros", "cost", "costs", "money"))
_CODE_WORDS = frozenset(("id", "year", "code", "postcode"))


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
    value = float(x) * (100 if percent else 1)
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # "-0" or "-0.0" after rounding
        text = text.lstrip("-")
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
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


def _words(name: str) -> set[str]:
    return set(re.split(r"[^0-9a-z]+", str(name).lower())) - {""}


def column_kind(name: str) -> Literal["share", "money", "code"] | None:
    """What a column's name says its numbers are: ``"share"``, ``"money"``, ``"code"`` or None.

    A name holding one of the words *share, fraction, proportion, rate* is a share (a fraction,
    written as a percentage); else one of *eur, euro(s), cost(s), money* is money; else one of
    *id, year, code, postcode* is a code (written without separators when whole).

    Examples
    --------
    >>> column_kind("take_up_rate"), column_kind("value_eur"), column_kind("year")
    ('share', 'money', 'code')
    >>> column_kind("agreements_active") is None
    True
    """
    words = _words(name)
    if words & _SHARE_WORDS:
        return "share"
    if words & _MONEY_WORDS:
        return "money"
    if words & _CODE_WORDS:
        return "code"
    return None


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

    Shares ``0.0%``, money ``#,##0.00 "EUR"``, whole-number codes ``0``, other whole numbers
    ``#,##0``, other numbers ``#,##0.00`` (see :data:`EXCEL_FORMATS`).

    Examples
    --------
    >>> excel_number_format("value_eur", pd.Series([1.5])), excel_number_format("n", pd.Series([3]))
    ('#,##0.00 "EUR"', '#,##0')
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
