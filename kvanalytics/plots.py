"""Charts in one house style, in English or Dutch: they draw tidy frames and never compute.

Every ``plot_<thing>`` takes a frame as produced by :mod:`kvanalytics.exposure` (or the scenario
engine), draws it and returns the Axes (the two multi-panel charts return an array of Axes). They
never aggregate: a frame with more than one row per bar or cell raises :class:`SchemaError` naming
the keys to aggregate by first. They never mutate their input and never call ``plt.show``.

Headcounts are published with small-cell suppression (DESIGN.md): a people value from 1 to
``threshold - 1`` is drawn hatched, labelled ``"<5"``, with a length or colour that is the same for
every suppressed cell, so no chart reveals a suppressed number. Cells already suppressed upstream
(text such as ``"<5"`` from :func:`kvanalytics.privacy.suppress_counts`) are recognised too.

Labels come from ``kvanalytics/data/labels.csv`` (columns ``key,en,nl``); numbers are written
``1,653`` (en) or ``1.653`` (nl).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import config
from .errors import ReferenceDataError, SchemaError
from .schemas import GROUPS

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
]

LANGS = ("en", "nl")

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

_PEOPLE_COLUMNS = frozenset((*GROUPS, "students", "staff", "people", "headcount"))
_PEOPLE_TOKENS = frozenset(
    ("people", "persons", "students", "staff", "headcount", "population", "phd")
)
#: text of a suppressed cell: primary ("<5") or secondary ("x")
_SUPPRESSED_RE = re.compile(r"<\s*\d+|x")
_QUARTER_RE = re.compile(r"\d{4}Q[1-4]")


# --------------------------------------------------------------------------------------------
# Labels, numbers, style
# --------------------------------------------------------------------------------------------


def _check_lang(lang: str) -> None:
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
    _check_lang(lang)
    row = _labels().get(key)
    if row is None:
        text = key.replace("_", " ").strip()
        text = text[:1].upper() + text[1:]
    else:
        text = row[lang] or row["en"]
    return text.format(**fields) if fields else text


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
    _check_lang(lang)
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
) -> FuncFormatter:
    """A matplotlib tick formatter writing numbers the way :func:`format_number` does.

    Examples
    --------
    >>> number_formatter("nl")(1653, 0)
    '1.653'
    """
    _check_lang(lang)
    return FuncFormatter(lambda x, _pos: format_number(x, lang, decimals, percent=percent))


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
# Frame checks and suppression (private)
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


def _is_people(name: str) -> bool:
    tokens = set(str(name).lower().split("_"))
    return name in _PEOPLE_COLUMNS or bool(tokens & _PEOPLE_TOKENS) or bool(tokens & set(GROUPS))


def _suppression(
    values: pd.Series, *, threshold: int, suppress: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Split a column into drawable numbers and the cells to show as ``"<threshold"``.

    Returns ``(numbers, marked, text)``: numbers as Float64 with every marked cell NA (so no
    later step can draw its size), the mask of marked cells, and the label of each marked cell.
    Text cells already suppressed upstream (``"<5"``) are marked whatever ``suppress`` says.
    """
    index = values.index
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("Float64")
        text = pd.Series(pd.NA, index=index, dtype="string")
        marked = pd.Series(False, index=index)
    else:
        as_text = values.astype("string").str.strip()
        marked = as_text.str.fullmatch(_SUPPRESSED_RE.pattern).fillna(False).astype(bool)
        text = as_text.where(marked)
        numbers = pd.to_numeric(as_text.mask(marked), errors="coerce").astype("Float64")
    if suppress:
        small = ((numbers > 0) & (numbers < threshold)).fillna(False).astype(bool)
        text = text.mask(small, f"<{threshold}")
        marked = marked | small
    return numbers.mask(marked), marked, text.fillna("")


def _display_keys(keys: pd.Series, column: str, lang: str) -> list[str]:
    """Display labels of key values: country names for ``country``, else the values as text."""
    text = keys.astype("string").fillna(label("unknown", lang))
    if column not in ("country", "nationality"):
        return [str(v) for v in text]
    from . import normalise

    country_name = getattr(normalise, "country_name", None)  # optional: codes without it
    if country_name is None:
        return [str(v) for v in text]
    names = pd.Series(country_name(keys.astype("string"), lang)).astype("string")
    if len(names) != len(text):
        return [str(v) for v in text]
    aligned = pd.Series(names.to_numpy(), index=text.index, dtype="string").fillna(text)
    return [str(v) for v in aligned]


def _decimals(values: pd.Series | np.ndarray) -> int:
    numbers = pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="coerce").dropna()
    arr = numbers.to_numpy(dtype=float)
    if arr.size == 0 or np.allclose(arr, np.round(arr)):
        return 0
    return 1 if np.nanmax(np.abs(arr)) >= 10 else 2


def _is_share(name: str) -> bool:
    return "share" in str(name).lower().split("_")


def _value_text(x: Any, name: str, lang: str, decimals: int) -> str:
    if _is_share(name):
        return format_number(x, lang, 1, percent=True)
    return format_number(x, lang, decimals)


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _fig, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def _style_axes(ax: Axes, grid: Literal["x", "y", "none"]) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(False)
    if grid != "none":
        ax.grid(True, axis=grid, color=HOUSE_RC["grid.color"], linewidth=HOUSE_RC["grid.linewidth"])
    ax.set_axisbelow(True)


def _suppressed_patch(threshold: int, lang: str) -> Patch:
    return Patch(
        facecolor=_SUPPRESSED_FACE,
        edgecolor=_EDGE,
        hatch=_HATCH,
        linewidth=0.6,
        label=label("suppressed", lang, threshold=threshold),
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


def _quarter_ticks(ax: Axes, quarters: Sequence[str], max_labels: int) -> None:
    """Label at most ``max_labels`` quarters; when thinning, prefer whole years (Q1) or halves."""
    n = len(quarters)
    step = max(1, math.ceil(n / max(1, max_labels)))
    start = 0
    if step > 1 and all(_QUARTER_RE.fullmatch(q) for q in quarters):
        step = 2 if step == 2 else 4 * math.ceil(step / 4)
        wanted = ("1",) if step >= 4 else ("1", "3")
        start = next((i for i, q in enumerate(quarters) if q[-1] in wanted), 0)
    positions = list(range(start, n, step))
    ax.set_xticks(positions, [quarters[i] for i in positions])
    ax.set_xticks(range(n), minor=True)
    ax.tick_params(axis="x", which="minor", length=2)
    ax.set_xlim(-0.6, n - 0.4)


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


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
    drawn as 0. When ``value`` is a people column, cells 1..threshold-1 are drawn hatched and
    labelled ``"<5"``, without colour.

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
        Apply small-cell suppression to people values (default on; keep it on for publishing).
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
    import seaborn as sns  # only this chart needs seaborn

    _check_lang(lang)
    where = "plot_heatmap"
    _require(df, [row, col, value], where)
    _require_unique(df, [row, col], where)
    numbers, marked, marks = _suppression(
        df[value], threshold=threshold, suppress=suppress and _is_people(value)
    )
    long = pd.DataFrame(
        {
            "r": df[row].astype("string").fillna(label("unknown", lang)),
            "c": df[col].astype("string").fillna(label("unknown", lang)),
            "v": numbers.astype("float64"),
            "m": marked,
            "t": marks,
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
    grid = shown.pivot(index="r", columns="c", values="v").reindex(index=rows, columns=cols)
    is_marked = (
        shown.pivot(index="r", columns="c", values="m")
        .reindex(index=rows, columns=cols)
        .fillna(False)
        .astype(bool)
        .to_numpy()
    )
    mark_text = (
        shown.pivot(index="r", columns="c", values="t")
        .reindex(index=rows, columns=cols)
        .fillna("")
        .to_numpy()
    )
    data = grid.to_numpy(dtype=float, na_value=np.nan)
    row_labels = _display_keys(pd.Series(rows, dtype="string"), row, lang)
    col_labels = _display_keys(pd.Series(cols, dtype="string"), col, lang)
    decimals = _decimals(data)
    annot = (
        np.vectorize(
            lambda x: _value_text(x, value, lang, decimals) if np.isfinite(x) else "",
            otypes=[object],
        )(data)
        if data.size
        else data.astype(object)
    )
    finite = data[np.isfinite(data)]
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0

    with house_style():
        size = (max(5.0, 1.1 * len(cols) + 3.0), max(2.5, 0.32 * len(rows) + 1.6))
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
                "format": number_formatter(lang, decimals, percent=_is_share(value)),
                "shrink": 0.8,
            },
        )
        for i, j in zip(*np.nonzero(is_marked), strict=True):
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
            ax.text(
                j + 0.5,
                i + 0.5,
                mark_text[i, j] or f"<{threshold}",
                ha="center",
                va="center",
                fontsize=8,
                color="#222222",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
        ax.set_xlabel(label(col, lang))
        ax.set_ylabel(label(row, lang))
        ax.tick_params(axis="both", length=0)
        ax.grid(False)
        ax.set_yticks(np.arange(len(rows)) + 0.5, row_labels, rotation=0)
        long_names = max((len(c) for c in col_labels), default=0) > 8
        ax.set_xticks(
            np.arange(len(cols)) + 0.5,
            col_labels,
            rotation=30 if long_names else 0,
            ha="right" if long_names else "center",
            rotation_mode="anchor",
        )
        if is_marked.any():
            ax.legend(
                handles=[_suppressed_patch(threshold, lang)],
                loc="lower right",
                bbox_to_anchor=(1.0, 1.0),
                borderaxespad=0.2,
                handlelength=1.4,
            )
        ax.set_title(
            title
            if title is not None
            else label(
                "title_heatmap",
                lang,
                value=label(value, lang),
                row=label(row, lang).lower(),
                col=label(col, lang).lower(),
            ),
            loc="left",
        )
    return ax


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
        Small-cell suppression of people values: such bars are hatched, of one fixed length, and
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
    _check_lang(lang)
    where = "plot_top_countries"
    _require(df, [by, value], where)
    _require_unique(df, [by], where)
    numbers, marked, marks = _suppression(
        df[value], threshold=threshold, suppress=suppress and _is_people(value)
    )
    frame = pd.DataFrame(
        {
            "key": df[by],
            "v": numbers.astype("float64"),
            "m": marked,
            "t": marks,
            "tier": _tiers(df, where),
        }
    )
    frame = frame[frame["v"].notna() | frame["m"]]
    frame = frame.assign(_sort=frame["v"].fillna(-np.inf), _name=frame["key"].astype("string"))
    frame = frame.sort_values(["_sort", "_name"], ascending=[False, True], kind="stable").head(n)
    names = _display_keys(frame["key"], by, lang)
    shown_max = float(frame["v"].max()) if frame["v"].notna().any() else float(threshold)
    nominal = max(threshold / 2, 0.02 * shown_max)
    widths = frame["v"].where(~frame["m"], nominal).to_numpy(dtype=float)
    tiers = frame["tier"].tolist()
    decimals = _decimals(frame["v"])

    with house_style():
        ax = _new_axes(ax, (7.0, max(2.5, 0.32 * len(frame) + 1.4)))
        y = np.arange(len(frame))
        faces = [
            _SUPPRESSED_FACE if m else tier_colour(t)
            for m, t in zip(frame["m"], tiers, strict=True)
        ]
        edges = [
            _EDGE if (m or pd.isna(t)) else "none" for m, t in zip(frame["m"], tiers, strict=True)
        ]
        bars = ax.barh(y, widths, height=0.72, color=faces, edgecolor=edges, linewidth=0.8)
        for bar, m, t in zip(bars, frame["m"], tiers, strict=True):
            if m:
                bar.set_hatch(_HATCH)
                bar.set_edgecolor(tier_colour(t) if not pd.isna(t) else _EDGE)
        ax.set_yticks(y, names)
        ax.set_ylim(max(len(frame), 1) - 0.5, -0.5)  # largest at the top
        if annotate:
            pad = 0.01 * max(shown_max, nominal)
            for yi, w, v, m, t in zip(y, widths, frame["v"], frame["m"], frame["t"], strict=True):
                text = t if m else _value_text(v, value, lang, decimals)
                ax.text(
                    w + pad, float(yi), text, va="center", ha="left", fontsize=8.5, color="#333333"
                )
            ax.set_xlim(0, max(shown_max, nominal) * 1.12)
        ax.xaxis.set_major_formatter(number_formatter(lang, 0, percent=_is_share(value)))
        if not _is_share(value) and decimals == 0:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(label(value, lang))
        ax.set_ylabel("")
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, "x")
        handles = _tier_patches(tiers, lang)
        if frame["m"].any():
            handles.append(_suppressed_patch(threshold, lang))
        ax.legend(handles=handles, title=label("risk_tier", lang), loc="lower right")
        by_label = label(by, lang).lower()
        ax.set_title(
            title
            if title is not None
            else label("title_top", lang, value=label(value, lang), n=n, by=by_label),
            loc="left",
        )
    return ax


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
    _check_lang(lang)
    where = "plot_quarterly_trends"
    if ax is not None and facet is not None:
        if hue is not None:
            raise ValueError(f"{where}: with ax=, give facet or hue, not both (one panel)")
        facet, hue = None, facet
    keys = [k for k in (facet, hue) if k is not None]
    _require(df, ["quarter", value, *keys], where)
    _require_unique(df, ["quarter", *keys], where)
    quarters = _quarter_order(df)
    position = {q: i for i, q in enumerate(quarters)}
    frame = pd.DataFrame(
        {
            "x": df["quarter"].astype("string").map(position),
            "v": pd.to_numeric(df[value], errors="coerce").astype("float64"),
        }
    )
    for k in keys:
        frame[k] = df[k].astype("string").fillna(label("unknown", lang))
    panels = list(pd.unique(frame[facet])) if facet is not None else [None]
    hues = list(pd.unique(frame[hue])) if hue is not None else [None]
    hue_labels = _display_keys(pd.Series(hues, dtype="string"), hue, lang) if hue else [""]
    colours = {h: PALETTE[i % len(PALETTE)] for i, h in enumerate(hues)}
    decimals = _decimals(frame["v"])

    with house_style():
        single = ax is not None or facet is None
        if single:
            axes = [_new_axes(ax, (7.0, 4.0))]
            fig = axes[0].figure
            panel_width = 6.0
        else:
            ncol = max(1, min(ncols, len(panels)))
            nrow = math.ceil(len(panels) / ncol)
            fig, grid = plt.subplots(
                nrow,
                ncol,
                figsize=(min(11.0, 3.4 * ncol + 0.6), 2.5 * nrow + 1.0),
                sharex=True,
                sharey=sharey,
                squeeze=False,
                layout="constrained",
            )
            flat = list(grid.ravel())
            for extra in flat[len(panels) :]:
                extra.remove()
            axes = flat[: len(panels)]
            for i, panel_ax in enumerate(axes):
                if i + ncol >= len(panels):  # nothing below it: show its quarter labels
                    panel_ax.xaxis.set_tick_params(labelbottom=True)
            panel_width = min(11.0, 3.4 * ncol + 0.6) / ncol
        panel_names = _display_keys(pd.Series(panels, dtype="string"), facet, lang) if facet else []
        for idx, (panel_ax, panel) in enumerate(zip(axes, panels, strict=True)):
            part = frame if panel is None else frame[frame[facet] == panel]
            for h, h_label in zip(hues, hue_labels, strict=True):
                line = part if h is None else part[part[hue] == h]
                line = line.sort_values("x")
                panel_ax.plot(
                    line["x"],
                    line["v"],
                    marker="o",
                    markersize=3.5,
                    color=colours[h],
                    label=h_label or None,
                )
            if panel is not None:
                panel_ax.set_title(panel_names[idx], fontsize=10, loc="left")
            _quarter_ticks(panel_ax, quarters, max_labels=max(2, int(panel_width / 0.75)))
            panel_ax.yaxis.set_major_formatter(number_formatter(lang, decimals))
            if decimals == 0:
                panel_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
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
            handles, labels_ = axes[0].get_legend_handles_labels()
            if single:
                axes[0].legend(
                    handles,
                    labels_,
                    title=label(hue, lang),
                    loc="upper left",
                    bbox_to_anchor=(1.01, 1.0),
                )
            else:
                fig.legend(handles, labels_, title=label(hue, lang), loc="outside right upper")
        heading = (
            title if title is not None else label("title_trends", lang, value=label(value, lang))
        )
        if single:
            axes[0].set_title(heading, loc="left")
        else:
            fig.suptitle(heading, x=0.01, ha="left")
    return np.asarray(axes, dtype=object)


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
    _check_lang(lang)
    where = "plot_risk_tiers_over_time"
    if kind not in ("bar", "area"):
        raise ValueError(f"{where}: kind {kind!r}; use 'bar' or 'area'")
    _require(df, ["quarter", "risk_tier", value], where)
    _require_unique(df, ["quarter", "risk_tier"], where)
    quarters = _quarter_order(df)
    tiers = _tiers(df, where)
    frame = pd.DataFrame(
        {
            "q": df["quarter"].astype("string"),
            "tier": tiers.astype("float64").fillna(-1).astype(int),  # -1 = unknown, drawn last
            "v": pd.to_numeric(df[value], errors="coerce").astype("float64"),
        }
    )
    wide = frame.pivot(index="q", columns="tier", values="v").reindex(quarters)
    stack = [t for t in (3, 2, 1, 0, -1) if t in wide.columns]  # bottom to top
    x = np.arange(len(quarters))
    decimals = _decimals(frame["v"])

    with house_style():
        ax = _new_axes(ax, (7.5, 4.2))
        bottom = np.zeros(len(quarters))
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
        _quarter_ticks(ax, quarters, max_labels=10)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(number_formatter(lang, decimals))
        if decimals == 0:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(label("quarter", lang))
        ax.set_ylabel(label(value, lang))
        _style_axes(ax, "y")
        ax.legend(
            handles=handles[::-1],
            title=label("risk_tier", lang),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
        )
        ax.set_title(
            title if title is not None else label("title_tiers", lang, value=label(value, lang)),
            loc="left",
        )
    return ax


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
    """Stacked horizontal bars of people by ``by`` (nationality) and group, suppression applied.

    Each suppressed cell (1..threshold-1, or ``"<5"`` text) is a hatched segment of one fixed
    length after the shown segments, labelled ``"<5"``; no total is printed, so no suppressed cell
    can be recomputed. Bars are ordered by their drawn length.

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
        Small-cell suppression (default on).
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
    _check_lang(lang)
    where = "plot_people"
    if tuple(groups) == GROUPS:
        groups = [g for g in GROUPS if g in df.columns]
        if not groups:
            raise SchemaError(f"{where}: the frame has none of the group columns {list(GROUPS)}")
    groups = list(groups)
    _require(df, [by, *groups], where)
    _require_unique(df, [by], where)
    shown: dict[str, np.ndarray] = {}
    marks: dict[str, np.ndarray] = {}
    texts: dict[str, np.ndarray] = {}
    for g in groups:
        numbers, marked, text = _suppression(df[g], threshold=threshold, suppress=suppress)
        shown[g] = numbers.fillna(0).to_numpy(dtype=float)
        marks[g] = marked.to_numpy(dtype=bool)
        texts[g] = text.to_numpy(dtype=object)
    visible = np.sum([shown[g] for g in groups], axis=0)
    n_marked = np.sum([marks[g] for g in groups], axis=0)
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
    names = _display_keys(df[by].iloc[order], by, lang)
    y = np.arange(len(order))

    with house_style():
        ax = _new_axes(ax, (7.5, max(2.5, 0.34 * len(order) + 1.6)))
        left = np.zeros(len(order))
        handles = []
        for g in groups:
            widths = shown[g][order]
            colour = GROUP_COLOURS.get(g, PALETTE[groups.index(g) % len(PALETTE)])
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
        for g in groups:  # suppressed cells after the shown ones: one fixed length each
            hit = marks[g][order]
            if not hit.any():
                continue
            colour = GROUP_COLOURS.get(g, PALETTE[groups.index(g) % len(PALETTE)])
            ax.barh(
                y[hit],
                np.full(hit.sum(), nominal),
                left=left[hit],
                height=0.72,
                color="white",
                edgecolor=colour,
                hatch=_HATCH,
                linewidth=0.8,
            )
            for yi, xi, text in zip(y[hit], left[hit], texts[g][order][hit], strict=True):
                ax.text(
                    xi + nominal / 2,
                    yi,
                    text or f"<{threshold}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#222222",
                    bbox={
                        "boxstyle": "round,pad=0.1",
                        "facecolor": "white",
                        "edgecolor": "none",
                        "alpha": 0.85,
                    },
                )
            left = left + np.where(hit, nominal, 0.0)
        ax.set_yticks(y, names)
        ax.set_ylim(max(len(order), 1) - 0.5, -0.5)
        ax.xaxis.set_major_formatter(number_formatter(lang, 0))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(label("people", lang))
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, "x")
        if n_marked[order].any():
            handles.append(_suppressed_patch(threshold, lang))
        ax.legend(handles=handles, title=label("group", lang), loc="lower right")
        ax.set_title(
            title if title is not None else label("title_people", lang, by=label(by, lang).lower()),
            loc="left",
        )
    return ax


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

    People metrics (named like a group, or containing people/students/staff/population/headcount,
    or listed in ``people_metrics``) are suppressed: a central value of 1..threshold-1 becomes a
    hatched bar of fixed height labelled ``"<5"``, and a low or high end in that range is drawn at
    zero or omitted, so no whisker reveals a small count.

    Parameters
    ----------
    df : DataFrame
        Columns ``scenario, metric, low, central, high`` (low/high may be NA: no whisker), one
        row per scenario × metric.
    metrics, scenarios : sequence of str, optional
        Which and in what order (default: the frame's order).
    ax : Axes, optional
        Draw on this one Axes as grouped bars.
    lang : {"en", "nl"}
        Labels and number format.
    suppress, threshold, people_metrics
        Small-cell suppression, see above.
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
    _check_lang(lang)
    where = "plot_impact_comparison"
    _require(df, ["scenario", "metric", "central"], where)
    _require_unique(df, ["scenario", "metric"], where)
    frame = pd.DataFrame(
        {
            "scenario": df["scenario"].astype("string"),
            "metric": df["metric"].astype("string"),
            **{
                c: (
                    pd.to_numeric(df[c], errors="coerce").astype("float64")
                    if c in df.columns
                    else pd.Series(np.nan, index=df.index)
                )
                for c in ("low", "central", "high")
            },
        }
    )
    metric_order = list(metrics) if metrics is not None else list(pd.unique(frame["metric"]))
    scenario_order = (
        list(scenarios) if scenarios is not None else list(pd.unique(frame["scenario"]))
    )
    people = set(people_metrics or ()) | {m for m in metric_order if _is_people(m)}
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(scenario_order)}
    lookup = frame.set_index(["metric", "scenario"])

    def small(v: float) -> bool:
        return bool(np.isfinite(v) and 0 < v < threshold)

    def cells(metric: str) -> list[dict[str, Any]]:
        out = []
        for s in scenario_order:
            if (metric, s) not in lookup.index:
                out.append({"s": s, "c": np.nan, "lo": np.nan, "hi": np.nan, "mark": ""})
                continue
            c, lo, hi = (
                float(cast(float, lookup.at[(metric, s), k])) for k in ("central", "low", "high")
            )
            mark = ""
            if suppress and metric in people:
                if small(c):
                    c, mark = np.nan, f"<{threshold}"
                lo = 0.0 if small(lo) else lo
                hi = np.nan if small(hi) else hi
            out.append({"s": s, "c": c, "lo": lo, "hi": hi, "mark": mark})
        return out

    def draw(target: Axes, metric: str, centre: float, width: float, per_bar: bool) -> None:
        bars = cells(metric)
        finite = [v for b in bars for v in (b["c"], b["hi"]) if np.isfinite(v)]
        top = max(finite, default=float(threshold))
        nominal = max(threshold / 2, 0.02 * top)
        decimals = _decimals(np.array([b["c"] for b in bars], dtype=float))
        k = len(bars)
        for i, b in enumerate(bars):
            x = centre + (i - (k - 1) / 2) * width
            colour = colours[b["s"]]
            if b["mark"]:
                target.bar(
                    x,
                    nominal,
                    width=width * 0.8,
                    color="white",
                    edgecolor=colour,
                    hatch=_HATCH,
                    linewidth=0.8,
                )
                height, text = nominal, b["mark"]
            elif np.isfinite(b["c"]):
                target.bar(
                    x, b["c"], width=width * 0.8, color=colour, label=b["s"] if per_bar else None
                )
                height, text = b["c"], format_number(b["c"], lang, decimals)
            else:
                continue
            lo = b["lo"] if np.isfinite(b["lo"]) else height
            hi = b["hi"] if np.isfinite(b["hi"]) else height
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

    with house_style():
        legend_handles = [Patch(facecolor=colours[s], label=s) for s in scenario_order]
        legend_title = f"{label('scenario', lang)} ({label('range_note', lang)})"
        heading = title if title is not None else label("title_impact", lang)
        if ax is not None:
            width = 0.8 / max(1, len(scenario_order))
            for m_i, metric in enumerate(metric_order):
                draw(ax, metric, float(m_i), width, per_bar=False)
            ax.set_xticks(range(len(metric_order)), [label(m, lang) for m in metric_order])
            ax.yaxis.set_major_formatter(number_formatter(lang, 0))
            _style_axes(ax, "y")
            ax.legend(
                handles=legend_handles,
                title=legend_title,
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
            )
            ax.set_title(heading, loc="left")
            ax.margins(y=0.12)
            return np.asarray([ax], dtype=object)
        k = len(metric_order)
        ncol = min(k, 3)
        nrow = math.ceil(k / ncol)
        fig, grid = plt.subplots(
            nrow,
            ncol,
            figsize=(min(11.0, 3.3 * ncol + 0.8), 3.0 * nrow + 1.2),
            squeeze=False,
            layout="constrained",
        )
        flat = list(grid.ravel())
        for extra in flat[k:]:
            extra.remove()
        axes = flat[:k]
        width = 1.0
        for panel, metric in zip(axes, metric_order, strict=True):
            draw(panel, metric, (len(scenario_order) - 1) / 2, width, per_bar=False)
            panel.set_xticks([])
            panel.set_title(label(metric, lang), fontsize=10, loc="left")
            panel.yaxis.set_major_formatter(number_formatter(lang, 0))
            panel.margins(y=0.15)
            panel.set_ylim(bottom=0)
            _style_axes(panel, "y")
        fig.legend(
            handles=legend_handles,
            title=legend_title,
            loc="outside lower center",
            ncols=min(len(scenario_order), 4),
        )
        fig.suptitle(heading, x=0.01, ha="left")
    return np.asarray(axes, dtype=object)


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
    _check_lang(lang)
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
    ax.set_xticks(x, quarters, rotation=45, ha="right")
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_xlabel(label("quarter", lang))
    ax.set_title(title or label("title_trends", lang, value=label(metrics[0], lang)), loc="left")
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
