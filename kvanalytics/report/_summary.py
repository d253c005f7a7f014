"""The executive summary's numbers, as tidy frames (computed here, shown by the report).

:func:`key_figures` gives the few numbers a board reads first with their change against the
previous quarter and the same quarter a year before; :func:`risk_tie_changes` the ties starting
and ending in high-risk countries this quarter and next; :func:`scenario_headline` the bundled
freeze scenarios side by side. People are published (small numbers suppressed) by
:mod:`kvanalytics.privacy`; agreements and money are not personal and are shown as counted.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import config
from ..exposure import exposure, is_active
from ..privacy import publish_column, published_with_parts, read_published, total_disclosure
from ..reference import ProfilesArg, risk_tiers
from ..scenarios import ECONOMIC_METRICS, Impact, compare
from ..scenarios._economics import SOURCE_METRIC
from ..schemas import GROUPS, PEOPLE_SUMS

__all__ = [
    "HEADLINE_METRICS",
    "HIGH_TIER",
    "key_figures",
    "published_scenarios",
    "risk_tie_changes",
    "scenario_headline",
]

#: Countries of this risk tier or above are "high-risk" in the summary (DESIGN: 2 high, 3
#: restricted).
HIGH_TIER = 2
#: The scenario metrics the summary compares, in reading order.
HEADLINE_METRICS = (
    "agreements_frozen",
    "ties_frozen",
    "agreements_cancelled",
    "agreements_reviewed",
    "agreements_conditioned",
    "value_eur_stopped",
    "exchange_in_stopped",
    "exchange_out_recalled",
    "support_population",
    "support_cost_eur",
    "degree_students_lost",
    *ECONOMIC_METRICS,  # shown where some scenario gives them a value (figures given)
)
#: Groups counted as people *from* a country (outgoing exchange is counted by destination).
_PEOPLE_FROM = tuple(g for g in GROUPS if g != "exchange_out")
_VALUES = ("current", "previous_quarter", "year_before", "change_quarter", "change_year")


def _tiers(profile: ProfilesArg | None, at: pd.Timestamp | None = None) -> pd.Series:
    """Country -> tier of the profile (or lenses, combined) in force at ``at``; empty without."""
    if profile is None:
        return pd.Series(dtype="Int64")
    return risk_tiers(profile, at=at).set_index("country")["tier"]


def _high_countries(profile: ProfilesArg | None, at: pd.Timestamp | None = None) -> set[str]:
    tiers = _tiers(profile, at)
    return set(tiers.index[(tiers >= HIGH_TIER).fillna(False).to_numpy(bool)])


def _agreement_totals(partnerships: pd.DataFrame, at: pd.Timestamp) -> tuple[int, int, float]:
    """Active agreements (distinct ids), active ties (rows), and money per year of the active
    agreements, each agreement's value once (that of its first active tie, as in exposure)."""
    active = partnerships[is_active(partnerships, at).to_numpy()]
    first = active.drop_duplicates("agreement_id")
    if "value_eur" not in first.columns:
        return int(active["agreement_id"].nunique()), len(active), 0.0
    money = float(pd.to_numeric(first["value_eur"], errors="coerce").sum())
    return int(active["agreement_id"].nunique()), len(active), money


def _people_from(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame,
    at: pd.Timestamp,
    countries: Iterable[str],
) -> int | None:
    """Students and staff in force at ``at`` whose country is one of ``countries``; None
    (unknown, never 0) when no headcount is in force at ``at`` (before the first period)."""
    table = exposure(partnerships, headcounts, by=("country",), at=at)
    cols = [g for g in _PEOPLE_FROM if g in table.columns]
    if not cols or table[cols].isna().all(axis=None):
        return None if cols or not table.empty else 0
    rows = table[table["country"].isin(list(countries))]
    return int(rows[cols].fillna(0).to_numpy().sum())


def key_figures(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    quarter: str,
    risk_profile: ProfilesArg | None = "freedom-house",
    threshold: int = config.SUPPRESSION_THRESHOLD,
) -> pd.DataFrame:
    """The summary's key figures at the end of ``quarter``, the quarter before and a year before.

    Parameters
    ----------
    partnerships, headcounts : DataFrame
        Canonical tables; without headcounts the people row is left out.
    quarter : str
        ``"2026Q3"``: stock is counted on its last day.
    risk_profile : DataFrame, str or list, optional
        Tiers of the countries (several lenses: the highest; a dated profile: the edition in
        force on each day counted); tier 2 or 3 is "high-risk".
    threshold : int
        People counts 1..threshold-1 are published as ``"<threshold"``.

    Returns
    -------
    DataFrame
        One row per metric: ``metric, unit`` (``agreements``, ``ties``, ``eur_per_year``,
        ``countries``, ``people``), ``current, previous_quarter, year_before,
        change_quarter, change_year``. The people row is published: a suppressed value is
        ``"<5"`` and a change involving one is ``"x"`` (so it cannot be worked back).

    Examples
    --------
    >>> key_figures(table, headcounts, quarter="2026Q3")  # doctest: +SKIP
    """
    period = pd.Period(quarter, freq="Q")
    days = [(period - k).end_time.normalize() for k in (0, 1, 4)]
    # Each day counts with the tiers in force on it (a dated profile: that day's edition).
    countries_high = [_high_countries(risk_profile, at) for at in days]
    rows: dict[str, tuple[str, list[float]]] = {
        "agreements_active": ("agreements", []),
        "ties_active": ("ties", []),
        "value_eur": ("eur_per_year", []),
        "countries": ("countries", []),
        "agreements_high_risk": ("agreements", []),
        "value_eur_high_risk": ("eur_per_year", []),
    }
    for at, in_force in zip(days, countries_high, strict=True):
        high = partnerships["country"].isin(in_force).to_numpy(bool)
        n, ties, money = _agreement_totals(partnerships, at)
        n_high, _, money_high = _agreement_totals(partnerships[high], at)
        countries = partnerships.loc[is_active(partnerships, at).to_numpy(), "country"].nunique()
        for key, value in zip(rows, (n, ties, money, countries, n_high, money_high), strict=True):
            rows[key][1].append(value)
    out = pd.DataFrame(
        [(k, unit, *vals) for k, (unit, vals) in rows.items()],
        columns=["metric", "unit", "current", "previous_quarter", "year_before"],
    )
    out["change_quarter"] = out["current"] - out["previous_quarter"]
    out["change_year"] = out["current"] - out["year_before"]
    out = out.astype({c: object for c in _VALUES})
    counted = (out["unit"] != "eur_per_year").to_numpy()
    for c in _VALUES:  # counts are whole numbers: 314, not 314.0
        out.loc[counted, c] = [int(v) for v in out.loc[counted, c]]
    out["note"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if headcounts is not None:
        hidden = _totals_disclosing(partnerships, headcounts, days, countries_high, risk_profile,
                                    threshold)  # fmt: skip
        people = _people_row(partnerships, headcounts, days, countries_high, threshold, hidden)
        out = pd.concat([out, people])
    return out.reset_index(drop=True)


#: The note of a people total hidden because it would give a hidden cell away.
TOTAL_HIDDEN_NOTE = (
    "people from countries of risk tier 2 or 3: the total is hidden (x), because with the "
    "per-country table beside it a hidden count could be worked out from it."
)


def _people_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The people cells of a per-country table by country (countries with none left out)."""
    cols = published_people_columns(table)
    cells = table.set_index("country")[cols].astype("Float64")
    return cells[(cells.fillna(0) != 0).any(axis=1)].sort_index()


def _totals_disclosing(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame,
    days: list[pd.Timestamp],
    high: list[set[str]],
    profile: ProfilesArg | None,
    threshold: int,
) -> list[bool]:
    """Per day, whether its people total would give away a hidden cell of the per-country
    table published beside it (the quarterly dashboard's, at the first day). A day whose
    headcounts in force are those of the table (same cells: the same academic year) is a sum
    of the table's cells too; every such total is checked together
    (:func:`kvanalytics.privacy.total_disclosure`), and all of them are hidden when any cell
    is pinned."""
    tables = [
        exposure(partnerships, headcounts, by=("country",), at=at, risk_profile=profile)
        for at in days
    ]
    table = tables[0]
    cols = published_people_columns(table)
    if not cols:
        return [False] * len(days)
    shown = _people_cells(table)
    same = [
        k == 0 or (published_people_columns(t) == cols and _people_cells(t).equals(shown))
        for k, t in enumerate(tables)
    ]
    parts = []
    for countries, on_table in zip(high, same, strict=True):
        if on_table:
            mask = pd.DataFrame(False, index=table.index, columns=cols)
            rows = table["country"].isin(list(countries)).to_numpy(bool)
            mask.loc[rows, [g for g in _PEOPLE_FROM if g in cols]] = True
            parts.append(mask)
    audit = total_disclosure(table, cols, parts, threshold)
    return [on_table and bool(audit["exact"].any()) for on_table in same]


def published_people_columns(table: pd.DataFrame) -> list[str]:
    """The people columns of a per-country exposure table that the report publishes: the
    groups, then their sums (the one choice the dashboard and the summary share)."""
    return [c for c in (*GROUPS, *PEOPLE_SUMS) if c in table.columns]


def _people_row(
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame,
    days: list[pd.Timestamp],
    high: list[set[str]],
    threshold: int,
    hidden: list[bool],
) -> pd.DataFrame:
    """People from high-risk countries at the three days (each with its own tiers), published,
    with published changes; a ``hidden`` day's total is ``"x"`` with a note saying why."""
    values = pd.Series(
        [_people_from(partnerships, headcounts, at, c) for at, c in zip(days, high, strict=True)]
    )
    shown = publish_column(values.astype("Int64"), threshold)
    shown = shown.astype(object).mask(pd.Series(hidden, index=shown.index), "x")
    cells = read_published(shown.astype(object))
    numbers = cells.numbers

    def change(a: int, b: int) -> object:
        if cells.suppressed.iloc[a] or cells.suppressed.iloc[b]:
            return "x"
        if pd.isna(numbers.iloc[a]) or pd.isna(numbers.iloc[b]):
            return pd.NA  # a day with no headcount in force: the change is unknown too
        return int(numbers.iloc[a] - numbers.iloc[b])

    return pd.DataFrame(
        {
            "metric": ["people_high_risk"],
            "unit": ["people"],
            "current": [shown.iloc[0]],
            "previous_quarter": [shown.iloc[1]],
            "year_before": [shown.iloc[2]],
            "change_quarter": [change(0, 1)],
            "change_year": [change(0, 2)],
            "note": pd.Series([TOTAL_HIDDEN_NOTE if any(hidden) else pd.NA], dtype="string"),
        }
    )


def risk_tie_changes(
    partnerships: pd.DataFrame,
    *,
    quarter: str,
    risk_profile: ProfilesArg | None = "freedom-house",
) -> pd.DataFrame:
    """Ties in high-risk countries (tier 2 or 3) that start or end in ``quarter`` and the next.

    Parameters
    ----------
    partnerships : DataFrame
        Canonical partnerships.
    quarter : str
        ``"2026Q3"``; the next quarter is counted too.
    risk_profile : DataFrame, str or list, optional
        Tiers of the countries in force at each quarter's end (several lenses: the highest).

    Returns
    -------
    DataFrame
        ``quarter, country, risk_tier, ties_starting, ties_ending``: one row per quarter ×
        country with any, quarters in order, countries by most ties; no rows when none.

    Examples
    --------
    >>> risk_tie_changes(table, quarter="2026Q3")  # doctest: +SKIP
    """
    frames = []
    for k in (0, 1):
        period = pd.Period(quarter, freq="Q") + k
        lo, hi = period.start_time.normalize(), period.end_time.normalize()
        tiers = _tiers(risk_profile, hi)  # the tiers in force at the quarter's end
        high = partnerships[partnerships["country"].isin(_high_countries(risk_profile, hi))]
        high_tier = high["country"].astype("string").map(tiers).astype("Int64")
        start = pd.to_datetime(high["start"])
        end = pd.to_datetime(high["end"])
        starting = ((start >= lo) & (start <= hi)).fillna(False).to_numpy(bool)
        ending = ((end >= lo) & (end <= hi)).fillna(False).to_numpy(bool)
        frame = pd.DataFrame(
            {
                "quarter": str(period),
                "country": high["country"].astype("string").to_numpy(),
                "risk_tier": high_tier.to_numpy(),
                "ties_starting": starting.astype(np.int64),
                "ties_ending": ending.astype(np.int64),
            }
        )
        frames.append(frame[starting | ending])
    both = pd.concat(frames, ignore_index=True)
    out = both.groupby(["quarter", "country", "risk_tier"], as_index=False, observed=True)[
        ["ties_starting", "ties_ending"]
    ].sum()
    out["_n"] = out["ties_starting"] + out["ties_ending"]
    out = out.sort_values(["quarter", "_n", "country"], ascending=[True, False, True])
    return out.drop(columns="_n").reset_index(drop=True)


def scenario_headline(
    impacts: Iterable[Impact], *, threshold: int = config.SUPPRESSION_THRESHOLD
) -> pd.DataFrame:
    """The scenarios' headline metrics side by side, published (people suppressed).

    Parameters
    ----------
    impacts : iterable of Impact
        Results of :func:`kvanalytics.impact`, e.g. the bundled freeze scenarios.
    threshold : int
        People counts 1..threshold-1 are published as ``"<threshold"``.

    Returns
    -------
    DataFrame
        ``scenario, metric, unit, low, central, high`` for the metrics of
        :data:`HEADLINE_METRICS` a scenario has, in that order.

    Examples
    --------
    >>> scenario_headline(impact(n, table, headcounts) for n in DEFAULT_SCENARIOS)  # doctest: +SKIP
    """
    table, _ = published_scenarios(impacts, threshold)
    table = table[table["metric"].isin(HEADLINE_METRICS)]
    economic = table["metric"].isin([SOURCE_METRIC, *ECONOMIC_METRICS])
    # A metric the economic value adds shows only where a scenario has it: not NA (no figures
    # given) and not 0 (degree students exempt) for every scenario.
    empty = table["central"].isna() | table["central"].astype(object).eq(0)
    shown = ~empty.groupby(table["metric"]).transform("all")
    table = table[~economic | shown]
    order = {m: i for i, m in enumerate(HEADLINE_METRICS)}
    scenarios = {s: i for i, s in enumerate(dict.fromkeys(table["scenario"]))}
    key = table["metric"].map(order) + 1000 * table["scenario"].map(scenarios)
    return table.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def published_scenarios(
    impacts: Iterable[Impact], threshold: int = config.SUPPRESSION_THRESHOLD
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The scenarios side by side and each one's per-faculty table, published together
    (:func:`kvanalytics.privacy.published_with_parts`): a scenario's people total less its
    shown faculty cells gives no hidden faculty cell back.

    Returns
    -------
    (DataFrame, dict)
        :func:`kvanalytics.compare` published, and scenario label -> ``by_faculty`` published.

    Examples
    --------
    >>> table, by_faculty = published_scenarios([impact_nl, impact_be])  # doctest: +SKIP
    """
    impacts = list(impacts)
    table = compare(impacts)
    names = list(dict.fromkeys(table["scenario"].astype(str)))  # compare's labels, in order
    parts = pd.concat(
        [imp.by_faculty.assign(scenario=name) for imp, name in zip(impacts, names, strict=True)],
        ignore_index=True,
    )
    shown, shown_parts = published_with_parts(table, parts, threshold)
    by_faculty = {
        name: shown_parts[shown_parts["scenario"] == name].drop(columns="scenario")
        for name in names
    }
    return shown, by_faculty
