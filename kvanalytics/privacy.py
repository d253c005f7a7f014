"""Small-cell suppression of published headcounts (DESIGN.md, "Small-cell suppression").

A headcount from 1 to ``threshold - 1`` is published as ``"<5"`` (the label follows the
threshold; **primary** suppression); zero stays 0. When a table is published with totals, more
cells are hidden (**secondary** suppression, shown as ``"x"``) until no suppressed cell can be
recomputed exactly from the published cells and totals.

The reader ("attacker") is assumed to know the method: every published number, that a ``"<5"``
cell lies in 1..4 and an ``"x"`` cell is at least 5, that zeros are published, and that each
total is the sum of its row or column. :func:`disclosure_bounds` computes what such a reader can
derive — the tightest interval for each suppressed cell that repeated use of every row and column
equation gives (interval constraint propagation, which includes solving rows and columns with a
single unknown) — and :func:`suppress` adds secondary suppressions until every interval is wider
than one value. A row with two small cells therefore needs no secondary suppression, unless their
published sum pins them (two cells of 1, or two of 4, under a threshold of 5).

Each table is protected on its own: publishing the same people in several tables (by country,
and by region) can reveal more, and is not checked here.

Everything that leaves for a reader is decided here: :func:`published` publishes a scenario
summary (``unit`` = people rows), :func:`publish_column` one column of people counts drawn in a
chart, and :func:`read_published` tells a chart or a workbook which cells of a published column
are suppressed and which label (``"<5"``, ``"x"``) they carry. Charts draw what these return and
never decide themselves what is hidden.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from . import config
from .errors import SchemaError
from .schemas import PEOPLE_SUMS

__all__ = [
    "PEOPLE_SUMS",
    "SUPPRESSED_RE",
    "PublishedColumn",
    "Suppressed",
    "disclosure_bounds",
    "publish_column",
    "published",
    "published_with_parts",
    "read_published",
    "suppress",
    "suppress_counts",
    "suppress_long",
    "suppress_nested",
    "total_disclosure",
]

Totals = bool | Literal["both", "row", "column", "none"]
_MAX_PASSES = 1000  # interval propagation converges in a few passes on real tables
#: Text of a suppressed cell in a published table: primary (``"<5"``) or secondary (``"x"``).
SUPPRESSED_RE = re.compile(r"<\s*\d+|x")


# ------------------------------------------------------------------------------------------------
# Result object
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suppressed:
    """A table ready to publish, with what was suppressed and why.

    Attributes
    ----------
    table : DataFrame
        The published table (object cells): counts as ``int``, suppressed cells as text
        (``"<5"`` primary, ``"x"`` secondary), unknown counts as NA, with the totals (computed
        from the full data) in a ``Total`` row and/or column. Numbers stay numbers so that
        Excel export keeps them numeric.
    values : DataFrame
        The original counts (``Int64``), totals included. Not for publication.
    primary, secondary : DataFrame
        Boolean masks, same shape as ``table``: small cells, and cells hidden to protect them.
    threshold : int
        Counts below it (and above 0) were suppressed.
    labels : tuple of str
        The texts of primary and secondary suppressed cells.
    totals : str
        ``"both"``, ``"row"`` (a total per row), ``"column"`` (a total per column) or ``"none"``.

    Examples
    --------
    >>> s = suppress(pd.DataFrame({"a": [2, 30], "b": [3, 40]}, index=["x", "y"]))
    >>> s.table.loc["x"].tolist()
    ['<5', '<5', 5]
    """

    table: pd.DataFrame
    values: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    threshold: int
    labels: tuple[str, str]
    totals: str

    @property
    def mask(self) -> pd.DataFrame:
        """All suppressed cells (primary or secondary)."""
        return self.primary | self.secondary

    @property
    def legend(self) -> str:
        """One line explaining the labels, for a table note."""
        p, s = self.labels
        return (
            f"{p}: 1 to {self.threshold - 1} persons; {s}: hidden so that small numbers cannot "
            "be derived from the totals; totals are computed from all data."
        )

    def _repr_html_(self) -> str:
        primary, secondary = self.primary, self.secondary

        def style(_: pd.DataFrame) -> pd.DataFrame:
            css = pd.DataFrame("", index=primary.index, columns=primary.columns)
            css = css.mask(primary, "background-color:#e8e8e8;font-style:italic")
            return css.mask(secondary, "background-color:#f4f4f4;color:#666")

        try:
            body = self.table.style.apply(style, axis=None).to_html()
        except ImportError:  # pragma: no cover - Styler needs jinja2
            body = self.table.to_html()
        note = (
            f"<p style='font-size:smaller'>{self.legend} Suppressed: "
            f"{int(primary.to_numpy().sum())} small, {int(secondary.to_numpy().sum())} "
            "secondary.</p>"
        )
        return body + note


# ------------------------------------------------------------------------------------------------
# Public functions
# ------------------------------------------------------------------------------------------------


def suppress(
    table: pd.DataFrame,
    *,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    columns: Sequence[Hashable] | None = None,
    index: Hashable | Sequence[Hashable] | None = None,
    totals: Totals = True,
    total_label: str = "Total",
    secondary_label: str = "x",
) -> Suppressed:
    """Publish a 2-D table of counts with primary and secondary small-cell suppression.

    Parameters
    ----------
    table : DataFrame
        Counts (integers >= 0, NA for unknown), one row per row label, without totals.
    threshold : int
        Counts 1..threshold-1 are suppressed (default :data:`config.SUPPRESSION_THRESHOLD`).
    columns : sequence, optional
        The count columns; default all numeric columns (others are left out).
    index : label or list of labels, optional
        Column(s) holding the row labels; default the frame's index.
    totals : bool or {"both", "row", "column", "none"}
        Which totals are published: ``True``/``"both"`` a total per row and per column (and the
        grand total); ``"row"`` a ``Total`` column; ``"column"`` a ``Total`` row; ``False`` /
        ``"none"`` no totals (cells are then independent and only small ones are hidden).
        Totals skip NA cells; a total is itself suppressed like any cell when it is small.
    total_label : str
        Label of the total row and column.
    secondary_label : str
        Text of secondary suppressed cells (primary ones read ``"<threshold"``).

    Returns
    -------
    Suppressed

    Examples
    --------
    >>> counts = pd.DataFrame({"phd": [1, 12, 30], "staff": [9, 14, 22]}, index=["BY", "RU", "UA"])
    >>> s = suppress(counts)
    >>> s.table.loc["BY"].tolist(), int(s.secondary.to_numpy().sum())
    (['<5', 'x', 10], 3)
    """
    mode = _totals_mode(totals)
    _check_threshold(threshold)
    frame = table.set_index(index) if index is not None else table
    if columns is None:
        columns = [
            c
            for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        ]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"suppress: no column(s) {missing}; the table has {list(frame.columns)}.")
    counts = _counts(frame[list(columns)], "suppress")
    row_tot, col_tot = mode in ("both", "row"), mode in ("both", "column")
    ext = _table_with_totals(counts, row_tot=row_tot, col_tot=col_tot)
    primary = _primary(ext, threshold)
    system = _System.of_table(ext, threshold, row_tot, col_tot)
    secondary = _secondary(system, primary, "suppress")

    idx = frame.index
    if col_tot:
        label: Any = (
            (total_label, *[""] * (idx.nlevels - 1))
            if isinstance(idx, pd.MultiIndex)
            else total_label
        )
        idx = idx.append(pd.Index([label], tupleize_cols=True)) if len(idx) else pd.Index([label])
    cols = pd.Index(list(columns))
    if row_tot:
        cols = cols.append(pd.Index([total_label]))
    labels = (f"<{threshold}", secondary_label)
    shown = _display(ext, primary, secondary, labels)

    def frame_of(a: np.ndarray, dtype: Any = None) -> pd.DataFrame:
        return pd.DataFrame(a, index=idx, columns=cols, dtype=dtype)

    return Suppressed(
        table=frame_of(shown, object),  # object: pandas would infer str for all-text columns
        values=frame_of(ext, "Float64").round().astype("Int64"),
        primary=frame_of(primary, bool),
        secondary=frame_of(secondary, bool),
        threshold=int(threshold),
        labels=labels,
        totals=mode,
    )


def suppress_long(
    df: pd.DataFrame,
    value: str = "headcount",
    *,
    row: str,
    col: str,
    by: Sequence[str] | str | None = None,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    totals: Totals = True,
    total_label: str = "Total",
    secondary_label: str = "x",
) -> pd.DataFrame:
    """Suppress a tidy table of counts: pivot ``row`` x ``col`` (per ``by``), suppress, melt back.

    Combinations absent from ``df`` count as 0 (headcount exports omit empty cells); an NA
    ``value`` is unknown and stays NA.

    Parameters
    ----------
    df : DataFrame
        One row per ``by`` x ``row`` x ``col`` (duplicates are an error: aggregate first).
    value : str
        The count column.
    row, col : str
        The columns that span the published 2-D table.
    by : str or sequence of str, optional
        Columns splitting the data into separate tables (e.g. ``period``), each suppressed on
        its own.
    threshold, totals, total_label, secondary_label
        As in :func:`suppress`.

    Returns
    -------
    DataFrame
        The ``by``, ``row`` and ``col`` columns (as text, totals labelled ``total_label``),
        ``value`` as published (object: int, ``"<5"``, ``"x"`` or NA) and ``suppression``
        (``"primary"``, ``"secondary"`` or NA): one row per row of ``df`` plus one per total,
        ordered by ``by``, ``row``, ``col``.

    Examples
    --------
    >>> long = pd.DataFrame({"country": ["RU", "RU", "UA"], "group": ["phd", "staff", "phd"],
    ...                      "headcount": [3, 20, 41]})
    >>> out = suppress_long(long, row="country", col="group")
    >>> out.loc[out["suppression"].notna(), ["country", "group", "headcount"]].values.tolist()[0]
    ['RU', 'phd', '<5']
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    need = [*by_cols, row, col, value]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise SchemaError(f"suppress_long: no column(s) {missing}; df has {list(df.columns)}.")
    keys = [*by_cols, row, col]
    dup = df.duplicated(subset=keys, keep=False)
    if dup.any():
        example = df.loc[dup, keys].drop_duplicates().head(2).to_dict("records")
        raise SchemaError(
            f"suppress_long: {int(dup.sum())} rows share {keys}, e.g. {example}. Aggregate "
            f"first or add the distinguishing column(s) to by=."
        )
    _totals_mode(totals)  # check early, before any table is built
    _check_threshold(threshold)
    data = df[need].copy()
    for c in keys:
        data[c] = data[c].astype("string")
    parts = []
    groups = data.groupby(by_cols, dropna=False, sort=True) if by_cols else [((), data)]
    for group_key, part in groups:  # one published table per by-value (few), not per row
        s = part.set_index([row, col])[value]
        counts = pd.Series(_counts(s.to_frame(), "suppress_long")[:, 0], index=s.index)
        filled = counts.fillna(-1.0).unstack(col, fill_value=0)  # absent -> 0, NA -> -1
        wide = filled.mask(filled == -1.0)
        result = suppress(
            wide,
            threshold=threshold,
            totals=totals,
            total_label=total_label,
            secondary_label=secondary_label,
        )
        kind = pd.DataFrame(
            np.where(result.primary, "primary", np.where(result.secondary, "secondary", "")),
            index=result.table.index,
            columns=result.table.columns,
        )
        shown = result.table.rename_axis(index=row, columns=col).stack(future_stack=True)
        kinds = kind.rename_axis(index=row, columns=col).stack(future_stack=True)
        melted = pd.DataFrame({value: shown, "suppression": kinds}).reset_index()
        melted[value] = melted[value].astype(object).where(melted[value].notna(), pd.NA)
        is_total = (melted[row] == total_label) | (melted[col] == total_label)
        wanted = part[[row, col]].assign(_in=True)
        melted = melted.merge(wanted, on=[row, col], how="left")
        melted = melted.loc[melted["_in"].fillna(False).astype(bool) | is_total].drop(columns="_in")
        gk = group_key if isinstance(group_key, tuple) else (group_key,)
        for c, v in zip(by_cols, gk, strict=True):
            melted[c] = pd.Series([v] * len(melted), index=melted.index, dtype=object)
        parts.append(melted)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=need)
    out = out[[*by_cols, row, col, value, "suppression"]]
    for c in keys:
        out[c] = out[c].astype("string")
    out["suppression"] = out["suppression"].replace("", pd.NA).astype("string")
    return out.reset_index(drop=True)


def suppress_counts(
    df: pd.DataFrame,
    cols: Sequence[str] | str,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    *,
    sums: Mapping[str, Sequence[str]] | Literal["auto"] | None = "auto",
    secondary_label: str = "x",
) -> pd.DataFrame:
    """Hide small counts in a flat table (one row per unit), e.g. people columns of an exposure
    table or the values of a chart.

    Counts 1..threshold-1 become ``"<threshold"``; zero and larger counts stay numbers; NA stays
    NA. Cells are independent except for ``sums``: a column that is the row sum of others (the
    exposure table's ``students`` and ``staff``) would give a hidden group away, so each such row
    gets secondary suppression (``"x"``) as in :func:`suppress`. Where every non-zero cell of a row is
    small already (four groups of 1 adding up to 4), a ``"<5"`` total would pin each part, so that
    total is shown as ``"x"`` too: in these tables ``"x"`` means "hidden", not "at least 5". Use :func:`suppress` for
    cross tables with row and column totals.

    Parameters
    ----------
    df : DataFrame
        Any table; it is not modified.
    cols : str or sequence of str
        The count columns to publish.
    threshold : int
        See :func:`suppress`.
    sums : mapping, "auto" or None
        Sum column -> the columns it adds up, all among ``cols``. ``"auto"`` (default): those of
        :data:`PEOPLE_SUMS` whose columns are all in ``cols``. ``None``: cells are independent.
    secondary_label : str
        Text of secondary suppressed cells.

    Returns
    -------
    DataFrame
        A copy with ``cols`` as object columns (``int``, ``"<5"``, ``"x"`` or NA).

    Examples
    --------
    >>> suppress_counts(pd.DataFrame({"n": [0, 3, 12]}), ["n"])["n"].tolist()
    [0, '<5', 12]
    >>> t = pd.DataFrame({"phd": [3], "degree_student": [40], "exchange_in": [0],
    ...                   "exchange_out": [0], "students": [43]})
    >>> suppress_counts(t, list(t.columns)).iloc[0].tolist()  # 43 - x can't be recovered
    ['<5', 'x', 0, 0, 43]
    """
    cols = [cols] if isinstance(cols, str) else list(cols)
    flat = _FlatTable.of(df, cols, threshold, sums, "suppress_counts")
    values, primary, secondary = flat.values, flat.primary, flat.secondary
    shown = _display(values, primary, secondary, (f"<{threshold}", secondary_label))
    out = df.copy()
    for i, c in enumerate(cols):
        out[c] = pd.Series(shown[:, i], index=df.index, dtype=object)
    return out


@dataclass(frozen=True)
class _FlatTable:
    """A flat table as :func:`suppress_counts` publishes it: counts, the sum equations of its
    rows, and which cells are hidden (primary, secondary)."""

    values: np.ndarray
    lines: list[tuple[np.ndarray, np.ndarray]]
    margin: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray
    threshold: int

    @classmethod
    def of(
        cls,
        df: pd.DataFrame,
        cols: list[str],
        threshold: int,
        sums: Mapping[str, Sequence[str]] | Literal["auto"] | None,
        where: str,
    ) -> _FlatTable:
        _check_threshold(threshold)
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise SchemaError(f"{where}: no column(s) {missing}; df has {list(df.columns)}.")
        relations = _sum_relations(cols, sums, where)
        values = _counts(df[cols], where)
        primary = _primary(values, threshold)
        n_r, n_c = values.shape
        idx = np.arange(n_r * n_c).reshape(n_r, n_c)
        pos = {c: i for i, c in enumerate(cols)}
        lines = [(idx[:, [pos[m] for m in members]], idx[:, pos[total]]) for total, members in
                 relations.items()]  # fmt: skip
        margin = np.zeros(values.shape, bool)
        margin[:, [pos[t] for t in relations]] = True
        system = _System(values, threshold, lines, margin)
        secondary = _secondary(system, primary, where, widen_totals=True)
        return cls(values, lines, margin, primary, secondary, int(threshold))


def total_disclosure(
    df: pd.DataFrame,
    cols: Sequence[str] | str,
    parts: pd.DataFrame | Sequence[pd.DataFrame],
    threshold: int = config.SUPPRESSION_THRESHOLD,
    *,
    sums: Mapping[str, Sequence[str]] | Literal["auto"] | None = "auto",
) -> pd.DataFrame:
    """What a reader derives about the hidden cells of a published flat table when totals of
    some of its cells are published beside it (the one rule for every such total).

    ``df[cols]`` is published as :func:`suppress_counts` publishes it (the same cells hidden);
    each total is the sum of the cells one ``parts`` mask marks (NA cells add nothing, as totals
    skip them). A reader who knows the method subtracts the shown parts from the totals: the
    intervals are those of :func:`disclosure_bounds`, with each total as one more equation.
    When any is ``exact`` the totals would give a hidden cell away: publish them hidden. Two
    totals whose parts nest are also read as their difference (a total of the parts between
    them); other combinations of several totals are not searched.

    Parameters
    ----------
    df : DataFrame
        The table before publication (counts), one row per unit.
    cols : str or sequence of str
        The count columns published (as given to :func:`suppress_counts`).
    parts : DataFrame or sequence of DataFrame
        Per total, booleans with the index of ``df`` and (some of) ``cols`` as columns: the
        cells the total adds up.
    threshold, sums
        As in :func:`suppress_counts`.

    Returns
    -------
    DataFrame
        One row per hidden cell of the published table: ``row`` (index label), ``column``,
        ``kind``, ``low``, ``high`` and ``exact``, as :func:`disclosure_bounds`; ``in_total``
        says whether the cell is one of the total's parts.

    Examples
    --------
    >>> t = pd.DataFrame({"students": [3, 40, 7]}, index=["BY", "CN", "TR"])
    >>> parts = pd.DataFrame({"students": [True, True, False]}, index=t.index)
    >>> total_disclosure(t, ["students"], parts)[["row", "low", "high", "exact"]].values.tolist()
    [['BY', 3.0, 3.0, True]]
    """
    cols = [cols] if isinstance(cols, str) else list(cols)
    flat = _FlatTable.of(df, cols, threshold, sums, "total_disclosure")
    masks = [parts] if isinstance(parts, pd.DataFrame) else list(parts)
    for part in masks:
        bad = [c for c in part.columns if c not in cols]
        if bad or not part.index.equals(df.index):
            raise SchemaError(
                f"total_disclosure: parts must have the index of df and columns among {cols}; "
                f"got columns {list(part.columns)}."
            )
    cells_of = [
        np.flatnonzero(m.reindex(columns=cols, fill_value=False).fillna(False).to_numpy(bool))
        for m in masks
    ]
    # the difference of two totals whose parts nest is a total of the parts between them (a
    # reader subtracts them; interval propagation alone would not combine the two equations)
    cells_of += [
        np.setdiff1d(b, a)
        for a in list(cells_of)
        for b in list(cells_of)
        if len(a) < len(b) and np.isin(a, b).all()
    ]
    values = flat.values.reshape(-1)
    n, k = values.size, len(cells_of)
    # each total is one more cell (published) and one more equation: its parts add up to it
    totals = [float(np.nansum(values[m])) if len(m) else 0.0 for m in cells_of]
    ext = np.append(values, totals)
    lines = [*flat.lines, *[(m.reshape(1, -1), np.array([n + i])) for i, m in enumerate(cells_of)]]
    in_total = np.zeros(n + k, bool)
    for m in cells_of[: len(masks)]:
        in_total[m] = True
    pad = np.zeros(k, bool)
    system = _System(ext, threshold, lines, np.append(flat.margin.reshape(-1), ~pad))
    primary = np.append(flat.primary.reshape(-1), pad)
    secondary = np.append(flat.secondary.reshape(-1), pad)
    hidden = primary | secondary
    lo, hi = system.bounds(hidden, primary, primary & secondary)
    cells = np.flatnonzero(hidden)
    r, c = np.divmod(cells, len(cols))
    return pd.DataFrame(
        {
            "row": df.index[r],
            "column": pd.Index(cols)[c],
            "kind": np.where(primary[cells] & ~secondary[cells], "primary", "secondary"),
            "low": lo[cells],
            "high": hi[cells],
            "exact": lo[cells] == hi[cells],
            "in_total": in_total[cells],
        }
    )


def suppress_nested(
    detail: pd.DataFrame,
    totals: pd.DataFrame,
    by: str | Sequence[str],
    cols: Sequence[str] | str,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    *,
    sums: Mapping[str, Sequence[str]] | Literal["auto"] | None = "auto",
    secondary_label: str = "x",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hide small counts in a detail table and its totals table together (country × faculty and
    country), so that neither table, nor the two read side by side, gives a hidden cell away.

    Each ``totals`` row (one per ``by`` key) is, column by column, the sum of the ``detail`` rows
    with that key: a reader who subtracts the published faculty cells from a country's total
    would recover a hidden one, so these sums are equations of the same system as the row sums
    of :func:`suppress_counts` (``students``, ``staff``), and secondary suppression runs over all
    of them at once. A sum that does not hold in the data (a total counting more than its
    details) is no equation a reader can use and is left out.

    Parameters
    ----------
    detail, totals : DataFrame
        Flat tables sharing ``by`` and ``cols``; ``totals`` has one row per ``by`` key.
    by : str or sequence of str
        The key(s) of ``totals`` (``"country"``).
    cols, threshold, sums, secondary_label
        As in :func:`suppress_counts`.

    Returns
    -------
    (DataFrame, DataFrame)
        Published copies of ``detail`` and ``totals``.

    Examples
    --------
    >>> detail = pd.DataFrame({"country": ["BY", "BY"], "faculty": ["Law", "Arts"],
    ...                        "phd": [3, 40]})
    >>> totals = pd.DataFrame({"country": ["BY"], "phd": [43]})
    >>> d, t = suppress_nested(detail, totals, "country", ["phd"])
    >>> d["phd"].tolist(), t["phd"].tolist()  # 43 - 40 would give the 3 back
    (['<5', 'x'], [43])
    """
    _check_threshold(threshold)
    keys = [by] if isinstance(by, str) else list(by)
    cols = [cols] if isinstance(cols, str) else list(cols)
    for name, df in (("detail", detail), ("totals", totals)):
        missing = [c for c in (*keys, *cols) if c not in df.columns]
        if missing:
            raise SchemaError(f"suppress_nested: {name} has no column(s) {missing}.")
    if totals.duplicated(keys).any():
        raise SchemaError(f"suppress_nested: totals must have one row per {keys}.")
    relations = _sum_relations(cols, sums, "suppress_nested")
    values = np.vstack(
        [_counts(detail[cols], "suppress_nested"), _counts(totals[cols], "suppress_nested")]
    )
    n_d = len(detail)
    n_r, n_c = values.shape
    idx = np.arange(n_r * n_c).reshape(n_r, n_c)
    pos = {c: i for i, c in enumerate(cols)}
    lines = [(idx[:, [pos[m] for m in members]], idx[:, pos[total]]) for total, members in
             relations.items()]  # fmt: skip
    # totals rows = sums of their detail rows, column by column; grouped by number of members
    # so that each group of equations is a rectangular array
    total_row = pd.MultiIndex.from_frame(totals[keys].astype(object)).get_indexer(
        pd.MultiIndex.from_frame(detail[keys].astype(object))
    )
    by_size: dict[int, tuple[list[np.ndarray], list[np.ndarray]]] = {}
    for ti in range(len(totals)):
        members = np.flatnonzero(total_row == ti)
        if not len(members):
            continue
        for j in range(n_c):
            part = values[members, j]
            whole = values[n_d + ti, j]
            if np.isnan(whole) or np.isnan(part).any() or part.sum() != whole:
                continue
            m_list, t_list = by_size.setdefault(len(members), ([], []))
            m_list.append(idx[members, j])
            t_list.append(idx[n_d + ti, j])
    for m_list, t_list in by_size.values():
        lines.append((np.vstack(m_list), np.asarray(t_list)))
    margin = np.zeros(values.shape, bool)
    margin[:, [pos[t] for t in relations]] = True
    margin[n_d:, :] = True
    primary = _primary(values, threshold)
    system = _System(values, threshold, lines, margin)
    secondary = _secondary(system, primary, "suppress_nested", widen_totals=True)
    shown = _display(values, primary, secondary, (f"<{threshold}", secondary_label))
    d_out, t_out = detail.copy(), totals.copy()
    for i, c in enumerate(cols):
        d_out[c] = pd.Series(shown[:n_d, i], index=detail.index, dtype=object)
        t_out[c] = pd.Series(shown[n_d:, i], index=totals.index, dtype=object)
    return d_out, t_out


def _sum_relations(
    cols: list[str], sums: Mapping[str, Sequence[str]] | Literal["auto"] | None, where: str
) -> dict[str, tuple[str, ...]]:
    if sums == "auto":
        return {k: tuple(v) for k, v in PEOPLE_SUMS.items() if k in cols and set(v) <= set(cols)}
    relations = {k: tuple(v) for k, v in (sums or {}).items()}
    bad = [c for k, v in relations.items() for c in (k, *v) if c not in cols]
    if bad:
        raise SchemaError(f"{where}: sums name column(s) {bad} not among cols.")
    return relations


def disclosure_bounds(published: Suppressed) -> pd.DataFrame:
    """What a reader can derive about each suppressed cell from the published table.

    The reader knows every published number, that a primary cell is 1..threshold-1 and a
    secondary one at least the threshold, and that totals are sums; intervals are tightened by
    every row and column equation until nothing changes.

    Parameters
    ----------
    published : Suppressed
        A result of :func:`suppress`.

    Returns
    -------
    DataFrame
        One row per suppressed cell: ``row``, ``column``, ``kind``, ``low``, ``high`` (float;
        ``inf`` when unbounded) and ``exact`` (``low == high``: the cell is disclosed).

    Examples
    --------
    >>> s = suppress(pd.DataFrame({"a": [1, 1, 30]}), totals="column")
    >>> disclosure_bounds(s)["exact"].any()
    np.False_
    """
    ext = published.values.astype("Float64").to_numpy(np.float64, na_value=np.nan)
    primary = published.primary.to_numpy(bool)
    secondary = published.secondary.to_numpy(bool)
    mode = published.totals
    system = _System.of_table(
        ext, published.threshold, mode in ("both", "row"), mode in ("both", "column")
    )
    lo, hi = system.bounds(primary | secondary, primary, primary & secondary)
    r, c = np.nonzero(primary | secondary)
    flat = r * ext.shape[1] + c
    return pd.DataFrame(
        {
            "row": published.table.index[r],
            "column": published.table.columns[c],
            "kind": np.where(primary[r, c] & ~secondary[r, c], "primary", "secondary"),
            "low": lo[flat],
            "high": hi[flat],
            "exact": lo[flat] == hi[flat],
        }
    )


# ------------------------------------------------------------------------------------------------
# Published outputs: scenario summaries, chart columns, and reading what was published
# ------------------------------------------------------------------------------------------------


def published(df: pd.DataFrame, threshold: int = config.SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """A display copy of a summary-like frame with small people counts suppressed.

    Rows whose ``unit`` is ``people`` get ``low, central, high`` rounded to whole people (a
    central allocated by share is an expectation) and passed through :func:`suppress_counts`
    (1..threshold-1 -> ``"<5"``); other rows keep their numbers. Where a support population is
    hidden, its support cost and the totals over nationalities are hidden too (``"x"``).
    So are the economic metrics computed from a hidden ``degree_students_lost`` count
    (:data:`DERIVED_FROM_PEOPLE`): money = count × figures the reader is shown. For a
    faculty × nationality table with totals use ``Impact.support_table`` and :func:`suppress`.

    Parameters
    ----------
    df : DataFrame
        ``Impact.summary``, ``by_faculty``, ``by_country`` or ``kvanalytics.compare`` output
        (has ``unit``).
    threshold : int
        Smallest count shown as a number.

    Returns
    -------
    DataFrame
        A copy; ``low, central, high`` become object columns.

    Examples
    --------
    >>> summary = pd.DataFrame({"metric": ["agreements_frozen", "phd_affected"],
    ...                         "unit": ["agreements", "people"],
    ...                         "low": [3.0, 2.0], "central": [4.0, 2.6], "high": [5.0, 9.0]})
    >>> published(summary)[["low", "central", "high"]].values.tolist()
    [[3.0, 4.0, 5.0], ['<5', '<5', 9]]
    """
    cols = [c for c in ("low", "central", "high") if c in df.columns]
    out = df.copy()
    people = (df["unit"].astype("string") == "people").fillna(False).to_numpy(bool)
    if people.any() and cols:
        values = df.loc[people, cols].astype("Float64").round(0)
        shown = suppress_counts(values, cols, threshold)
        out[cols] = out[cols].astype(object)
        out.loc[people, cols] = shown.to_numpy()
        _hide_costs_of_hidden_people(out, cols)
        _hide_derived_of_hidden_people(out, cols)
    return out


def published_with_parts(
    totals: pd.DataFrame,
    parts: pd.DataFrame,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    *,
    keys: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Publish a summary and a table of its parts together (``Impact.summary`` and
    ``by_faculty``, or :func:`kvanalytics.compare` and the scenarios' ``by_faculty``), so that
    a published total less the shown parts never gives a hidden part back.

    As :func:`published`, but the people rows of both go through :func:`suppress_nested` (each
    total row is the sum of its parts with the same ``keys``), then the costs and economic
    metrics of hidden people are hidden in each.

    Parameters
    ----------
    totals, parts : DataFrame
        Summary-like frames (``unit``, ``low``/``central``/``high``); ``parts`` has a row per
        part (faculty, country) of each total.
    threshold : int
        Smallest count shown as a number.
    keys : sequence of str, optional
        The columns naming a total: default ``scenario`` (when both have it) and ``metric``.

    Returns
    -------
    (DataFrame, DataFrame)
        Published copies of ``totals`` and ``parts``.

    Examples
    --------
    >>> totals = pd.DataFrame({"metric": ["phd_lost"], "unit": ["people"], "central": [43.0]})
    >>> parts = pd.DataFrame({"faculty": ["Law", "Arts"], "metric": ["phd_lost"] * 2,
    ...                       "unit": ["people"] * 2, "central": [3.0, 40.0]})
    >>> t, p = published_with_parts(totals, parts)
    >>> t["central"].tolist(), p["central"].tolist()  # 43 - 40 would give the 3 back
    ([43], ['<5', 'x'])
    """
    keys = list(keys) if keys is not None else [
        c for c in ("scenario", "metric") if c in totals.columns and c in parts.columns
    ]  # fmt: skip
    cols = [c for c in ("low", "central", "high") if c in totals.columns and c in parts.columns]
    outs = [totals.copy(), parts.copy()]
    masks = [(f["unit"].astype("string") == "people").fillna(False).to_numpy(bool)
             for f in (totals, parts)]  # fmt: skip
    if cols and masks[0].any():
        frames = [
            f.loc[m, keys].astype(object).join(f.loc[m, cols].astype("Float64").round(0))
            for f, m in zip((totals, parts), masks, strict=True)
        ]
        shown_p, shown_t = suppress_nested(frames[1], frames[0], keys, cols, threshold, sums=None)
        for out, mask, shown in zip(outs, masks, (shown_t, shown_p), strict=True):
            out[cols] = out[cols].astype(object)
            out.loc[mask, cols] = shown[cols].to_numpy()
    elif cols:
        outs[1] = published(parts, threshold)
    for out in outs if cols and masks[0].any() else outs[:1]:
        _hide_costs_of_hidden_people(out, cols)
        _hide_derived_of_hidden_people(out, cols)
    return outs[0], outs[1]


#: Metrics computed as one people count × figures the reader is shown (rates, years, ratios:
#: the economic value of degree students, kvanalytics.scenarios._economics). Where that count is
#: hidden, so is each of them (``"x"``), or it would give the count back.
DERIVED_FROM_PEOPLE: dict[str, str] = dict.fromkeys(
    (
        "degree_students_not_admitted",
        "tuition_eur_lost",
        "tuition_eur_not_admitted",
        "public_funding_eur_lost",
        "public_funding_eur_not_admitted",
        "direct_contribution_eur_lost",
        "direct_contribution_eur_not_admitted",
    ),
    "degree_students_lost",
)


def _hide_derived_of_hidden_people(out: pd.DataFrame, cols: list[str]) -> None:
    """Hide (``"x"``) each :data:`DERIVED_FROM_PEOPLE` cell whose people cell (same metric
    row keys, same column) is hidden."""
    if "metric" not in out.columns:
        return
    keys = [c for c in out.columns if c not in {*cols, "metric", "unit", "note"}]
    metric = out["metric"].astype("string").fillna("")
    hidden = {
        (str(m), *k): [isinstance(v, str) for v in vals]
        for m, k, vals in zip(
            metric,
            out[keys].itertuples(index=False, name=None),
            out[cols].itertuples(index=False, name=None),
            strict=True,
        )
        if str(m) in set(DERIVED_FROM_PEOPLE.values())
    }
    for i, (m, k) in enumerate(
        zip(metric, out[keys].itertuples(index=False, name=None), strict=True)
    ):
        flags = hidden.get((DERIVED_FROM_PEOPLE.get(str(m), ""), *k))
        for c, hide in zip(cols, flags or (), strict=False):
            if hide:
                out.iat[i, list(out.columns).index(c)] = "x"


def _hide_costs_of_hidden_people(out: pd.DataFrame, cols: list[str]) -> None:
    """Support cost is population × fixed rates: where a population is hidden, hide its cost
    (``"x"``), or the cost would give the count back; and hide the totals over nationalities
    (``support_population``, ``support_cost_eur``), or total minus the shown ones would."""
    if "metric" not in out.columns:
        return
    metric = out["metric"].astype("string")
    keys = [c for c in out.columns if c not in {*cols, "metric", "unit", "note"}]
    pop = out[metric.str.startswith("support_population").fillna(False).to_numpy(bool)]
    if pop.empty:
        return
    hidden_pop = {
        (str(m).replace("support_population", "support_cost_eur", 1), *k): [
            isinstance(v, str) for v in vals
        ]
        for m, k, vals in zip(
            pop["metric"],
            pop[keys].itertuples(index=False, name=None),
            pop[cols].itertuples(index=False, name=None),
            strict=True,
        )
    }
    # the totals over nationalities, less the shown nationalities, would give a hidden one back
    groups_hiding = {
        tuple(k) for (m, *k), flags in hidden_pop.items() if m != "support_cost_eur" and any(flags)
    }
    for i, (m, k) in enumerate(
        zip(out["metric"], out[keys].itertuples(index=False, name=None), strict=True)
    ):
        if str(m) in ("support_population", "support_cost_eur") and tuple(k) in groups_hiding:
            for c in cols:
                out.iat[i, list(out.columns).index(c)] = "x"
            continue
        flags = hidden_pop.get((str(m), *k))
        if flags and any(flags):
            for c, hide in zip(cols, flags, strict=True):
                if hide:
                    out.iat[i, list(out.columns).index(c)] = "x"


class PublishedColumn(NamedTuple):
    """A published column read cell by cell (see :func:`read_published`).

    Attributes
    ----------
    numbers : Series
        ``Float64``: the published numbers; NA where a cell is suppressed or unknown, so that
        nothing drawn from it can show a suppressed size.
    marks : Series
        ``string``: the label of each suppressed cell (``"<5"``, ``"x"``); NA elsewhere.
    """

    numbers: pd.Series
    marks: pd.Series

    @property
    def suppressed(self) -> pd.Series:
        """Boolean mask of the suppressed cells."""
        return self.marks.notna()


def read_published(values: pd.Series) -> PublishedColumn:
    """Which cells of a published column are suppressed, with their labels, and the numbers.

    A numeric column has no suppressed cell; in a text or object column a cell reading like
    ``"<5"`` (primary) or ``"x"`` (secondary) is suppressed, and other cells are read as numbers
    (text that is no number counts as unknown).

    Parameters
    ----------
    values : Series
        A column as :func:`suppress_counts`, :func:`published` or :func:`publish_column` return.

    Returns
    -------
    PublishedColumn

    Examples
    --------
    >>> cells = read_published(pd.Series([12, "<5", 0, "x"], dtype=object))
    >>> cells.numbers.tolist(), cells.marks.tolist()
    ([12.0, <NA>, 0.0, <NA>], [<NA>, '<5', <NA>, 'x'])
    """
    index = values.index
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return PublishedColumn(
            values.astype("Float64"), pd.Series(pd.NA, index=index, dtype="string")
        )
    as_text = values.astype("string").str.strip()
    marked = as_text.str.fullmatch(SUPPRESSED_RE.pattern).fillna(False).astype(bool)
    numbers = pd.to_numeric(as_text.mask(marked), errors="coerce").astype("Float64")
    return PublishedColumn(numbers, as_text.where(marked))


def publish_column(values: pd.Series, threshold: int = config.SUPPRESSION_THRESHOLD) -> pd.Series:
    """Publish one column of people counts drawn on its own (a chart's bars or cells).

    Counts 1..threshold-1 become ``"<threshold"`` (:func:`suppress_counts` with independent
    cells: a chart prints no total); cells published already (``"<5"``, ``"x"``) stay as they
    are, so the function can be applied to its own output.

    Parameters
    ----------
    values : Series
        Whole numbers >= 0 (NA for unknown), possibly with suppressed text cells.
    threshold : int
        Smallest count shown as a number.

    Returns
    -------
    Series
        Object values: ``int``, a label, or NA; same index.

    Examples
    --------
    >>> publish_column(pd.Series([0, 3, 12, pd.NA])).tolist()
    [0, '<5', 12, <NA>]
    """
    cells = read_published(values)
    frame = pd.DataFrame({"n": cells.numbers})
    shown = suppress_counts(frame, ["n"], threshold, sums=None)["n"]
    return shown.where(cells.marks.isna(), cells.marks.astype(object))


# ------------------------------------------------------------------------------------------------
# Internals
# ------------------------------------------------------------------------------------------------


def _totals_mode(totals: Totals) -> str:
    if totals is True:
        return "both"
    if totals is False or totals is None:
        return "none"
    if totals in ("both", "row", "column", "none"):
        return str(totals)
    raise ValueError(
        f"totals must be True, False, 'both', 'row', 'column' or 'none'; got {totals!r}."
    )


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1:
        raise ValueError(f"threshold must be an integer >= 1; got {threshold!r}.")
    if threshold == 2:  # zeros are published, so "<2" could only mean 1
        raise ValueError(
            "threshold=2 would publish '<2', which can only mean 1 since zeros are shown; "
            "use 1 (no suppression) or 3 and up."
        )


def _counts(frame: pd.DataFrame, where: str) -> np.ndarray:
    """Counts as float64 (NaN for NA); raise unless whole numbers >= 0."""
    try:
        a = frame.apply(pd.to_numeric, errors="raise").astype("Float64")
        a = a.to_numpy(np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"{where}: counts must be numbers ({exc}).") from None
    bad = ~np.isnan(a) & ((a < 0) | (a != np.round(a)) | ~np.isfinite(a))
    if bad.any():
        raise SchemaError(
            f"{where}: counts must be whole numbers >= 0; got {a[bad][:3].tolist()}. "
            "Suppress raw headcounts, not shares or means."
        )
    return a


def _display(
    values: np.ndarray, primary: np.ndarray, secondary: np.ndarray, labels: tuple[str, str]
) -> np.ndarray:
    """Object array of what is published: int, a label, or NA."""
    out = np.empty(values.shape, dtype=object)
    na = np.isnan(values)
    out[~na] = [int(v) for v in values[~na]]
    out[na] = pd.NA
    out[primary] = labels[0]
    out[secondary] = labels[1]
    return out


class _System:
    """Linear equations "cells add up to a total" over a 2-D array of counts.

    Cells are numbered row-major. Each equation is a set of (cell, coefficient) pairs: +1 for
    the cells that add up, -1 for their total. NA cells are known to add 0 (totals skip them);
    an equation whose total is NA says nothing and is dropped.
    """

    def __init__(
        self,
        values: np.ndarray,
        threshold: int,
        lines: Sequence[tuple[np.ndarray, np.ndarray]],
        margin: np.ndarray,
    ) -> None:
        flat = values.reshape(-1)
        self.threshold = threshold
        eqs, cells, coefs = [], [], []
        n_eq = 0
        for members, totals in lines:  # a few groups of equations (rows, columns, sums)
            keep = ~np.isnan(flat[totals]) if len(totals) else np.zeros(0, bool)
            members, totals = members[keep], totals[keep]
            k, m = members.shape
            eqs += [np.repeat(np.arange(k), m) + n_eq, np.arange(k) + n_eq]
            cells += [members.reshape(-1), totals]
            coefs += [np.ones(k * m), -np.ones(k)]
            n_eq += k
        self.n_eq = n_eq
        self.eq = np.concatenate(eqs).astype(np.int64) if eqs else np.zeros(0, np.int64)
        self.cell = np.concatenate(cells).astype(np.int64) if cells else np.zeros(0, np.int64)
        self.coef = np.concatenate(coefs) if coefs else np.zeros(0)
        self.value = np.nan_to_num(flat, nan=0.0)
        self.known_na = np.isnan(flat)
        self.margin = margin.reshape(-1)

    @classmethod
    def of_table(cls, ext: np.ndarray, threshold: int, row_tot: bool, col_tot: bool) -> _System:
        """Rows sum to the last column (``row_tot``), columns to the last row (``col_tot``)."""
        n_r, n_c = ext.shape
        r_in, c_in = n_r - int(col_tot), n_c - int(row_tot)
        idx = np.arange(n_r * n_c).reshape(n_r, n_c)
        lines = []
        margin = np.zeros(ext.shape, bool)
        if row_tot:
            lines.append((idx[:, :c_in], idx[:, -1]))
            margin[:, -1] = True
        if col_tot:
            lines.append((idx[:r_in, :].T, idx[-1, :]))
            margin[-1, :] = True
        return cls(ext, threshold, lines, margin)

    def bounds(
        self, suppressed: np.ndarray, primary: np.ndarray, loose: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Tightest intervals of every cell that propagating all equations gives (flat).

        A reader knows a primary cell is 1..threshold-1 and a secondary one at least the
        threshold; a ``loose`` cell (a small total shown as secondary) only that it is positive.
        """
        sup = suppressed.reshape(-1)
        pri = primary.reshape(-1)
        lse = np.zeros_like(sup) if loose is None else loose.reshape(-1)
        pri = pri & ~lse
        v = self.value
        lo = np.where(sup, np.where(pri | lse, 1.0, float(self.threshold)), v)
        hi = np.where(sup, np.where(pri, float(self.threshold - 1), np.inf), v)
        if self.n_eq == 0 or not sup.any():
            return lo, hi
        eq, cell, coef = self.eq, self.cell, self.coef
        s = sup[cell]
        eq, cell, coef = eq[s], cell[s], coef[s]
        # sum over suppressed cells of coef * x  =  K  =  -(sum over published of coef * value)
        pub = ~sup[self.cell]
        k_eq = -np.bincount(
            self.eq[pub], weights=self.coef[pub] * v[self.cell[pub]], minlength=self.n_eq
        )
        k = k_eq[eq]
        pos = coef > 0
        for _ in range(_MAX_PASSES):
            lc, hc = lo[cell], hi[cell]
            cmin = np.where(pos, lc, -hc)  # smallest and largest value of each term coef * x
            cmax = np.where(pos, hc, -lc)
            inf_min, inf_max = np.isinf(cmin), np.isinf(cmax)
            n_inf_min = np.bincount(eq, weights=inf_min, minlength=self.n_eq)[eq] - inf_min
            n_inf_max = np.bincount(eq, weights=inf_max, minlength=self.n_eq)[eq] - inf_max
            fin_min = np.where(inf_min, 0.0, cmin)
            fin_max = np.where(inf_max, 0.0, cmax)
            rest_min = np.bincount(eq, weights=fin_min, minlength=self.n_eq)[eq] - fin_min
            rest_max = np.bincount(eq, weights=fin_max, minlength=self.n_eq)[eq] - fin_max
            rest_min = np.where(n_inf_min > 0, -np.inf, rest_min)
            rest_max = np.where(n_inf_max > 0, np.inf, rest_max)
            # coef * x = K - rest  ->  x in [K - rest_max, K - rest_min] (coef +1), or negated
            new_lo = np.where(pos, k - rest_max, rest_min - k)
            new_hi = np.where(pos, k - rest_min, rest_max - k)
            lo2, hi2 = lo.copy(), hi.copy()
            np.maximum.at(lo2, cell, new_lo)
            np.minimum.at(hi2, cell, new_hi)
            if np.array_equal(lo2, lo) and np.array_equal(hi2, hi):
                break
            lo, hi = lo2, hi2
        return lo, hi

    def linked_eqs(self, cell: int) -> np.ndarray:
        """The equations linked to ``cell`` through chains of shared cells."""
        if not hasattr(self, "_component"):
            label = np.arange(len(self.value))
            for _ in range(len(self.value)):  # label propagation; a few passes on real tables
                low = np.full(self.n_eq, len(self.value))
                np.minimum.at(low, self.eq, label[self.cell])
                new = label.copy()
                np.minimum.at(new, self.cell, low[self.eq])
                if np.array_equal(new, label):
                    break
                label = new
            self._component = label
        comp = self._component
        return np.unique(self.eq[comp[self.cell] == comp[cell]])

    def lines_of(self, cell: int) -> np.ndarray:
        """The equations through ``cell``."""
        return self.eq[self.cell == cell]

    def cells_of(self, eqs: np.ndarray) -> np.ndarray:
        """The cells of equations ``eqs``."""
        return self.cell[np.isin(self.eq, eqs)]


def _table_with_totals(counts: np.ndarray, *, row_tot: bool, col_tot: bool) -> np.ndarray:
    """The table with a total column and/or row appended (sums of known cells; NA if none)."""
    n_r, n_c = counts.shape
    ext = np.full((n_r + int(col_tot), n_c + int(row_tot)), np.nan)
    ext[:n_r, :n_c] = counts

    def total(a: np.ndarray, axis: int) -> np.ndarray:
        known = ~np.isnan(a)
        return np.where(known.any(axis=axis), np.nansum(a, axis=axis), np.nan)

    if row_tot:
        ext[:n_r, n_c] = total(counts, 1) if n_c else np.nan
    if col_tot:
        ext[n_r, :n_c] = total(counts, 0) if n_r else np.nan
        if row_tot:
            ext[n_r, n_c] = total(counts.reshape(1, -1), 1)[0] if counts.size else np.nan
    return ext


def _primary(values: np.ndarray, threshold: int) -> np.ndarray:
    return ~np.isnan(values) & (values >= 1) & (values < threshold)


def _secondary(
    system: _System, primary: np.ndarray, where: str, *, widen_totals: bool = False
) -> np.ndarray:
    """Hide more cells until propagating the equations pins no hidden cell to one value.

    ``widen_totals``: where nothing is left to hide, show a small total with the secondary label
    (flat tables of :func:`suppress_counts`, whose readers are told ``x`` may be any count).
    """
    primary = np.ascontiguousarray(primary)
    sec = np.zeros(primary.size, bool)  # flat, row-major like the system's cell numbers
    if system.n_eq == 0 or not primary.any():
        return sec.reshape(primary.shape)
    candidate_ok = (system.value > 0) & ~system.known_na
    while True:
        hidden = primary | sec.reshape(primary.shape)
        sup = hidden.reshape(-1)
        lo, hi = system.bounds(hidden, primary, (primary & sec.reshape(primary.shape)))
        exposed = np.flatnonzero(sup & (lo == hi))
        if not len(exposed):
            break
        touched: set[int] = set()
        added = False
        for cell in exposed:  # a few exposed cells per round, not rows of data
            eqs = system.lines_of(int(cell))
            if touched.intersection(system.cells_of(eqs).tolist()):
                continue  # a suppression added this round already changed its line
            pick = _pick(system, eqs, sup, candidate_ok)
            if pick is None:  # its lines have nothing left: any cell linked to it by totals
                pick = _pick(system, system.linked_eqs(int(cell)), sup, candidate_ok)
            if pick is None:
                continue
            sec[pick] = True
            sup[pick] = True
            touched.add(pick)
            added = True
        if not added:
            # every non-zero cell is hidden already (e.g. four groups of 1 adding up to "<5"):
            # show a small total as "x" too, so that a reader no longer knows it is below the
            # threshold and cannot pin its parts
            pri_flat = primary.reshape(-1)
            near = system.cells_of(
                np.unique(np.concatenate([system.lines_of(int(c)) for c in exposed]))
            )
            widen = [
                int(c) for c in np.unique(near) if system.margin[c] and pri_flat[c] and not sec[c]
            ]
            if widen and widen_totals:
                sec[widen[0]] = True
                continue
            warnings.warn(
                f"{where}: {len(exposed)} suppressed cell(s) can still be derived exactly, "
                "although every non-zero cell is hidden (the table is too small or too sparse "
                "for its totals). Merge rows or columns, or publish it without totals.",
                UserWarning,
                stacklevel=3,
            )
            break
    return sec.reshape(primary.shape)


def _pick(
    system: _System, eqs: np.ndarray, sup: np.ndarray, candidate_ok: np.ndarray
) -> int | None:
    """The cell to hide next in equations ``eqs``.

    Preference: a cell before a total; a cell whose *other* line already holds a suppressed cell
    (so the new suppression is not alone there and needs no partner of its own); the smallest
    count; the first.
    """
    sup_per_eq = np.bincount(system.eq, weights=sup[system.cell], minlength=system.n_eq)
    through = np.bincount(system.cell, weights=sup_per_eq[system.eq], minlength=len(sup))
    on = np.isin(system.eq, eqs)
    cand, via = system.cell[on], system.eq[on]
    cross = through[cand] - sup_per_eq[via]
    ok = ~sup[cand] & candidate_ok[cand]
    cand, cross = cand[ok], cross[ok]
    if not len(cand):
        return None
    order = np.lexsort((cand, system.value[cand], cross <= 0, system.margin[cand]))
    return int(cand[order[0]])
