"""Charts in one house style, in English or Dutch: they draw tidy frames and never compute.

Every ``plot_<thing>`` takes a frame as produced by :mod:`kvanalytics.exposure` (or the scenario
engine), draws it and returns the Axes (the multi-panel charts return an array of Axes). They
never aggregate: a frame with more than one row per bar or cell raises :class:`SchemaError` naming
the keys to aggregate by first. They never mutate their input and never call ``plt.show``.

Charts never decide what is suppressed (DESIGN.md, "Small-cell suppression"); they draw what
:mod:`kvanalytics.privacy` publishes:

- A frame already published (people cells ``"<5"`` / ``"x"`` from
  :func:`kvanalytics.privacy.suppress_counts` or :func:`kvanalytics.privacy.published`) is drawn
  as it is; :func:`kvanalytics.privacy.read_published` says which cells are suppressed.
- People counts still given as numbers are published first, with one call to privacy
  (:func:`~kvanalytics.privacy.publish_column` for a column of bars or cells,
  :func:`~kvanalytics.privacy.published` for scenario ranges), unless ``suppress=False``
  (internal use). People counts that privacy cannot publish (not whole numbers >= 0) are refused
  with a :class:`SchemaError`.

A suppressed cell is drawn hatched, labelled with its mark, with a length or colour that is the
same for every suppressed cell, so no chart reveals a suppressed number. Which columns count
people is :func:`kvanalytics.schemas.is_people_column`.

Labels and number formats come from :mod:`kvanalytics.i18n` (``label`` and ``format_number`` are
re-exported here).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import config, i18n, normalise, privacy
from .errors import SchemaError
from .i18n import LANGS, format_number, label
from .scenarios import Impact, compare
from .schemas import GROUPS, is_people_column
from .tables import value_label

__all__ = [
    "GROUP_COLOURS",
    "HOUSE_RC",
    "LANGS",
    "PALETTE",
    "TIER_COLOURS",
    "UNKNOWN_TIER_COLOUR",
    "format_number",
    "house_style",
    "label",
    "number_formatter",
    "plot_compare",
    "plot_heatmap",
    "plot_impact_comparison",
    "plot_impact_timeline",
    "plot_people",
    "plot_quarterly_trends",
    "plot_risk_tiers_over_time",
    "plot_top_countries",
    "save_figure",
    "tier_colour",
    "tier_name",
    "use_house_style",
    "wrap_label",
]

#: Okabe & Ito (2008) colour-blind-safe qualitative palette, blue first.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Fixed colours of people groups, the same in every chart.
GROUP_COLOURS: Mapping[str, str] = dict(
    zip(GROUPS, ("#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7"), strict=True)
)
#: Risk tiers 0 none (grey), then a single-hue sequential ramp (ColorBrewer YlOrBr), which stays
#: ordered by lightness under every colour-vision deficiency and in grey-scale print.
TIER_COLOURS: Mapping[int, str] = {0: "#BBBBBB", 1: "#FEC44F", 2: "#EC7014", 3: "#993404"}
#: Tier not known (NA): white with a grey outline.
UNKNOWN_TIER_COLOUR = "#FFFFFF"
_EDGE = "#777777"
_HATCH = "////"
_SUPPRESSED_FACE = "#F0F0F0"

#: House style: readable on A4 (7 in wide at 10 pt) and on a slide; light grid, no top/right spine.
HOUSE_RC: dict[Any, Any] = {
    "figure.figsize": (7.0, 4.5),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "savefig.dpi": 150,
    "savefig.facecolor": "white",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 10,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#666666",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "grid.color": "#E2E2E2",
    "grid.linewidth": 0.7,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "text.color": "#222222",
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
    "hatch.color": "#888888",
    "lines.linewidth": 1.8,
    "svg.hashsalt": "kvanalytics",
}

_QUARTER_RE = re.compile(r"\d{4}Q[1-4]")
_QUARTER_LABEL_INCHES = 0.8  # room a quarter tick label ("2026 Q3") needs on the x axis
#: Characters per line of a category label (faculty, country, partner) before it wraps.
LABEL_WIDTH = 28
#: Characters per inch of a title at the house style's sizes (12 pt bold; 10 pt panel titles).
_TITLE_CHARS_PER_INCH = 9.0
_PANEL_CHARS_PER_INCH = 10.0
#: The metrics :func:`plot_compare` draws by default (those present in the impacts).
COMPARE_METRICS = (
    "agreements_frozen",
    "agreements_cancelled",
    "agreements_reviewed",
    "value_eur_stopped",
    "exchange_in_stopped",
    "exchange_out_recalled",
    "support_population",
)


# --------------------------------------------------------------------------------------------
# Numbers and style
# --------------------------------------------------------------------------------------------


def number_formatter(
    lang: str = "en", decimals: int = 0, *, percent: bool = False
) -> FuncFormatter:
    """A matplotlib tick formatter writing numbers the way :func:`format_number` does.

    Examples
    --------
    >>> number_formatter("nl")(1653, 0)
    '1.653'
    """
    return FuncFormatter(i18n.number_formatter(lang, decimals, percent=percent))


def use_house_style() -> None:
    """Apply the house style globally (for a notebook session); see :data:`HOUSE_RC`.

    Examples
    --------
    >>> use_house_style()  # doctest: +SKIP
    """
    mpl.rcParams.update(HOUSE_RC)


@contextmanager
def house_style() -> Iterator[None]:
    """Context manager: the house style inside the ``with`` block only.

    Every ``plot_*`` function draws inside it, so charts look the same whatever the session's
    settings.

    Examples
    --------
    >>> with house_style():
    ...     fig, ax = plt.subplots()  # doctest: +SKIP
    """
    with mpl.rc_context(HOUSE_RC):
        yield


def tier_colour(tier: Any) -> str:
    """Colour of a risk tier (0 none grey ... 3 restricted dark brown; NA white).

    Examples
    --------
    >>> tier_colour(0), tier_colour(pd.NA)
    ('#BBBBBB', '#FFFFFF')
    """
    if tier is None or pd.isna(tier):
        return UNKNOWN_TIER_COLOUR
    return TIER_COLOURS[int(tier)]


def tier_name(tier: Any, lang: str = "en") -> str:
    """Display name of a risk tier: none / watch / high / restricted (geen / let op / hoog / beperkt).

    Examples
    --------
    >>> tier_name(3, "nl")
    'beperkt'
    """
    if tier is None or pd.isna(tier):
        return label("tier_na", lang)
    return label(f"tier_{int(tier)}", lang)


# --------------------------------------------------------------------------------------------
# Frame checks and published cells (private)
# --------------------------------------------------------------------------------------------


def _require(df: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{where} draws a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{where}: the frame has no column(s) {missing}; it has {list(df.columns)}. "
            "Pass the column names as arguments or build the frame with kvanalytics.exposure."
        )


def _require_unique(df: pd.DataFrame, keys: Sequence[str], where: str) -> None:
    dup = df.duplicated(subset=list(keys), keep=False)
    if dup.any():
        example = df.loc[dup, list(keys)].drop_duplicates().head(2).to_dict("records")
        raise SchemaError(
            f"{where} draws one row per {' × '.join(keys)} but {int(dup.sum())} rows share keys, "
            f"e.g. {example}. Plots never aggregate: aggregate by {list(keys)} first "
            "(kvanalytics.exposure with the matching `by`)."
        )


def _cells(
    values: pd.Series, *, people: bool, suppress: bool, threshold: int, where: str
) -> privacy.PublishedColumn:
    """The cells of a column as drawn: published by privacy first when they count people.

    Cells suppressed upstream (``"<5"``) are recognised whatever ``suppress`` says.
    """
    if suppress and people:
        try:
            values = privacy.publish_column(values, threshold)
        except SchemaError as exc:
            raise SchemaError(
                f"{where}: {values.name!r} counts people and cannot be published: {exc} "
                "Pass suppress=False for a column that does not count people."
            ) from None
    return privacy.read_published(values)


def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """A label broken into lines of at most ``width`` characters at spaces (and after hyphens).

    Never cut: every character is kept; a single word longer than ``width`` stays whole.

    Examples
    --------
    >>> wrap_label("Faculteit der Maatschappij- en Gedragswetenschappen", 28).splitlines()
    ['Faculteit der Maatschappij-', 'en Gedragswetenschappen']
    """
    lines = [
        textwrap.fill(part, max(1, width), break_long_words=False, break_on_hyphens=True)
        for part in str(text).split("\n")
    ]
    return "\n".join(lines)


def _display_keys(keys: pd.Series, column: str, lang: str) -> list[str]:
    """Display labels of key values (wrapped): country names for ``country``, else the values."""
    return [wrap_label(v) for v in _key_names(keys, column, lang)]


def _key_names(keys: pd.Series, column: str, lang: str) -> list[str]:
    text = keys.astype("string").fillna(label("unknown", lang))
    if column not in ("country", "nationality"):
        return [str(v) for v in text]
    # looked up when drawing: a build without country names (or a test) may take it away
    country_name = getattr(normalise, "country_name", None)
    if country_name is None:
        return [str(v) for v in text]
    names = pd.Series(country_name(keys.astype("string"), lang)).astype("string")
    if len(names) != len(text):
        return [str(v) for v in text]
    aligned = pd.Series(names.to_numpy(), index=text.index, dtype="string").fillna(text)
    return [str(v) for v in aligned]


def _tiers(df: pd.DataFrame, where: str) -> pd.Series:
    if "risk_tier" not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="Int64")
    tiers = pd.to_numeric(df["risk_tier"], errors="coerce").astype("Float64")
    bad = tiers.notna() & ~tiers.isin(list(TIER_COLOURS))
    if bad.any():
        raise SchemaError(
            f"{where}: risk_tier must be 0, 1, 2, 3 or NA; found {sorted(set(tiers[bad]))}"
        )
    return tiers.astype("Int64")


def _quarter_order(df: pd.DataFrame) -> list[str]:
    """Quarters in time order: by ``quarter_end`` when present, else by the label."""
    if "quarter_end" in df.columns:
        ends = (
            pd.DataFrame({"q": df["quarter"].astype("string"), "e": df["quarter_end"]})
            .drop_duplicates("q")
            .sort_values(["e", "q"])
        )
        return [str(q) for q in ends["q"]]
    return sorted(str(q) for q in df["quarter"].astype("string").dropna().unique())


# --------------------------------------------------------------------------------------------
# Shared drawing steps (private): axes, panels, legends, suppressed cells
# --------------------------------------------------------------------------------------------


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _fig, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def _panels(n: int, ncols: int, figsize: tuple[float, float], **kwargs: Any) -> tuple[Any, list]:
    """A figure with ``n`` panels in rows of ``ncols``; unused grid cells are removed."""
    nrow = math.ceil(n / ncols)
    fig, grid = plt.subplots(
        nrow, ncols, figsize=figsize, squeeze=False, layout="constrained", **kwargs
    )
    flat = list(grid.ravel())
    for extra in flat[n:]:
        extra.remove()
    return fig, flat[:n]


def _style_axes(ax: Axes, grid: Literal["x", "y", "none"]) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(False)
    if grid != "none":
        ax.grid(True, axis=grid, color=HOUSE_RC["grid.color"], linewidth=HOUSE_RC["grid.linewidth"])
    ax.set_axisbelow(True)


def _value_axis(
    axis: Axis, lang: str, decimals: int = 0, *, percent: bool = False, integer: bool = False
) -> None:
    """Numbers of ``lang`` on a value axis; whole-number ticks when ``integer``."""
    axis.set_major_formatter(number_formatter(lang, decimals, percent=percent))
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))


def _quarter_label(quarter: str, lang: str) -> str:
    """``2026Q3`` as a reader writes it: ``2026 Q3`` (en), ``2026 K3`` (nl); other text as is."""
    return i18n.format_quarter(quarter, lang) if _QUARTER_RE.fullmatch(quarter) else quarter


def _quarter_ticks(ax: Axes, quarters: Sequence[str], max_labels: int, lang: str = "en") -> None:
    """Label at most ``max_labels`` quarters, and no more than fit side by side on the axes
    (about 0.8 inch a label, "2026 Q3"); when thinning, prefer whole years (Q1) or halves."""
    n = len(quarters)
    width_in = ax.get_position().width * _figure_of(ax).get_figwidth()
    max_labels = min(max_labels, max(2, int(width_in / _QUARTER_LABEL_INCHES)))
    step = max(1, math.ceil(n / max(1, max_labels)))
    start = 0
    if step > 1 and all(_QUARTER_RE.fullmatch(q) for q in quarters):
        step = 2 if step == 2 else 4 * math.ceil(step / 4)
        wanted = ("1",) if step >= 4 else ("1", "3")
        start = next((i for i, q in enumerate(quarters) if q[-1] in wanted), 0)
    positions = list(range(start, n, step))
    ax.set_xticks(positions, [_quarter_label(quarters[i], lang) for i in positions])
    ax.set_xticks(range(n), minor=True)
    ax.tick_params(axis="x", which="minor", length=2)
    ax.set_xlim(-0.6, n - 0.4)


def _suppressed_patch(threshold: int, lang: str) -> Patch:
    return Patch(
        facecolor=_SUPPRESSED_FACE,
        edgecolor=_EDGE,
        hatch=_HATCH,
        linewidth=0.6,
        label=label("suppressed", lang, threshold=threshold),
    )


def _with_suppressed(handles: list[Patch], any_marked: bool, threshold: int, lang: str) -> list:
    """Legend handles, with the hatch explained when a suppressed cell is drawn."""
    return [*handles, _suppressed_patch(threshold, lang)] if any_marked else handles


def _hatched(edge: str) -> dict[str, Any]:
    """Style of a suppressed bar or segment: white, hatched, outlined in its series colour."""
    return {"color": "white", "edgecolor": edge, "hatch": _HATCH, "linewidth": 0.8}


def _mark_text(
    ax: Axes, x: float, y: float, text: str, *, fontsize: float, pad: float, **box: Any
) -> None:
    """The label of a suppressed cell (``"<5"``), centred on a white box over the hatch."""
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=fontsize,
        color="#222222",
        zorder=3,
        bbox={"boxstyle": f"round,pad={pad}", "facecolor": "white", "edgecolor": "none", **box},
    )


def _tier_patches(tiers: Sequence[Any], lang: str) -> list[Patch]:
    handles = [
        Patch(facecolor=TIER_COLOURS[t], edgecolor="none", label=tier_name(t, lang))
        for t in sorted(TIER_COLOURS)
    ]
    if any(t is None or pd.isna(t) for t in tiers):
        handles.append(
            Patch(
                facecolor=UNKNOWN_TIER_COLOUR,
                edgecolor=_EDGE,
                linewidth=0.8,
                label=tier_name(None, lang),
            )
        )
    return handles


def _title(ax: Axes, title: str | None, key: str, lang: str, **fields: Any) -> None:
    """The chart's title: ``title`` when given, else the label ``key`` filled with ``fields``.

    Wrapped to the figure's width, so a long title (or a long Dutch one) is never clipped.
    """
    text = title if title is not None else label(key, lang, **fields)
    ax.set_title(_fit(text, _figure_of(ax).get_figwidth(), _TITLE_CHARS_PER_INCH), loc="left")


def _fit(text: str, inches: float, per_inch: float) -> str:
    """``text`` wrapped to what fits in ``inches`` at ``per_inch`` characters per inch."""
    return wrap_label(text, max(12, int(inches * per_inch)))


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    """A heatmap's cells: values (NaN blank or suppressed), marks and the display order."""

    rows: list[str]
    cols: list[str]
    data: np.ndarray
    marked: np.ndarray
    marks: np.ndarray


def _heatmap_grid(
    df: pd.DataFrame, cells: privacy.PublishedColumn, row: str, col: str, top: int | None, lang: str
) -> _Grid:
    """Pivot the published cells to the drawn grid: rows by their shown total, cut to ``top``."""
    long = pd.DataFrame(
        {
            "r": df[row].astype("string").fillna(label("unknown", lang)),
            "c": df[col].astype("string").fillna(label("unknown", lang)),
            "v": cells.numbers.astype("float64"),
            "m": cells.suppressed,
            "t": cells.marks.fillna(""),
        }
    )
    # Display order only: rows by their shown total, so the order reveals no suppressed cell.
    order = (
        long.groupby("r", sort=False)["v"]
        .sum(min_count=0)
        .rename("total")
        .reset_index()
        .sort_values(["total", "r"], ascending=[False, True], kind="stable")
    )
    rows = order["r"].tolist()[: top if top is not None else None]
    if isinstance(df[col].dtype, pd.CategoricalDtype):
        present = set(long["c"])
        cols = [str(c) for c in df[col].cat.categories if str(c) in present]
        cols += [c for c in pd.unique(long["c"]) if c not in cols]
    else:
        cols = list(pd.unique(long["c"]))
    shown = long[long["r"].isin(rows)]

    def pivot(values: str) -> pd.DataFrame:
        return shown.pivot(index="r", columns="c", values=values).reindex(index=rows, columns=cols)

    return _Grid(
        rows=rows,
        cols=cols,
        data=pivot("v").to_numpy(dtype=float, na_value=np.nan),
        marked=pivot("m").fillna(False).astype(bool).to_numpy(),
        marks=pivot("t").fillna("").to_numpy(),
    )


def _heatmap_annotations(data: np.ndarray, value: str, lang: str, decimals: int) -> np.ndarray:
    if not data.size:
        return data.astype(object)
    return np.vectorize(
        lambda x: i18n.format_value(x, value, lang, decimals) if np.isfinite(x) else "",
        otypes=[object],
    )(data)


def _hatch_heatmap_cells(ax: Axes, grid: _Grid, threshold: int) -> None:
    """Cover each suppressed cell with the hatch and write its mark (``"<5"``) on it."""
    for i, j in zip(*np.nonzero(grid.marked), strict=True):
        ax.add_patch(
            Rectangle(
                (j, i),
                1,
                1,
                facecolor=_SUPPRESSED_FACE,
                edgecolor=_EDGE,
                hatch=_HATCH,
                linewidth=0,
                zorder=2,
            )
        )
        text = grid.marks[i, j] or f"<{threshold}"
        _mark_text(ax, j + 0.5, i + 0.5, text, fontsize=8, pad=0.15)


def _heatmap_size(row_labels: list[str], col_labels: list[str]) -> tuple[float, float]:
    """Inches for a heatmap: rows tall enough for their wrapped labels, room for column labels."""
    row_lines = max((lbl.count("\n") + 1 for lbl in row_labels), default=1)
    col_lines = max((lbl.count("\n") + 1 for lbl in col_labels), default=1)
    widest_col = max((len(line) for lbl in col_labels for line in lbl.split("\n")), default=0)
    rotation = _col_rotation(col_labels)
    col_room = {0: 0.16 * col_lines, 30: 0.035 * widest_col, 90: 0.075 * widest_col}[rotation]
    row_height = max(0.32, 0.16 * row_lines + 0.08)
    return (
        max(5.0, 1.1 * len(col_labels) + 3.0),
        max(2.5, row_height * len(row_labels) + 1.4 + col_room),
    )


def _heatmap_ticks(ax: Axes, row_labels: list[str], col_labels: list[str]) -> None:
    ax.tick_params(axis="both", length=0)
    ax.grid(False)
    ax.set_yticks(np.arange(len(row_labels)) + 0.5, row_labels, rotation=0)
    rotation = _col_rotation(col_labels)
    ax.set_xticks(
        np.arange(len(col_labels)) + 0.5,
        col_labels,
        rotation=rotation,
        ha="right" if rotation == 30 else "center",
        va="top",
        rotation_mode="anchor" if rotation == 30 else "default",
    )


def _col_rotation(col_labels: list[str]) -> int:
    """0 for short column labels, 30 degrees for long one-line ones, 90 for wrapped ones
    (their lines then stand side by side within the column, never over a neighbour's)."""
    if any("\n" in lbl for lbl in col_labels):
        return 90
    return 30 if max((len(c) for c in col_labels), default=0) > 8 else 0


def plot_heatmap(
    df: pd.DataFrame,
    *,
    value: str = "agreements_active",
    row: str = "country",
    col: str = "faculty",
    top: int | None = 25,
    ax: Axes | None = None,
    lang: str = "en",
    suppress: bool = True,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    annotate: bool = True,
    cmap: str = "Blues",
    title: str | None = None,
) -> Axes:
    """Heatmap of a value by two keys (country × faculty), annotated.

    Rows are ordered by their total of *shown* cells (largest first) and cut to ``top``; columns
    keep the frame's order (or its categorical order). A missing combination stays blank, zero is
    drawn as 0. When ``value`` is a people column, its cells are published by
    :func:`kvanalytics.privacy.publish_column` (unless published already) and suppressed cells
    are drawn hatched and labelled ``"<5"``, without colour.

    Parameters
    ----------
    df : DataFrame
        One row per ``row`` × ``col`` with a ``value`` column (an exposure table by both keys).
    value, row, col : str
        Column names. Country codes in ``row``/``col`` named ``country`` show as names.
    top : int or None
        Number of rows to show (None: all).
    ax : Axes, optional
        Where to draw; a new figure sized to the table when None.
    lang : {"en", "nl"}
        Labels and number format.
    suppress : bool
        Publish people values before drawing (default on; keep it on for publishing).
    threshold : int
        Smallest count shown as a number.
    annotate : bool
        Write the value in each cell.
    cmap : str
        A sequential colour map (default ColorBrewer "Blues", colour-blind-safe).
    title : str, optional
        Default: "<value> by <row> and <col>".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"country": ["CN", "CN", "US"], "faculty": ["Law", "Science", "Law"],
    ...                       "agreements_active": [3, 12, 40]})
    >>> ax = plot_heatmap(table)  # doctest: +SKIP
    """
    import seaborn as sns  # heavy (~0.4 s) and only this chart needs it: imported when drawn

    i18n.check_lang(lang)
    where = "plot_heatmap"
    _require(df, [row, col, value], where)
    _require_unique(df, [row, col], where)
    people = is_people_column(value)
    cells = _cells(df[value], people=people, suppress=suppress, threshold=threshold, where=where)
    grid = _heatmap_grid(df, cells, row, col, top, lang)
    data = grid.data
    row_labels = _display_keys(pd.Series(grid.rows, dtype="string"), row, lang)
    col_labels = _display_keys(pd.Series(grid.cols, dtype="string"), col, lang)
    decimals = i18n.decimals_of(data)
    annot = _heatmap_annotations(data, value, lang, decimals)
    finite = data[np.isfinite(data)]
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    counts = not i18n.is_share(value) and bool(np.all(finite == np.round(finite)))

    with house_style():
        size = _heatmap_size(row_labels, col_labels)
        ax = _new_axes(ax, size)
        sns.heatmap(
            pd.DataFrame(data, index=row_labels, columns=col_labels),
            ax=ax,
            cmap=cmap,
            vmin=0,
            vmax=vmax,
            mask=~np.isfinite(data),
            annot=annot if annotate else False,
            fmt="",
            annot_kws={"fontsize": 8},
            linewidths=0.8,
            linecolor="white",
            cbar_kws={
                "label": label(value, lang),
                "format": number_formatter(lang, decimals, percent=i18n.is_share(value)),
                "shrink": 0.8,
                # counts: whole-number ticks (small counts read 0, 0, 1, 1, ... otherwise)
                **({"ticks": MaxNLocator(integer=True)} if counts else {}),
            },
        )
        _hatch_heatmap_cells(ax, grid, threshold)
        ax.set_xlabel(label(col, lang))
        ax.set_ylabel(label(row, lang))
        _heatmap_ticks(ax, row_labels, col_labels)
        if grid.marked.any():
            ax.legend(
                handles=[_suppressed_patch(threshold, lang)],
                loc="lower right",
                bbox_to_anchor=(1.0, 1.0),
                borderaxespad=0.2,
                handlelength=1.4,
            )
        _title(
            ax,
            title,
            "title_heatmap",
            lang,
            value=label(value, lang),
            row=label(row, lang).lower(),
            col=label(col, lang).lower(),
        )
    return ax


def _top_frame(
    df: pd.DataFrame, cells: privacy.PublishedColumn, by: str, n: int, where: str
) -> pd.DataFrame:
    """The ``n`` largest shown bars, largest first; suppressed bars after the shown ones."""
    frame = pd.DataFrame(
        {
            "key": df[by],
            "v": cells.numbers.astype("float64"),
            "m": cells.suppressed,
            "t": cells.marks.fillna(""),
            "tier": _tiers(df, where),
        }
    )
    frame = frame[frame["v"].notna() | frame["m"]]
    frame = frame.assign(_sort=frame["v"].fillna(-np.inf), _name=frame["key"].astype("string"))
    return frame.sort_values(["_sort", "_name"], ascending=[False, True], kind="stable").head(n)


def _draw_top_bars(ax: Axes, frame: pd.DataFrame, widths: np.ndarray) -> np.ndarray:
    """Bars coloured by tier; suppressed ones grey, hatched, outlined in their tier colour."""
    y = np.arange(len(frame))
    tiers = frame["tier"].tolist()
    marked = frame["m"].tolist()
    faces = [_SUPPRESSED_FACE if m else tier_colour(t) for m, t in zip(marked, tiers, strict=True)]
    edges = [_EDGE if (m or pd.isna(t)) else "none" for m, t in zip(marked, tiers, strict=True)]
    bars = ax.barh(y, widths, height=0.72, color=faces, edgecolor=edges, linewidth=0.8)
    for bar, m, t in zip(bars, marked, tiers, strict=True):
        if m:
            bar.set_hatch(_HATCH)
            bar.set_edgecolor(tier_colour(t) if not pd.isna(t) else _EDGE)
    return y


def _annotate_bars(
    ax: Axes, y: np.ndarray, widths: np.ndarray, pad: float, texts: list[str]
) -> None:
    """Each bar's text just past its end."""
    for yi, w, text in zip(y, widths, texts, strict=True):
        ax.text(w + pad, float(yi), text, va="center", ha="left", fontsize=8.5, color="#333333")


def plot_top_countries(
    df: pd.DataFrame,
    *,
    value: str = "agreements_active",
    n: int = 15,
    by: str = "country",
    ax: Axes | None = None,
    lang: str = "en",
    suppress: bool = True,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    annotate: bool = True,
    title: str | None = None,
) -> Axes:
    """Horizontal bars of the ``n`` largest countries, coloured by risk tier, with a tier legend.

    Parameters
    ----------
    df : DataFrame
        One row per ``by`` (an exposure table by country) with ``value`` and, optionally,
        ``risk_tier`` (Int64 0–3 or NA; bars without it are drawn white, "unknown").
    value : str
        Column to draw.
    n : int
        Number of bars, largest at the top.
    by : str
        Key column (country codes show as names).
    ax : Axes, optional
        Where to draw; a new figure when None.
    lang : {"en", "nl"}
        Labels and number format.
    suppress, threshold
        People values are published by :func:`kvanalytics.privacy.publish_column` first
        (unless published already); suppressed bars are hatched, of one fixed length, and
        labelled ``"<5"``.
    annotate : bool
        Write the value at the end of each bar.
    title : str, optional
        Default: "<value>: top <n> by <by>".

    Returns
    -------
    matplotlib.axes.Axes
        Bars (``ax.patches``) from the top down are the countries in the order of the y tick labels.

    Examples
    --------
    >>> table = pd.DataFrame({"country": ["CN", "US"], "agreements_active": [12, 40],
    ...                       "risk_tier": pd.array([2, 0], dtype="Int64")})
    >>> ax = plot_top_countries(table, n=10)  # doctest: +SKIP
    """
    i18n.check_lang(lang)
    where = "plot_top_countries"
    _require(df, [by, value], where)
    _require_unique(df, [by], where)
    people = is_people_column(value)
    cells = _cells(df[value], people=people, suppress=suppress, threshold=threshold, where=where)
    frame = _top_frame(df, cells, by, n, where)
    names = _display_keys(frame["key"], by, lang)
    shown_max = float(frame["v"].max()) if frame["v"].notna().any() else float(threshold)
    nominal = max(threshold / 2, 0.02 * shown_max)
    widths = frame["v"].where(~frame["m"], nominal).to_numpy(dtype=float)
    decimals = i18n.decimals_of(frame["v"])
    share = i18n.is_share(value)

    with house_style():
        ax = _new_axes(ax, (7.0, max(2.5, 0.32 * len(frame) + 1.4)))
        y = _draw_top_bars(ax, frame, widths)
        ax.set_yticks(y, names)
        ax.set_ylim(max(len(frame), 1) - 0.5, -0.5)  # largest at the top
        if annotate:
            texts = [
                t if m else i18n.format_value(v, value, lang, decimals)
                for v, m, t in zip(frame["v"], frame["m"], frame["t"], strict=True)
            ]
            _annotate_bars(ax, y, widths, 0.01 * max(shown_max, nominal), texts)
            ax.set_xlim(0, max(shown_max, nominal) * 1.12)
        _value_axis(ax.xaxis, lang, 0, percent=share, integer=not share and decimals == 0)
        ax.set_xlabel(label(value, lang))
        ax.set_ylabel("")
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, "x")
        handles = _tier_patches(frame["tier"].tolist(), lang)
        handles = _with_suppressed(handles, bool(frame["m"].any()), threshold, lang)
        ax.legend(handles=handles, title=label("risk_tier", lang), loc="lower right")
        by_label = label(by, lang).lower()
        _title(ax, title, "title_top", lang, value=label(value, lang), n=n, by=by_label)
    return ax


def _trend_frame(
    df: pd.DataFrame, value: str, keys: list[str], quarters: list[str], lang: str
) -> pd.DataFrame:
    position = {q: i for i, q in enumerate(quarters)}
    frame = pd.DataFrame(
        {
            "x": df["quarter"].astype("string").map(position),
            "v": pd.to_numeric(df[value], errors="coerce").astype("float64"),
        }
    )
    for k in keys:
        frame[k] = df[k].astype("string").fillna(label("unknown", lang))
    return frame


def _trend_axes(
    ax: Axes | None, n_panels: int, ncols: int, sharey: bool, single: bool
) -> tuple[Any, list[Axes], float]:
    """The figure, one Axes per panel and the width of a panel (inches)."""
    if single:
        one = _new_axes(ax, (7.0, 4.0))
        return one.figure, [one], 6.0
    ncol = max(1, min(ncols, n_panels))
    width = min(11.0, 3.4 * ncol + 0.6)
    nrow = math.ceil(n_panels / ncol)
    fig, axes = _panels(n_panels, ncol, (width, 2.5 * nrow + 1.0), sharex=True, sharey=sharey)
    for i, panel_ax in enumerate(axes):
        if i + ncol >= n_panels:  # nothing below it: show its quarter labels
            panel_ax.xaxis.set_tick_params(labelbottom=True)
    return fig, axes, width / ncol


def _draw_trend_lines(
    panel_ax: Axes, part: pd.DataFrame, hue: str | None, hues: list, hue_labels: list[str]
) -> None:
    for i, (h, h_label) in enumerate(zip(hues, hue_labels, strict=True)):
        line = part if h is None else part[part[hue] == h]
        line = line.sort_values("x")
        panel_ax.plot(
            line["x"],
            line["v"],
            marker="o",
            markersize=3.5,
            color=PALETTE[i % len(PALETTE)],
            label=h_label or None,
        )


def _trend_legend(fig: Any, ax: Axes, hue: str, single: bool, lang: str, own: bool) -> None:
    """The legend of the lines: below the chart (in columns) when the figure is ours.

    On a figure of our own the legend goes below the axes and the figure grows by its height,
    so long (wrapped) names are never clipped and never squeeze the axes to nothing.
    """
    handles, labels_ = ax.get_legend_handles_labels()
    if single and not own:
        ax.legend(
            handles, labels_, title=label(hue, lang), loc="upper left", bbox_to_anchor=(1.01, 1.0)
        )
        return
    widest = max((len(line) for lbl in labels_ for line in lbl.split("\n")), default=1)
    column_inches = 0.075 * widest + 0.7  # 9 pt text and the line handle
    ncols = max(1, min(3, len(labels_), int(fig.get_figwidth() / column_inches)))
    lines = max((lbl.count("\n") + 1 for lbl in labels_), default=1)
    rows = math.ceil(len(labels_) / ncols)
    fig.set_figheight(fig.get_figheight() + 0.17 * lines * rows + 0.45)
    fig.legend(handles, labels_, title=label(hue, lang), loc="outside lower center", ncols=ncols)


def plot_quarterly_trends(
    df: pd.DataFrame,
    *,
    value: str = "active",
    facet: str | None = "faculty",
    hue: str | None = None,
    ncols: int = 3,
    sharey: bool = True,
    ax: Axes | None = None,
    lang: str = "en",
    title: str | None = None,
) -> np.ndarray:
    """Small multiples of a quarterly series: one panel per ``facet`` value, quarters on x.

    Parameters
    ----------
    df : DataFrame
        ``exposure_over_time`` output: ``quarter`` (``"2024Q3"``), optionally ``quarter_end``
        (used for the order), the keys and ``value``; one row per quarter × facet (× hue).
    value : str
        Column to draw (``active`` stock at quarter end, ``started``/``ended`` flows...).
    facet : str or None
        Key with one panel per value (panels in the frame's order); None: one panel.
    hue : str, optional
        Key drawn as one line per value inside each panel, with a legend.
    ncols : int
        Panels per row.
    sharey : bool
        Same y scale in every panel (default: honest comparison between faculties).
    ax : Axes, optional
        Draw everything on this one Axes; each ``facet`` value (or ``hue``) becomes a line.
    lang : {"en", "nl"}
        Labels and number format.
    title : str, optional
        Figure title; default "<value> per quarter".

    Returns
    -------
    numpy.ndarray of Axes
        One Axes per panel, in facet order (``axes[0].figure`` is the figure); a single element
        when ``ax`` is given or ``facet`` is None.

    Examples
    --------
    >>> series = pd.DataFrame({"quarter": ["2024Q1", "2024Q2"] * 2,
    ...                        "faculty": ["Law", "Law", "Science", "Science"],
    ...                        "active": [3, 4, 10, 9]})
    >>> axes = plot_quarterly_trends(series)  # doctest: +SKIP
    """
    i18n.check_lang(lang)
    where = "plot_quarterly_trends"
    if ax is not None and facet is not None:
        if hue is not None:
            raise ValueError(f"{where}: with ax=, give facet or hue, not both (one panel)")
        facet, hue = None, facet
    keys = [k for k in (facet, hue) if k is not None]
    _require(df, ["quarter", value, *keys], where)
    _require_unique(df, ["quarter", *keys], where)
    quarters = _quarter_order(df)
    frame = _trend_frame(df, value, keys, quarters, lang)
    panels = list(pd.unique(frame[facet])) if facet is not None else [None]
    hues = list(pd.unique(frame[hue])) if hue is not None else [None]
    hue_labels = _display_keys(pd.Series(hues, dtype="string"), hue, lang) if hue else [""]
    decimals = i18n.decimals_of(frame["v"])

    with house_style():
        single = ax is not None or facet is None
        fig, axes, panel_width = _trend_axes(ax, len(panels), ncols, sharey, single)
        panel_names = _display_keys(pd.Series(panels, dtype="string"), facet, lang) if facet else []
        for idx, (panel_ax, panel) in enumerate(zip(axes, panels, strict=True)):
            part = frame if panel is None else frame[frame[facet] == panel]
            _draw_trend_lines(panel_ax, part, hue, hues, hue_labels)
            if panel is not None:
                panel_ax.set_title(
                    _fit(panel_names[idx], panel_width - 0.6, _PANEL_CHARS_PER_INCH),
                    fontsize=10,
                    loc="left",
                )
            _quarter_ticks(
                panel_ax, quarters, max_labels=max(2, int(panel_width / 0.75)), lang=lang
            )
            _value_axis(panel_ax.yaxis, lang, decimals, integer=decimals == 0)
            _style_axes(panel_ax, "y")
        if frame["v"].min(skipna=True) >= 0:  # after all lines: shared limits see every panel
            for panel_ax in axes:
                panel_ax.set_ylim(bottom=0)
        if single:
            axes[0].set_xlabel(label("quarter", lang))
            axes[0].set_ylabel(label(value, lang))
        else:
            fig.supxlabel(label("quarter", lang), fontsize=10)
            fig.supylabel(label(value, lang), fontsize=10)
        if hue is not None:
            _trend_legend(fig, axes[0], hue, single, lang, own=ax is None)
        heading = (
            title if title is not None else label("title_trends", lang, value=label(value, lang))
        )
        heading = _fit(heading, fig.get_figwidth(), _TITLE_CHARS_PER_INCH)
        if single:
            axes[0].set_title(heading, loc="left")
        else:
            fig.suptitle(heading, x=0.01, ha="left")
    return np.asarray(axes, dtype=object)


def _tier_wide(df: pd.DataFrame, value: str, quarters: list[str], where: str) -> pd.DataFrame:
    """Quarter × tier values; tier -1 is unknown (NA)."""
    frame = pd.DataFrame(
        {
            "q": df["quarter"].astype("string"),
            "tier": _tiers(df, where).astype("float64").fillna(-1).astype(int),
            "v": pd.to_numeric(df[value], errors="coerce").astype("float64"),
        }
    )
    return frame.pivot(index="q", columns="tier", values="v").reindex(quarters)


def _draw_tier_stack(
    ax: Axes, wide: pd.DataFrame, kind: Literal["bar", "area"], lang: str
) -> list[Patch]:
    """Stack the tiers, restricted at the bottom and unknown on top; return legend handles."""
    stack = [t for t in (3, 2, 1, 0, -1) if t in wide.columns]  # bottom to top
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    handles = []
    for t in stack:
        heights = wide[t].to_numpy(dtype=float, na_value=np.nan)
        heights = np.where(np.isfinite(heights), heights, 0.0)
        face = tier_colour(None if t < 0 else t)
        name = tier_name(None if t < 0 else t, lang)
        edge = _EDGE if t < 0 else "white"
        if kind == "bar":
            ax.bar(
                x,
                heights,
                bottom=bottom,
                width=0.78,
                color=face,
                edgecolor=edge,
                linewidth=0.6,
                label=name,
            )
        else:
            ax.fill_between(
                x,
                bottom,
                bottom + heights,
                facecolor=face,
                edgecolor=edge,
                linewidth=0.8,
                label=name,
                step=None,
            )
        handles.append(Patch(facecolor=face, edgecolor=edge if t < 0 else "none", label=name))
        bottom = bottom + heights
    return handles


def plot_risk_tiers_over_time(
    df: pd.DataFrame,
    *,
    value: str = "active",
    kind: Literal["bar", "area"] = "bar",
    ax: Axes | None = None,
    lang: str = "en",
    title: str | None = None,
) -> Axes:
    """Stacked bars (or areas) of a quarterly value by risk tier, restricted at the bottom.

    Parameters
    ----------
    df : DataFrame
        One row per ``quarter`` × ``risk_tier`` (NA tier = unknown, drawn white) with ``value``;
        optionally ``quarter_end`` for the order. A missing quarter × tier draws nothing.
    value : str
        Column to stack.
    kind : {"bar", "area"}
        Stacked bars (default; a stock at quarter end) or stacked areas.
    ax : Axes, optional
        Where to draw; a new figure when None.
    lang : {"en", "nl"}
        Labels and number format.
    title : str, optional
        Default "<value> by risk tier".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> series = pd.DataFrame({"quarter": ["2024Q1", "2024Q1", "2024Q2"],
    ...                        "risk_tier": pd.array([0, 3, 0], dtype="Int64"),
    ...                        "active": [30, 2, 31]})
    >>> ax = plot_risk_tiers_over_time(series)  # doctest: +SKIP
    """
    i18n.check_lang(lang)
    where = "plot_risk_tiers_over_time"
    if kind not in ("bar", "area"):
        raise ValueError(f"{where}: kind {kind!r}; use 'bar' or 'area'")
    _require(df, ["quarter", "risk_tier", value], where)
    _require_unique(df, ["quarter", "risk_tier"], where)
    quarters = _quarter_order(df)
    wide = _tier_wide(df, value, quarters, where)
    decimals = i18n.decimals_of(pd.to_numeric(df[value], errors="coerce").astype("float64"))

    with house_style():
        ax = _new_axes(ax, (7.5, 4.2))
        handles = _draw_tier_stack(ax, wide, kind, lang)
        _quarter_ticks(ax, quarters, max_labels=10, lang=lang)
        ax.set_ylim(bottom=0)
        _value_axis(ax.yaxis, lang, decimals, integer=decimals == 0)
        ax.set_xlabel(label("quarter", lang))
        ax.set_ylabel(label(value, lang))
        _style_axes(ax, "y")
        ax.legend(
            handles=handles[::-1],
            title=label("risk_tier", lang),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
        )
        _title(ax, title, "title_tiers", lang, value=label(value, lang))
    return ax


@dataclass(frozen=True)
class _Segments:
    """The people chart's cells per group: shown numbers (0 where hidden), marks, and labels."""

    groups: list[str]
    shown: dict[str, np.ndarray]
    marked: dict[str, np.ndarray]
    marks: dict[str, np.ndarray]

    def colour(self, g: str) -> str:
        return GROUP_COLOURS.get(g, PALETTE[self.groups.index(g) % len(PALETTE)])


def _people_segments(
    df: pd.DataFrame, groups: list[str], suppress: bool, threshold: int, where: str
) -> _Segments:
    shown, marked, marks = {}, {}, {}
    for g in groups:
        cells = _cells(df[g], people=True, suppress=suppress, threshold=threshold, where=where)
        shown[g] = cells.numbers.fillna(0).to_numpy(dtype=float)
        marked[g] = cells.suppressed.to_numpy(dtype=bool)
        marks[g] = cells.marks.fillna("").to_numpy(dtype=object)
    return _Segments(groups, shown, marked, marks)


def _people_order(
    df: pd.DataFrame, seg: _Segments, by: str, n: int, threshold: int, lang: str
) -> tuple[np.ndarray, np.ndarray, float]:
    """Rows to draw (top ``n`` by what is shown), hidden cells per row, the hidden length."""
    visible = np.sum([seg.shown[g] for g in seg.groups], axis=0)
    n_marked = np.sum([seg.marked[g] for g in seg.groups], axis=0)
    nominal = max(threshold / 2, 0.025 * float(visible.max(initial=0.0)))
    length = visible + nominal * n_marked
    keys = df[by].astype("string").fillna(label("unknown", lang))
    # ranked by what is shown: hidden cells must neither lift a row to the top nor hint at size
    order = (
        pd.DataFrame({"len": length, "visible": visible, "hidden": n_marked, "key": keys})
        .reset_index(drop=True)
        .query("len > 0")
        .sort_values(["visible", "hidden", "key"], ascending=[False, False, True], kind="stable")
        .head(n)
        .index.to_numpy()
    )
    return order, n_marked, nominal


def _draw_people_segments(
    ax: Axes, seg: _Segments, order: np.ndarray, y: np.ndarray, lang: str
) -> tuple[np.ndarray, list[Patch]]:
    """The shown segments, group after group; return where each bar ends and the handles."""
    left = np.zeros(len(order))
    handles = []
    for g in seg.groups:
        widths = seg.shown[g][order]
        colour = seg.colour(g)
        ax.barh(
            y,
            widths,
            left=left,
            height=0.72,
            color=colour,
            edgecolor="white",
            linewidth=0.5,
            label=label(g, lang),
        )
        handles.append(Patch(facecolor=colour, label=label(g, lang)))
        left = left + widths
    return left, handles


def _draw_people_hidden(
    ax: Axes,
    seg: _Segments,
    order: np.ndarray,
    y: np.ndarray,
    left: np.ndarray,
    nominal: float,
    threshold: int,
) -> None:
    """Suppressed cells after the shown ones: one fixed length each, hatched and labelled."""
    for g in seg.groups:
        hit = seg.marked[g][order]
        if not hit.any():
            continue
        ax.barh(
            y[hit],
            np.full(hit.sum(), nominal),
            left=left[hit],
            height=0.72,
            **_hatched(seg.colour(g)),
        )
        for yi, xi, text in zip(y[hit], left[hit], seg.marks[g][order][hit], strict=True):
            _mark_text(
                ax, xi + nominal / 2, yi, text or f"<{threshold}", fontsize=7, pad=0.1, alpha=0.85
            )
        left = left + np.where(hit, nominal, 0.0)


def plot_people(
    df: pd.DataFrame,
    *,
    by: str = "country",
    groups: Sequence[str] = GROUPS,
    n: int = 15,
    ax: Axes | None = None,
    lang: str = "en",
    suppress: bool = True,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    title: str | None = None,
) -> Axes:
    """Stacked horizontal bars of people by ``by`` (nationality) and group, as published.

    Group columns given as numbers are published by :func:`kvanalytics.privacy.publish_column`
    first; a published table (``"<5"``, ``"x"``) is drawn as it is. Each suppressed cell is a
    hatched segment of one fixed length after the shown segments, labelled with its mark; no
    total is printed, so no suppressed cell can be recomputed. Bars are ordered by their shown
    length.

    Parameters
    ----------
    df : DataFrame
        One row per ``by`` with one column per group (an exposure table with headcounts).
    by : str
        Key column (country codes show as names).
    groups : sequence of str
        Group columns to stack, in order. The default (all six groups) uses those present.
    n : int
        Number of bars.
    ax : Axes, optional
        Where to draw; a new figure when None.
    lang : {"en", "nl"}
        Labels and number format.
    suppress : bool
        Publish numeric group columns before drawing (default on).
    threshold : int
        Smallest count shown as a number.
    title : str, optional
        Default "People by <by> and group".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"country": ["RU", "UA"], "degree_student": [1653, 917],
    ...                       "phd": [3, 40]})
    >>> ax = plot_people(table, groups=("degree_student", "phd"))  # doctest: +SKIP
    """
    i18n.check_lang(lang)
    where = "plot_people"
    if tuple(groups) == GROUPS:
        groups = [g for g in GROUPS if g in df.columns]
        if not groups:
            raise SchemaError(f"{where}: the frame has none of the group columns {list(GROUPS)}")
    groups = list(groups)
    _require(df, [by, *groups], where)
    _require_unique(df, [by], where)
    seg = _people_segments(df, groups, suppress, threshold, where)
    order, n_marked, nominal = _people_order(df, seg, by, n, threshold, lang)
    names = _display_keys(df[by].iloc[order], by, lang)
    y = np.arange(len(order))

    with house_style():
        ax = _new_axes(ax, (7.5, max(2.5, 0.34 * len(order) + 1.6)))
        left, handles = _draw_people_segments(ax, seg, order, y, lang)
        _draw_people_hidden(ax, seg, order, y, left, nominal, threshold)
        ax.set_yticks(y, names)
        ax.set_ylim(max(len(order), 1) - 0.5, -0.5)
        _value_axis(ax.xaxis, lang, 0, integer=True)
        ax.set_xlabel(label("people", lang))
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, "x")
        handles = _with_suppressed(handles, bool(n_marked[order].any()), threshold, lang)
        ax.legend(handles=handles, title=label("group", lang), loc="lower right")
        _title(ax, title, "title_people", lang, by=label(by, lang).lower())
    return ax


_RANGE = ("low", "central", "high")


@dataclass(frozen=True)
class _Bar:
    """One scenario's bar in a metric's panel, as published: NaN where absent or suppressed."""

    scenario: str
    central: float
    low: float
    high: float
    mark: str  # the label of a suppressed central value ("<5", "x"), else ""
    unknown: bool = False  # the scenario has the metric but its value is unknown (NA)


def _impact_frame(df: pd.DataFrame, people: set[str]) -> pd.DataFrame:
    """``scenario, metric, unit, low, central, high`` with ``unit`` "people" for people metrics.

    Range values stay as given: numbers, or the cells of a published frame.
    """
    metric = df["metric"].astype("string")
    given_unit = df["unit"].astype("string") if "unit" in df.columns else None
    unit = pd.Series("", index=df.index, dtype="string") if given_unit is None else given_unit
    return pd.DataFrame(
        {
            "scenario": df["scenario"].astype("string"),
            "metric": metric,
            "unit": unit.mask(metric.isin(sorted(people)), "people"),
            **{c: df[c] if c in df.columns else pd.Series(np.nan, index=df.index) for c in _RANGE},
        }
    )


def _publish_ranges(frame: pd.DataFrame, threshold: int, where: str) -> pd.DataFrame:
    """Publish the people rows through :func:`kvanalytics.privacy.published` (one call).

    A frame whose ranges hold text is taken as published already; it is refused when a people
    row still shows a count 1..threshold-1 as a number.
    """
    numeric = all(
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in _RANGE
    )
    if numeric:
        return privacy.published(frame, threshold)
    rows = (frame["unit"] == "people").fillna(False).to_numpy(bool)
    for c in _RANGE:
        n = privacy.read_published(frame.loc[rows, c]).numbers
        if ((n > 0) & (n < threshold)).any():
            raise SchemaError(
                f"{where}: the frame mixes published cells with unpublished small people counts "
                f"in {c!r}. Pass the numbers (the chart publishes them) or "
                "kvanalytics.privacy.published() output."
            )
    return frame


def _impact_bars(frame: pd.DataFrame, metric: str, scenarios: list[str]) -> list[_Bar]:
    """The published range of each scenario in one metric's panel.

    A suppressed central value is drawn as a hatched bar with its mark; a suppressed low end as
    zero and a suppressed high end not at all, so no whisker shows a small count.
    """
    part = frame[frame["metric"] == metric].set_index("scenario")
    cells = {c: privacy.read_published(part[c]) for c in _RANGE}
    bars = []
    for s in scenarios:
        if s not in part.index:
            bars.append(_Bar(s, np.nan, np.nan, np.nan, ""))
            continue
        i = part.index.get_loc(s)

        def number(c: str, i: Any = i) -> float:
            v = cells[c].numbers.iloc[i]
            return np.nan if pd.isna(v) else float(v)

        low = 0.0 if cells["low"].suppressed.iloc[i] else number("low")
        raw_mark = cells["central"].marks.iloc[i]
        mark: str = "" if pd.isna(raw_mark) else str(raw_mark)
        central = number("central")
        unknown: bool = not mark and not np.isfinite(central)
        bars.append(_Bar(s, central, low, number("high"), mark, unknown))
    return bars


def _draw_range_bars(
    target: Axes,
    bars: list[_Bar],
    colours: Mapping[str, str],
    centre: float,
    width: float,
    threshold: int,
    lang: str,
) -> None:
    """Bars at the central values, whiskers from low to high, each value written on top."""
    finite = [v for b in bars for v in (b.central, b.high) if np.isfinite(v)]
    top = max(finite, default=float(threshold))
    nominal = max(threshold / 2, 0.02 * top)
    decimals = i18n.decimals_of(np.array([b.central for b in bars], dtype=float))
    k = len(bars)
    for i, b in enumerate(bars):
        x = centre + (i - (k - 1) / 2) * width
        colour = colours[b.scenario]
        if b.mark:
            target.bar(x, nominal, width=width * 0.8, **_hatched(colour))
            height, text = nominal, b.mark
        elif np.isfinite(b.central):
            target.bar(x, b.central, width=width * 0.8, color=colour, label=None)
            height, text = b.central, format_number(b.central, lang, decimals)
        elif b.unknown:  # no bar, which would read as zero: say it is unknown
            target.annotate(
                label("unknown", lang),
                (x, 0),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                fontstyle="italic",
                color="#555555",
                rotation=90 if width < 0.5 else 0,
            )
            continue
        else:
            continue
        lo = b.low if np.isfinite(b.low) else height
        hi = b.high if np.isfinite(b.high) else height
        if lo != height or hi != height:
            target.errorbar(
                x,
                height,
                yerr=[[max(height - lo, 0)], [max(hi - height, 0)]],
                fmt="none",
                ecolor="#222222",
                elinewidth=1.0,
                capsize=3,
            )
        target.annotate(
            text,
            (x, max(hi, height)),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
        )


def plot_impact_comparison(
    df: pd.DataFrame,
    *,
    metrics: Sequence[str] | None = None,
    scenarios: Sequence[str] | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    suppress: bool = True,
    threshold: int = config.SUPPRESSION_THRESHOLD,
    people_metrics: Sequence[str] | None = None,
    title: str | None = None,
) -> np.ndarray:
    """Compare scenarios: bars at the central estimate, whiskers from low to high.

    Metrics have different units (agreements, euros, people), so each metric gets its own panel
    and scale, with one bar per scenario in the same colour in every panel. With ``ax`` given,
    everything is drawn on that Axes as grouped bars (metrics on x) — only sensible when the
    metrics share a unit.

    People metrics (``unit`` "people", a name that counts people — see
    :func:`kvanalytics.schemas.is_people_column` — or listed in ``people_metrics``) given as
    numbers are published by :func:`kvanalytics.privacy.published` first: whole people, a value
    of 1..threshold-1 shown as ``"<5"``, a support cost hidden with its population. A frame that
    is ``published()`` output already is drawn as it is. A suppressed central value is a hatched
    bar of fixed height labelled with its mark; a suppressed low end is drawn at zero and a
    suppressed high end omitted, so no whisker reveals a small count.

    Parameters
    ----------
    df : DataFrame
        Columns ``scenario, metric, low, central, high`` (low/high may be NA: no whisker;
        optionally ``unit``), one row per scenario × metric.
    metrics, scenarios : sequence of str, optional
        Which and in what order (default: the frame's order).
    ax : Axes, optional
        Draw on this one Axes as grouped bars.
    lang : {"en", "nl"}
        Labels and number format.
    suppress, threshold, people_metrics
        Publishing of people metrics, see above (``suppress=False``: internal use).
    title : str, optional
        Default "Scenario comparison".

    Returns
    -------
    numpy.ndarray of Axes
        One Axes per metric (or the single ``ax``).

    Examples
    --------
    >>> impact = pd.DataFrame({"scenario": ["freeze", "watchlist"], "metric": "agreements_frozen",
    ...                        "low": [40, 5], "central": [44, 6], "high": [50, 9]})
    >>> axes = plot_impact_comparison(impact)  # doctest: +SKIP
    """
    i18n.check_lang(lang)
    where = "plot_impact_comparison"
    _require(df, ["scenario", "metric", "central"], where)
    _require_unique(df, ["scenario", "metric"], where)
    metric_order = (
        list(metrics) if metrics is not None else list(pd.unique(df["metric"].astype("string")))
    )
    scenario_order = (
        list(scenarios)
        if scenarios is not None
        else list(pd.unique(df["scenario"].astype("string")))
    )
    people = set(people_metrics or ()) | {m for m in metric_order if is_people_column(m)}
    frame = _impact_frame(df, people)
    if suppress:
        frame = _publish_ranges(frame, threshold, where)
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(scenario_order)}

    with house_style():
        legend_handles = [
            Patch(facecolor=colours[s], label=value_label("scenario", s, lang))
            for s in scenario_order
        ]
        legend_title = f"{label('scenario', lang)} ({label('range_note', lang)})"
        heading = title if title is not None else label("title_impact", lang)
        if ax is not None:
            width = 0.8 / max(1, len(scenario_order))
            for m_i, metric in enumerate(metric_order):
                bars = _impact_bars(frame, metric, scenario_order)
                _draw_range_bars(ax, bars, colours, float(m_i), width, threshold, lang)
            ax.set_xticks(
                range(len(metric_order)), [wrap_label(label(m, lang), 16) for m in metric_order]
            )
            _value_axis(ax.yaxis, lang, 0, integer=True)
            _style_axes(ax, "y")
            ax.legend(
                handles=legend_handles,
                title=legend_title,
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
            )
            ax.set_title(
                _fit(heading, _figure_of(ax).get_figwidth(), _TITLE_CHARS_PER_INCH), loc="left"
            )
            ax.margins(y=0.12)
            return np.asarray([ax], dtype=object)
        k = len(metric_order)
        ncol = min(k, 3)
        figsize = (min(11.0, 3.3 * ncol + 0.8), 3.0 * math.ceil(k / ncol) + 1.2)
        fig, axes = _panels(k, ncol, figsize)
        for panel, metric in zip(axes, metric_order, strict=True):
            bars = _impact_bars(frame, metric, scenario_order)
            _draw_range_bars(
                panel, bars, colours, (len(scenario_order) - 1) / 2, 1.0, threshold, lang
            )
            panel.set_xticks([])
            panel.set_title(
                _fit(label(metric, lang), figsize[0] / ncol - 0.6, _PANEL_CHARS_PER_INCH),
                fontsize=10,
                loc="left",
            )
            _value_axis(panel.yaxis, lang, 0, integer=True)  # whole steps: 0, 5, 10, not 3, 5, 8
            panel.margins(y=0.15)
            panel.set_ylim(bottom=0)
            if panel.get_ylim()[1] < 1:  # nothing (or under one) hit: an axis 0-1, not 0, 0, 0
                panel.set_ylim(0, 1)
            _style_axes(panel, "y")
        fig.legend(
            handles=legend_handles,
            title=legend_title,
            loc="outside lower center",
            ncols=min(len(scenario_order), 4),
        )
        fig.suptitle(heading, x=0.01, ha="left")
    return np.asarray(axes, dtype=object)


def plot_compare(
    impacts: Sequence[Impact],
    ax: Any = None,
    lang: str = "en",
    *,
    metrics: Sequence[str] | None = None,
    **kwargs: Any,
) -> Any:
    """Chart scenarios side by side (:func:`kvanalytics.scenarios.compare`, then
    :func:`plot_impact_comparison`).

    The whole comparison is published (:func:`kvanalytics.privacy.published`) before the
    metrics are picked, so a support cost is hidden with its population in every chart.

    Parameters
    ----------
    impacts : sequence of Impact
    ax : Axes, optional
        Draw everything on one Axes (only sensible for metrics with one unit).
    lang : {"en", "nl"}
    metrics : sequence of str, optional
        Default: the metrics of :data:`COMPARE_METRICS` present in the impacts.
    **kwargs
        Passed on to ``plot_impact_comparison`` (``suppress=False`` draws the raw numbers).

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> axes = plot_compare([impact_nl, impact_be, impact_no])  # doctest: +SKIP
    """
    df = compare(impacts)
    if metrics is None:
        present = set(df["metric"])
        metrics = [m for m in COMPARE_METRICS if m in present]
    people = sorted({str(m) for m in df.loc[df["unit"] == "people", "metric"]})
    if kwargs.get("suppress", True):
        df = privacy.published(df, kwargs.get("threshold", config.SUPPRESSION_THRESHOLD))
    return plot_impact_comparison(
        df[df["metric"].isin(list(metrics))],
        metrics=list(metrics),
        ax=ax,
        lang=lang,
        people_metrics=people,
        **kwargs,
    )


def plot_impact_timeline(
    df: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("ties_frozen", "ties_cancelled"),
    ax: Axes | None = None,
    lang: str = "en",
    title: str | None = None,
) -> Axes:
    """Steps of a scenario's quarterly effect: the central estimate, shaded from low to high.

    Parameters
    ----------
    df : DataFrame
        ``Impact.timeline``: one row per ``quarter`` × ``metric`` with ``low, central, high``
        (and ``quarter_start`` for the order).
    metrics : sequence of str
        Metrics to draw (one line each); they should share a unit.
    ax : Axes, optional
        Where to draw; a new figure when None.
    lang : {"en", "nl"}
        Labels and number format.
    title : str, optional
        Default "<first metric> per quarter".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_impact_timeline(impact.timeline)  # doctest: +SKIP
    """
    i18n.check_lang(lang)
    need = {"quarter", "metric", "low", "central", "high"}
    if missing := sorted(need - set(df.columns)):
        raise SchemaError(f"plot_impact_timeline: missing column(s) {missing}")
    unknown = [m for m in metrics if m not in set(df["metric"])]
    if unknown:
        raise SchemaError(
            f"plot_impact_timeline: metric(s) {unknown} not in the timeline; it has "
            f"{sorted(set(df['metric']))}"
        )
    ax = _new_axes(ax, (8, 4))
    order = "quarter_start" if "quarter_start" in df.columns else "quarter"
    quarters = list(dict.fromkeys(df.sort_values(order)["quarter"].astype(str)))
    x = np.arange(len(quarters))
    for i, m in enumerate(metrics):
        part = df[df["metric"] == m].set_index(df.loc[df["metric"] == m, "quarter"].astype(str))
        part = part.reindex(quarters)
        colour = PALETTE[i % len(PALETTE)]

        def col(c: str, part: pd.DataFrame = part) -> np.ndarray:
            return part[c].astype("Float64").to_numpy(dtype=float, na_value=np.nan)

        ax.step(x, col("central"), where="post", color=colour, label=label(m, lang))
        ax.fill_between(x, col("low"), col("high"), step="post", color=colour, alpha=0.2)
    ax.set_xticks(x, [_quarter_label(q, lang) for q in quarters], rotation=45, ha="right")
    _value_axis(ax.yaxis, lang, 0, integer=True)
    ax.set_xlabel(label("quarter", lang))
    _title(ax, title, "title_trends", lang, value=label(metrics[0], lang))
    ax.legend(frameon=False)
    _style_axes(ax, "y")
    return ax


def _figure_of(obj: Figure | Axes | np.ndarray | Sequence[Axes]) -> Figure:
    if isinstance(obj, Figure):
        return obj
    items = [obj] if isinstance(obj, Axes) else list(np.asarray(obj, dtype=object).ravel())
    fig = items[0].get_figure(root=True) if items and isinstance(items[0], Axes) else None
    if isinstance(fig, Figure):
        return fig
    raise TypeError(f"save_figure takes a Figure, an Axes or an array of Axes, got {type(obj)}")


def save_figure(
    fig_or_ax: Figure | Axes | np.ndarray | Sequence[Axes],
    path: str | Path,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 150,
) -> list[Path]:
    """Save a chart in several formats beside each other; directories are created.

    SVG and PDF are written without a creation date, so the same chart gives the same bytes
    (useful for the report manifest).

    Parameters
    ----------
    fig_or_ax : Figure, Axes or array of Axes
        What a ``plot_*`` function returned (or its figure).
    path : str or Path
        Path without suffix (``charts/top_countries``); a suffix naming one of ``formats`` is
        dropped.
    formats : sequence of str
        File formats, e.g. ``("png", "svg", "pdf")``.
    dpi : int
        Resolution of raster formats.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Examples
    --------
    >>> save_figure(ax, "charts/top_countries")  # doctest: +SKIP
    [PosixPath('charts/top_countries.png'), PosixPath('charts/top_countries.svg')]
    """
    fig = _figure_of(fig_or_ax)
    supported = fig.canvas.get_supported_filetypes()
    unknown = [f for f in formats if f.lower() not in supported]
    if unknown:
        raise ValueError(
            f"save_figure: unknown format(s) {unknown}; use some of {sorted(supported)}"
        )
    base = Path(path)
    if base.suffix.lstrip(".").lower() in {f.lower() for f in formats}:
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        fmt = fmt.lower()
        target = base.with_name(f"{base.name}.{fmt}")
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
        with mpl.rc_context({"svg.hashsalt": "kvanalytics"}):
            fig.savefig(
                target,
                format=fmt,
                dpi=dpi,
                bbox_inches="tight",
                metadata=metadata,
                facecolor="white",
            )
        written.append(target)
    return written
