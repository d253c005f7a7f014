"""How the report shows a table, a count, an amount, a change and a date: one place.

Tables go through :func:`kvanalytics.tables.format_table` only (labels from the one label file,
country names beside codes, separators per language, unknowns as "unknown"/"onbekend", no
index, long text wrapped); numbers through :mod:`kvanalytics.i18n`'s formats.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..i18n import format_count, format_date, format_money, label
from ..tables import format_table

__all__ = ["show_count", "show_date", "show_money", "show_signed", "show_table"]


def show_table(
    df: pd.DataFrame,
    *,
    lang: str = "en",
    caption: str | None = None,
    source_note: str | None = None,
) -> str:
    """``df`` as a people-ready HTML table (see :func:`kvanalytics.tables.format_table`).

    Examples
    --------
    >>> "Land" in show_table(pd.DataFrame({"country": ["NA"]}), lang="nl")
    True
    """
    return format_table(df, lang=lang, caption=caption, source_note=source_note)


def show_count(x: Any, lang: str = "en") -> str:
    """A count as published: ``1,653`` / ``1.653``; a suppressed cell (``<5``) as it is.

    Examples
    --------
    >>> show_count(1653), show_count(1653, "nl"), show_count("<5")
    ('1,653', '1.653', '<5')
    """
    if isinstance(x, str):
        return x
    if x is None or pd.isna(x):
        return label("unknown", lang)
    return format_count(x, lang)


def show_money(x: Any, lang: str = "en") -> str:
    """An amount: ``€ 10.3 mln`` / ``€ 10,3 mln``; unknown as ``unknown`` / ``onbekend``.

    Examples
    --------
    >>> show_money(10_344_307.22, "nl")
    '€ 10,3 mln'
    """
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return label("unknown", lang)
    return format_money(x, lang)


def show_signed(x: Any, lang: str = "en", *, money: bool = False) -> str:
    """A change with its sign: ``+12``, ``−3``, ``0``, ``+€ 1.9 mln``; ``x`` stays ``x``.

    Examples
    --------
    >>> show_signed(12), show_signed(-3), show_signed(0), show_signed(-0.0, money=True)
    ('+12', '−3', '0', '0')
    """
    if isinstance(x, str):
        return x
    if x is None or pd.isna(x):
        return label("unknown", lang)
    body = show_money(abs(float(x)), lang) if money else show_count(abs(x), lang)
    if body in ("0", show_money(0, lang)):
        return body if money else "0"
    return ("+" if x > 0 else "−") + body


def show_date(day: pd.Timestamp, lang: str = "en") -> str:
    """``30 Sep 2026`` / ``30 sep 2026``.

    Examples
    --------
    >>> show_date(pd.Timestamp("2026-09-30"))
    '30 Sep 2026'
    """
    return format_date(day, lang)
