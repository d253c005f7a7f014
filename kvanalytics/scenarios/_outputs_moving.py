# moves to plots/privacy at merge: plot_compare -> kvanalytics.plots.plot_compare,
# published and _hide_costs_of_hidden_people -> kvanalytics.privacy.published (identical code).
"""Temporary: drawing and publishing of impacts, until they move to ``plots`` and ``privacy``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import config
from ._compare import compare
from ._metrics import _unit_of

if TYPE_CHECKING:  # only for the annotation: _impact imports published from here
    from ._impact import Impact

_HEADLINE = (
    "agreements_frozen",
    "agreements_cancelled",
    "agreements_reviewed",
    "value_eur_stopped",
    "exchange_in_stopped",
    "exchange_out_recalled",
    "support_population",
)


def plot_compare(
    impacts: Sequence[Impact],
    ax: Any = None,
    lang: str = "en",
    *,
    metrics: Sequence[str] | None = None,
    **kwargs: Any,
) -> Any:
    """Chart scenarios side by side (delegates to :func:`kvanalytics.plots.plot_impact_comparison`).

    People metrics are passed as such, so small counts are suppressed in the chart.

    Parameters
    ----------
    impacts : sequence of Impact
    ax : Axes, optional
        Draw everything on one Axes (only sensible for metrics with one unit).
    lang : {"en", "nl"}
    metrics : sequence of str, optional
        Default: the headline metrics present in the impacts.
    **kwargs
        Passed on to ``plot_impact_comparison``.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> axes = plot_compare([impact_nl, impact_be, impact_no])  # doctest: +SKIP
    """
    from ..plots import plot_impact_comparison

    df = compare(impacts)
    if metrics is None:
        present = set(df["metric"])
        metrics = [m for m in _HEADLINE if m in present]
    people = sorted({m for m in df["metric"] if _unit_of(str(m)) == "people"})
    return plot_impact_comparison(
        df[df["metric"].isin(list(metrics))],
        metrics=list(metrics),
        ax=ax,
        lang=lang,
        people_metrics=people,
        **kwargs,
    )


def published(df: pd.DataFrame, threshold: int = config.SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """A display copy of a summary-like frame with small people counts suppressed.

    Rows whose ``unit`` is ``people`` get ``low, central, high`` rounded to whole people (a
    central allocated by share is an expectation) and passed through
    :func:`kvanalytics.privacy.suppress_counts` (1..threshold-1 -> ``"<5"``); other rows keep
    their numbers. For a faculty × nationality table with totals use
    :meth:`Impact.support_table` and :func:`kvanalytics.privacy.suppress` instead.

    Parameters
    ----------
    df : DataFrame
        ``summary``, ``by_faculty``, ``by_country`` or :func:`compare` output (has ``unit``).
    threshold : int
        Smallest count shown as a number.

    Returns
    -------
    DataFrame
        A copy; ``low, central, high`` become object columns.

    Examples
    --------
    >>> published(compare([imp_nl, imp_be]))  # doctest: +SKIP
    """
    from ..privacy import suppress_counts

    cols = [c for c in ("low", "central", "high") if c in df.columns]
    out = df.copy()
    people = (df["unit"].astype("string") == "people").fillna(False).to_numpy(bool)
    if people.any() and cols:
        values = df.loc[people, cols].astype("Float64").round(0)
        shown = suppress_counts(values, cols, threshold)
        out[cols] = out[cols].astype(object)
        out.loc[people, cols] = shown.to_numpy()
        _hide_costs_of_hidden_people(out, cols)
    return out


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
