"""How the report shows a table, a number, an amount and a date: one place, in the report language.

Tables go through :func:`show_table` only (people-ready HTML: labels from the one label file,
country names beside codes, separators per language, unknowns as "unknown"/"onbekend", no index).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..i18n import format_number, format_value, label
from ..normalise import country_name

__all__ = ["show_date", "show_money", "show_signed", "show_table"]

_COUNTRY_COLUMNS = ("country", "nationality")


def show_table(
    df: pd.DataFrame,
    *,
    lang: str = "en",
    caption: str | None = None,
    source_note: str | None = None,
) -> str:
    """``df`` as a people-ready HTML table (no index; long text wraps).

    Examples
    --------
    >>> show_table(pd.DataFrame({"country": ["NA"], "agreements_active": [1200]}))[:6]
    '<table'
    """
    head = "".join(f"<th scope='col'>{html.escape(label(str(c), lang))}</th>" for c in df.columns)
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    body = []
    for row in df.itertuples(index=False, name=None):
        cells = []
        for col, value, num in zip(df.columns, row, numeric, strict=True):
            text = _cell(str(col), value, lang)
            cls = " class='num'" if num or _is_number(value) else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = (
        f"<tfoot><tr><td colspan='{len(df.columns)}'>{html.escape(source_note)}</td></tr></tfoot>"
        if source_note
        else ""
    )
    return (
        f"<table class='kv'>{cap}<thead><tr>{head}</tr></thead>{foot}"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(col: str, value: Any, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return label("unknown", lang)
    if col in _COUNTRY_COLUMNS and isinstance(value, str):
        name = country_name(pd.Series([value], dtype="string"), lang).iloc[0]
        return f"{name} ({value})" if isinstance(name, str) and name != value else value
    if isinstance(value, str):
        return value
    if "eur" in col.split("_") and _is_number(value):
        return show_money(float(value), lang)
    return format_value(value, col, lang)


def show_money(x: float | None, lang: str = "en") -> str:
    """An amount in euros for a reader: ``€ 10.3 mln`` / ``€ 10,3 mln``, ``€ 41,012``.

    Examples
    --------
    >>> show_money(10_344_307.22), show_money(10_344_307.22, "nl"), show_money(41012.31)
    ('€ 10.3 mln', '€ 10,3 mln', '€ 41,012')
    """
    if x is None or pd.isna(x):
        return label("unknown", lang)
    if abs(x) >= 1_000_000:
        return f"€ {format_number(x / 1_000_000, lang, 1)} mln"
    return f"€ {format_number(x, lang, 0)}"


def show_signed(x: Any, lang: str = "en", *, money: bool = False) -> str:
    """A change with its sign: ``+12``, ``−3``, ``0``, ``+€ 1.2 mln``; ``x`` stays ``x``.

    Examples
    --------
    >>> show_signed(12), show_signed(-3), show_signed(0)
    ('+12', '−3', '0')
    """
    if isinstance(x, str):
        return x
    if x is None or pd.isna(x):
        return label("unknown", lang)
    if x == 0:
        return "0"
    sign = "+" if x > 0 else "−"
    body = show_money(abs(float(x)), lang) if money else format_number(abs(x), lang, 0)
    return sign + body


def show_date(day: pd.Timestamp, lang: str = "en") -> str:
    """``30 September 2026`` / ``30 september 2026``.

    Examples
    --------
    >>> show_date(pd.Timestamp("2026-09-30"))
    '30 September 2026'
    """
    return f"{day.day} {label(f'month_{day.month}', lang)} {day.year}"
