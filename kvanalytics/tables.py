"""Tables for people: every published table written for a reader, as a DataFrame or as HTML.

:func:`for_people` turns a table as the package computes it (snake_case columns, ISO codes,
fractions, ``<NA>``, an index) into what a board member reads: column labels in the report
language from ``labels.csv``, country names beside codes (``Russia (RU)``), counts, money,
percentages, dates and quarters written per language by :func:`kvanalytics.i18n.format_cell`,
metric identifiers as labels, ``unknown`` / ``onbekend`` for missing values, suppressed cells
(``<5``, ``x``) as published, and no index. :func:`format_table` renders that as an HTML table
(pandas ``Styler``: no index, numbers right-aligned, long text wrapped, never cut).

The kind of each column comes from one rule, :func:`kvanalytics.i18n.column_kind`; in a long
table (``metric, unit, low, central, high``) the kind of each row's numbers comes from its
``unit`` (or, without one, its ``metric``): ``eur`` is money, ``share`` a percentage, anything
else a count. Callers write no formatting code of their own.

Why ``Styler`` and not great_tables: on a 300 × 10 table ``Styler.to_html`` took 0.03 s and
great_tables ``as_raw_html`` 0.30 s (HTML 235 kB and 195 kB), and the cells are written by
:mod:`kvanalytics.i18n` anyway (great_tables' formatters have no ``€ 10,3 mln``); ``Styler``
takes pandas 3 ``str`` / pyarrow columns as they are and adds no dependency.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from . import i18n, privacy
from .i18n import label
from .normalise import country_name

__all__ = [
    "VALUE_COLUMNS",
    "flatten",
    "for_people",
    "format_table",
    "header_label",
    "kinds_for_people",
    "metric_label",
    "row_kinds",
    "value_label",
]

#: Columns of a long table whose kind is that of each row's ``unit`` (or ``metric``).
VALUE_COLUMNS = ("low", "central", "high", "value")
#: Columns whose values are identifiers written as labels (``metric`` ``agreements_frozen``).
_LABELLED_VALUES = ("metric", "group")

#: The name given to an unnamed index that carries information (faculties of a support table).
_ROW_LABEL = "row_label"

_CSS: list[Any] = [
    {"selector": "", "props": "border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em"},
    {
        "selector": "th, td",
        "props": "padding: 0.25em 0.6em; vertical-align: top; text-align: left; "
        "white-space: normal; overflow-wrap: anywhere; max-width: 28em",
    },
    {"selector": "thead th", "props": "border-bottom: 1px solid #444; font-weight: 600"},
    {"selector": "tbody tr:nth-child(even)", "props": "background: #f6f6f6"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: 600"},
]


def flatten(df: pd.DataFrame | pd.Series, *, drop_names: bool = True) -> pd.DataFrame:
    """A frame with a plain index and flat ``str`` column names, as every output writes it.

    A named index, or an unnamed one that is not row numbers (the faculties of a support
    table), becomes the first column(s); MultiIndex columns are joined with `` / ``; a
    ``country_name`` beside ``country`` is dropped (outputs write names in their language)
    unless ``drop_names=False``.

    Examples
    --------
    >>> flatten(pd.Series([3], index=pd.Index(["RU"], name="country"), name="n")).columns.tolist()
    ['country', 'n']
    """
    frame = df.to_frame() if isinstance(df, pd.Series) else df
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"tables take a DataFrame or Series, got {type(df).__name__}")
    unnamed = all(n is None for n in frame.index.names)
    # an unnamed integer index is row positions left by a filter, not information
    plain = unnamed and pd.api.types.is_integer_dtype(frame.index.dtype)
    if not plain and unnamed and frame.index.nlevels == 1:
        frame = frame.rename_axis(_ROW_LABEL)  # an unnamed index (faculties, "Total")
    frame = frame.reset_index(drop=plain, allow_duplicates=True)
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.set_axis(
            [" / ".join(str(p) for p in col if str(p) != "") for col in frame.columns], axis=1
        )
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    if drop_names and "country" in frame.columns and "country_name" in frame.columns:
        frame = frame.drop(columns="country_name")  # names are written beside the codes
    return frame


def _published_kind(values: pd.Series) -> str | None:
    """``count`` (or ``number``) for a text or object column of published counts.

    That is: numbers among suppressed cells (``<5``, ``x``, as text or mixed), or Python
    numbers in an object column; None for anything else.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return None
    present = values.dropna().astype(object)
    if present.empty:
        return None
    cells = privacy.read_published(present)
    not_number = cells.numbers.isna() & ~cells.suppressed
    real_numbers = all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v, m in zip(present, cells.suppressed, strict=True)
        if not m
    )
    if bool(not_number.any()) or not (bool(cells.suppressed.any()) or real_numbers):
        return None
    return "count" if bool((cells.numbers.dropna() % 1 == 0).all()) else "number"


def kinds_for_people(df: pd.DataFrame) -> dict[str, str]:
    """The kind of every column of ``df`` (see :func:`kvanalytics.i18n.column_kind`).

    Columns of published counts (numbers among ``<5`` cells) are counts; the
    :data:`VALUE_COLUMNS` of a long table are ``by_row``.

    Examples
    --------
    >>> kinds_for_people(pd.DataFrame({"country": ["RU"], "value_eur": [1.5], "n": [3]}))
    {'country': 'country', 'value_eur': 'money', 'n': 'count'}
    """
    long = "unit" in df.columns or "metric" in df.columns
    kinds: dict[str, str] = {}
    for i, name in enumerate(df.columns):
        values = df.iloc[:, i]
        if long and name in VALUE_COLUMNS:
            kinds[name] = "by_row"
            continue
        kind: str = i18n.column_kind(name, values) or "text"
        if kind in ("text", "code", "tier", "count", "number"):
            kind = _published_kind(values) or kind
        kinds[name] = kind
    return kinds


def row_kinds(df: pd.DataFrame) -> pd.Series:
    """Per row of a long table: the kind of its numbers, from ``unit`` (else ``metric``).

    ``money`` or ``share`` when :func:`kvanalytics.i18n.column_kind` of the unit (metric) says
    so, else ``count``.

    Examples
    --------
    >>> row_kinds(pd.DataFrame({"unit": ["eur_per_year", "people"]})).tolist()
    ['money', 'count']
    """
    source = "unit" if "unit" in df.columns else "metric"
    if source not in df.columns:
        return pd.Series("count", index=df.index, dtype=object)
    names = df[source].astype("string").fillna("")
    by_name = {n: i18n.column_kind(n) for n in names.unique()}
    kinds = names.map(lambda n: by_name[n] if by_name[n] in ("money", "share") else "count")
    return kinds.astype(object)


def value_label(column: str, value: Any, lang: str = "en") -> str:
    """A value of a text column as a reader reads it.

    The key ``<column>_<value>`` (``status_active``, ``reason_invalid_date``) in
    ``labels.csv``; for ``metric`` and ``group`` columns the value as a key
    (:func:`metric_label`); else the value as it is.

    Examples
    --------
    >>> value_label("status", "suspended", "nl"), value_label("faculty", "Law", "nl")
    ('opgeschort', 'Law')
    """
    text = str(value)
    for key in (
        f"{column}_{text}",  # scenario_nl-2022-freeze
        re.sub(r"[^0-9a-z]+", "_", f"{column}_{text}".lower()).strip("_"),  # timing_listed_...
    ):
        if i18n.has_label(key):
            return label(key, lang)
    if column in _LABELLED_VALUES:
        return metric_label(text, lang)
    return text


def metric_label(key: str, lang: str = "en") -> str:
    """A metric identifier as a label; ``support_population_UA`` -> ``... : Ukraine``.

    Examples
    --------
    >>> metric_label("agreements_frozen", "nl")
    'Bevroren overeenkomsten'
    >>> metric_label("support_population_UA", "en")
    'People needing support: Ukraine'
    """
    if i18n.has_label(key):
        return label(key, lang)
    base, _, code = key.rpartition("_")
    if base and len(code) == 2 and code.isupper() and i18n.has_label(base):
        name = country_name([code], lang).iloc[0]
        return f"{label(base, lang)}: {code if pd.isna(name) else name}"
    return label(key, lang)


def header_label(name: str, lang: str = "en") -> str:
    """The label of a column: from ``labels.csv``; a nationality code (``UA``) as its name.

    Examples
    --------
    >>> header_label("agreements_active", "nl"), header_label("UA", "nl"), header_label("Total")
    ('Actieve overeenkomsten', 'Oekraïne', 'Total')
    """
    if name == _ROW_LABEL:
        return ""
    if " / " in name:  # flattened MultiIndex columns: ("phd", "UA") -> "PhD candidates / Ukraine"
        return " / ".join(header_label(part, lang) for part in name.split(" / "))
    if i18n.has_label(name):
        return label(name, lang)
    if re.fullmatch(r"[A-Z]{2}", name):
        country = country_name([name], lang).iloc[0]
        if pd.notna(country):
            return str(country)
    if i18n.has_label(name.lower()):
        return label(name.lower(), lang)
    return metric_label(name, lang)


def _countries(values: pd.Series, lang: str) -> list[str | None]:
    codes = values.astype("string")
    names = country_name(codes.str.upper(), lang)
    out: list[str | None] = []
    for code, name in zip(codes, names, strict=True):
        if pd.isna(code):
            out.append(None)
        else:
            out.append(f"{name} ({code})" if pd.notna(name) else str(code))
    return out


def _column_for_people(
    df: pd.DataFrame, i: int, kind: str, per_row: pd.Series | None, lang: str
) -> list[str]:
    name = str(df.columns[i])
    values = df.iloc[:, i]
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    unknown = label(f"na_{name}" if i18n.has_label(f"na_{name}") else "unknown", lang)
    cells: list[str | None]
    if kind == "country":
        cells = _countries(values, lang)
    elif kind == "by_row" and per_row is not None:
        cells = [
            i18n.format_cell(v, k, lang) or None
            for v, k in zip(values.astype(object), per_row, strict=True)
        ]
    else:
        cells = _each_distinct(values.astype(object), name, kind, lang)
    return [unknown if c is None or c == "" else c for c in cells]


def _each_distinct(values: pd.Series, name: str, kind: str, lang: str) -> list[str | None]:
    """Cells written once per distinct value, then mapped (a column has few distinct values)."""

    def one(v: Any) -> str | None:
        if i18n.is_na(v):
            return None
        return value_label(name, v, lang) if kind == "text" else i18n.format_cell(v, kind, lang)

    try:
        written = {v: one(v) for v in pd.unique(values)}
    except TypeError:  # unhashable cells (lists): one at a time
        return [one(v) for v in values]
    return [None if i18n.is_na(v) else written[v] for v in values]


def _for_people(df: pd.DataFrame | pd.Series, lang: str) -> tuple[pd.DataFrame, list[str]]:
    i18n.check_lang(lang)
    frame = flatten(df)
    kinds = kinds_for_people(frame)
    per_row = row_kinds(frame) if "by_row" in kinds.values() else None
    columns = [
        _column_for_people(frame, i, kinds[str(c)], per_row, lang)
        for i, c in enumerate(frame.columns)
    ]
    headers = _unique([header_label(str(c), lang) for c in frame.columns])
    out = pd.DataFrame(
        {h: pd.Series(col, dtype="str") for h, col in zip(headers, columns, strict=True)}
    )
    if not columns:
        out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    numeric = [
        k in i18n.NUMERIC_KINDS or (k == "by_row") for k in (kinds[str(c)] for c in frame.columns)
    ]
    return out, ["number" if n else "text" for n in numeric]


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def for_people(df: pd.DataFrame | pd.Series, *, lang: str = "en") -> pd.DataFrame:
    """A published table as a reader reads it: labelled columns and formatted text cells.

    Parameters
    ----------
    df : DataFrame or Series
        A table as the package publishes it (exposure, impact summary, compare, rejects...);
        a named or non-default index becomes columns. It is not changed.
    lang : {"en", "nl"}
        Language of labels, country names, numbers and dates.

    Returns
    -------
    DataFrame
        ``str`` columns named by their labels, a ``RangeIndex``; no NA (unknown is written as
        ``unknown`` / ``onbekend``), suppressed cells as published.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["RU", "NA"], "agreements_active": [1653, 3],
    ...                   "value_eur": [10_344_307.2, None], "share_of_total": [0.125, 0.0]})
    >>> for_people(t, lang="nl").values.tolist()
    [['Rusland (RU)', '1.653', '€ 10,3 mln', '12,5%'], ['Namibië (NA)', '3', 'onbekend', '0,0%']]
    """
    return _for_people(df, lang)[0]


def format_table(
    df: pd.DataFrame | pd.Series,
    *,
    lang: str = "en",
    caption: str | None = None,
    source_note: str | None = None,
) -> str:
    """An HTML table for people: :func:`for_people`'s cells, no index, numbers right-aligned.

    Long text wraps (never cut), the header is bold, the caption above and the source note
    below the table. Every cell and label is HTML-escaped.

    Parameters
    ----------
    df : DataFrame or Series
        A published table (see :func:`for_people`).
    lang : {"en", "nl"}
        Language of labels and numbers.
    caption : str, optional
        Title written above the table.
    source_note : str, optional
        Source or note written below it.

    Returns
    -------
    str
        ``<div class="kv-table-wrap">`` holding a ``<table>`` (and the note).

    Examples
    --------
    >>> html_text = format_table(pd.DataFrame({"faculty": ["Law"], "phd": ["<5"]}), lang="nl")
    >>> "Faculteit" in html_text and "&lt;5" in html_text and "<th" in html_text
    True
    """
    people, kinds = _for_people(df, lang)
    digest = hashlib.sha1(
        pd.util.hash_pandas_object(people, index=False).to_numpy().tobytes()
        + repr((list(people.columns), caption, source_note, lang)).encode()
    ).hexdigest()[:10]
    styler = Styler(people, cell_ids=False).hide(axis="index")  # no per-cell ids: half the size
    styler.set_uuid(f"kv{digest}")
    styler.format(escape="html").format_index(escape="html", axis=1)
    right: list[Any] = [
        rule
        for i, k in enumerate(kinds)
        if k == "number"
        for rule in (
            {"selector": f"td.col{i}", "props": "text-align: right; white-space: nowrap"},
            {"selector": f"th.col{i}", "props": "text-align: right"},
        )
    ]
    styler.set_table_styles(
        [*_CSS, *right, {"selector": "td", "props": "font-variant-numeric: tabular-nums"}]
    )
    styler.set_table_attributes('class="kv-table"')
    if caption:
        styler.set_caption(html.escape(caption))
    body = styler.to_html()
    note = f'<p class="kv-source">{html.escape(source_note)}</p>' if source_note else ""
    return f'<div class="kv-table-wrap">{body}{note}</div>'
