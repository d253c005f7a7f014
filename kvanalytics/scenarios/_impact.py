"""The result of a scenario: :class:`Impact` and :func:`impact`, with the summary table and its
notes (the detail tables are built in :mod:`._tables`)."""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..errors import OptionError, UnknownNameError
from ..privacy import published, published_with_parts
from ..schemas import check_headcounts, check_partnerships
from ._catalogue import load_scenario
from ._economics import ECONOMIC_METRICS, _with_economics, economic_note, missing_assumptions
from ._metrics import METRICS, TIE_METRICS, _unit_of
from ._model import _Model, _model
from ._spec import Assumptions, Range, Scenario
from ._tables import _affected_table, _assumption_table, _timeline, _unit_table
from ._targets import _REQUIRED_PARTNERSHIPS, RiskProfileArg
from ._terms import (
    _F_DATA,
    _F_FLOW,
    _F_LEVEL,
    _F_TARGET,
    _F_VALUE,
    _evaluate,
    _factor_values_det,
    _factor_values_mc,
    _group_arrays,
    _nan_group_sum,
    _to_frame,
)


@dataclass(frozen=True)
class Impact:
    """The result of :func:`impact`; every table is tidy and freshly built (never shared).

    Attributes
    ----------
    scenario : Scenario
    summary : DataFrame
        ``metric, unit, low, central, high, note`` in :data:`METRICS` order (support metrics
        also per nationality, ``support_population_UA``...). ``agreements_*`` count distinct
        agreement ids with a tie hit, ``ties_*`` the ties (rows): a Horizon project with three
        Russian partners frozen is 1 agreement and 3 ties. Money and data exchange count an
        agreement once: each of its k hit ties carries 1/k, so a consortium's value (on every
        tie) is not multiplied, and by_faculty / by_country share it among the ties' units.
    by_faculty, by_country : DataFrame
        ``faculty`` (or ``country``), ``metric, unit, low, central, high``; deterministic ranges;
        rows that are zero everywhere are left out. For people, ``country`` is the nationality
        (destination for exchange_out); for agreements the partner country.
    affected : DataFrame
        Every agreement a measure bears on (exempted ones included, ``outcome`` "exempt"), with
        ``targets`` (what hit it), ``measures``, ``exemption``, ``outcome`` and ``uncertain``
        (which NA inputs make it a range).
    timeline : DataFrame
        ``quarter, quarter_start, quarter_end, metric, unit, low, central, high`` for the quarters
        from the effective date: ``ties_frozen`` and ``ties_cancelled`` (ties that would still
        run at quarter end), ``value_eur_stopped`` (money that would have flowed in the
        quarter), ``agreements_frozen`` and ``agreements_cancelled`` (the same ties as
        agreements, 1/k per tie); a tie stops counting after its natural end.
    assumptions : DataFrame
        ``name, low, central, high, value, source`` as used (``observed`` ones derived here).
    notes : tuple of str
        Data caveats (unknown countries in a profile, headcount periods used...).
    draws : int
        Monte Carlo draws behind ``summary`` (0 = deterministic).
    samples : DataFrame or None
        With draws: one column per summary metric, one row per draw (central coefficients).
    """

    scenario: Scenario
    summary: pd.DataFrame
    by_faculty: pd.DataFrame
    by_country: pd.DataFrame
    affected: pd.DataFrame
    timeline: pd.DataFrame
    assumptions: pd.DataFrame
    notes: tuple[str, ...] = ()
    draws: int = 0
    samples: pd.DataFrame | None = None

    def metric(self, name: str) -> tuple[float, float, float]:
        """``(low, central, high)`` of one summary metric (NaN where unknown).

        Examples
        --------
        >>> imp.metric("agreements_frozen")  # doctest: +SKIP
        (12.0, 12.0, 12.0)
        """
        row = self.summary.loc[self.summary["metric"] == name]
        if row.empty:
            raise UnknownNameError(
                f"{name!r} is not a metric of this impact; have {', '.join(self.summary['metric'])}."
            )
        r = row.iloc[0]
        return tuple(float(x) if pd.notna(x) else math.nan for x in (r.low, r.central, r.high))  # type: ignore[return-value]

    def support_table(self, by: str = "faculty") -> pd.DataFrame:
        """Support population (central) per ``by`` × nationality, without totals.

        The shape :func:`kvanalytics.privacy.suppress` publishes with totals and secondary
        suppression; NA where a headcount is unknown.

        Examples
        --------
        >>> from kvanalytics.privacy import suppress
        >>> suppress(imp.support_table()).table  # doctest: +SKIP
        """
        if by not in ("faculty", "country"):
            raise UnknownNameError(f"by={by!r}: a support table is by 'faculty' or 'country'.")
        t = self.by_faculty if by == "faculty" else self.by_country
        rows = t.loc[t["metric"].str.startswith("support_population_")]
        nationality = rows["metric"].str.slice(len("support_population_"))
        # rows that are zero everywhere are left out of by_faculty: absent = 0, NA = unknown
        marked = rows.assign(nationality=nationality, v=rows["central"].fillna(-1.0))
        table = marked.pivot(index=by, columns="nationality", values="v").fillna(0.0)
        table = table.mask(table < 0)
        order = [c for c in self.scenario.assumptions.support_nationalities if c in table.columns]
        table = table[order].astype("Float64").round(0).astype("Int64")
        table.columns.name = None
        return table

    def published(self) -> dict[str, pd.DataFrame]:
        """The summary, ``by_faculty`` and ``by_country`` as they may be published together:
        each table of parts with the totals it adds up to (:func:`published_with_parts`), and a
        total hidden beside either table hidden in the summary. Every output that shows more
        than one of them (``to_dict``, the CLI, the dashboard) takes them from here.

        Examples
        --------
        >>> imp.published()["summary"]  # doctest: +SKIP
        """
        s, by_faculty = published_with_parts(self.summary, self.by_faculty)
        with_country, by_country = published_with_parts(self.summary, self.by_country)
        cols = ["low", "central", "high"]
        hidden = with_country[cols].map(lambda v: isinstance(v, str)).to_numpy(bool)
        s[cols] = s[cols].mask(hidden, with_country[cols])  # hidden in either: hidden
        return {"summary": s, "by_faculty": by_faculty, "by_country": by_country}

    def to_dict(self, *, suppress: bool = True) -> dict[str, Any]:
        """A JSON-ready dict (for the CLI): ``scenario, effective, metrics, by_faculty,
        by_country, assumptions``.

        ``metrics`` maps each summary metric to ``{"low", "central", "high"}`` (None where
        unknown); ``by_faculty`` (``by_country``) is a list of ``{"faculty" ("country"),
        "metric", "low", "central", "high"}``; ``assumptions`` lists ``{"name", "low",
        "central", "high", "value", "source", "citation"}`` as used (the economic figures with
        their source texts). People counts are published (see :func:`published`: whole people,
        1..4 as ``"<5"``, money computed from a hidden count as ``"x"``) unless
        ``suppress=False`` (internal use).

        Parameters
        ----------
        suppress : bool
            Publish people counts (small-cell suppression); False gives the raw numbers.

        Returns
        -------
        dict

        Examples
        --------
        >>> sorted(imp.to_dict())  # doctest: +SKIP
        ['assumptions', 'by_country', 'by_faculty', 'effective', 'metrics', 'scenario']
        """
        s, shown_by = self.summary, {"faculty": self.by_faculty, "country": self.by_country}
        if suppress:
            pub = self.published()
            s, shown_by = (
                pub["summary"],
                {"faculty": pub["by_faculty"], "country": pub["by_country"]},
            )
        metrics = {
            str(r.metric): {"low": _num(r.low), "central": _num(r.central), "high": _num(r.high)}
            for r in s.itertuples(index=False)
        }
        units = {}
        for unit, shown in shown_by.items():
            units[f"by_{unit}"] = [
                {
                    unit: _text_or_none(getattr(r, unit)),
                    "metric": str(r.metric),
                    "low": _num(r.low),
                    "central": _num(r.central),
                    "high": _num(r.high),
                }
                for r in shown.itertuples(index=False)
            ]
        assumptions = [
            {k: (_num(v) if k in ("low", "central", "high") else str(v)) for k, v in row.items()}
            for row in self.assumptions.to_dict("records")
        ]
        return {
            "scenario": self.scenario.name,
            "effective": self.scenario.effective.isoformat(),
            "metrics": metrics,
            **units,
            "assumptions": assumptions,
        }

    def _repr_html_(self) -> str:
        s = self.scenario
        mc = f", Monte Carlo {self.draws} draws (5th–95th percentile)" if self.draws else ""
        shown = published(self.summary)
        for c in ("low", "central", "high"):  # numbers formatted, "<5" kept as text
            shown[c] = [
                _fmt(x) if isinstance(x, float | int) and pd.notna(x) else x for x in shown[c]
            ]
        table = shown.to_html(index=False, na_rep="NA")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<h4>Impact of {html.escape(s.name)} (effective {s.effective.isoformat()}{mc})</h4>"
            f"<p>{html.escape(s.description)}<br><small>{html.escape(s.source)}</small></p>"
            f"{table}<p><small>People counts 1–{config.SUPPRESSION_THRESHOLD - 1} show as "
            f"&lt;{config.SUPPRESSION_THRESHOLD}; raw values in <code>.summary</code>.</small></p>"
            f"<p>{len(self.affected)} agreements affected "
            "(see <code>.affected</code>, <code>.by_faculty</code>, <code>.timeline</code>)</p>"
            + self._economic_html()
            + (f"<ul>{notes}</ul>" if notes else "")
        )

    def economic_table(self, by: str = "faculty") -> pd.DataFrame:
        """The economic value at stake per faculty (or country), published: one row per unit,
        one column per computed metric (degree students lost and not admitted, tuition, public
        funding, direct contribution), cells ``"central (low–high)"``; ``"x"`` where the count
        it is computed from is hidden, ``"<5"`` for a small count.

        Examples
        --------
        >>> imp.economic_table("faculty")  # doctest: +SKIP
        """
        if by not in ("faculty", "country"):
            raise UnknownNameError(f"by={by!r}: an economic table is by 'faculty' or 'country'.")
        t = published(self.by_faculty if by == "faculty" else self.by_country)
        rows = t.loc[t["metric"].isin(["degree_students_lost", *ECONOMIC_METRICS])]
        cell = [_range_text(r.low, r.central, r.high) for r in rows.itertuples(index=False)]
        table = rows.assign(cell=cell).pivot(index=by, columns="metric", values="cell")
        order = [c for c in ("degree_students_lost", *ECONOMIC_METRICS) if c in table.columns]
        table = table[order].fillna("0")
        table.columns.name = None
        return table

    def _economic_html(self) -> str:
        econ = self.summary.loc[self.summary["metric"].isin(list(ECONOMIC_METRICS))]
        if econ.empty or econ["central"].fillna(0).eq(0).all():
            return ""
        return (
            "<h5>Economic value at stake, per faculty (central, low–high)</h5>"
            + self.economic_table().to_html(na_rep="NA")
            + "<p><small>Figures and their sources: the notes of the summary and "
            "<code>.assumptions</code>; money is hidden (x) where the headcount it is computed "
            "from is.</small></p>"
        )


def _range_text(low: Any, central: Any, high: Any) -> str:
    """``"central (low–high)"`` of a published cell (text such as ``"<5"`` kept as it is)."""
    f = [
        x if isinstance(x, str) else "NA" if pd.isna(x) else _fmt(float(x))
        for x in (low, central, high)
    ]
    return f[1] if f[0] == f[1] == f[2] else f"{f[1]} ({f[0]}–{f[2]})"


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.2f}".rstrip("0").rstrip(".")


def impact(
    scenario: Scenario | str | Path,
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None = None,
    *,
    watchlists: Mapping[str, pd.DataFrame] | None = None,
    risk_profile: RiskProfileArg = None,
    draws: int = 0,
    seed: int = 0,
    quarters: int = 8,
) -> Impact:
    """Apply a scenario to the canonical tables: what stops, for whom, where, with ranges.

    Parameters
    ----------
    scenario : Scenario, or a bundled name / YAML path
        The policy (see the module docs for the semantics).
    partnerships : DataFrame
        Canonical partnerships table (``kvanalytics.read_partnerships``). Not modified.
    headcounts : DataFrame, optional
        Canonical headcounts; without it the people metrics are NA. Not modified.
    watchlists : mapping of name -> DataFrame, optional
        Watchlists (tidy, as from :func:`kvanalytics.reference.load_watchlist`) for the names the
        scenario targets; names not given are loaded (bundled name or path).
    risk_profile : DataFrame, str, list or mapping, optional
        Replaces the scenario's risk profile (columns ``country, tier``) or names another one;
        or a mapping lens name -> profile supplying lenses the scenario names (e.g. NO's
        ``countries-of-concern``); a mapping naming none of them, or a list, replaces them
        (combined by the highest tier).
    draws : int
        0: deterministic low/central/high. > 0: Monte Carlo over the assumption ranges
        (triangular), summary low/central/high = 5th percentile / median / 95th percentile.
    seed : int
        Seed of the Monte Carlo draws (same seed, same result).
    quarters : int
        Length of the timeline, in quarters from the effective date's quarter.

    Returns
    -------
    Impact

    Examples
    --------
    >>> imp = impact("nl-2022-freeze", partnerships, headcounts)  # doctest: +SKIP
    >>> imp.summary[["metric", "low", "central", "high"]]  # doctest: +SKIP
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if draws < 0 or quarters < 1:
        raise OptionError(
            f"draws must be >= 0 and quarters >= 1; got draws={draws}, quarters={quarters}."
        )
    check_partnerships(partnerships, where="impact", required=_REQUIRED_PARTNERSHIPS)
    if headcounts is not None:
        check_headcounts(headcounts, where="impact")
    m = _with_economics(
        scenario, _model(scenario, partnerships, headcounts, watchlists, risk_profile)
    )
    det = _factor_values_det(m.ranges)
    fine, fine_vals = _evaluate(m.terms, ["metric", "faculty", "country"], det)
    evaluated, samples = _evaluate_summary(scenario, m, fine, fine_vals, draws, seed)
    return Impact(
        scenario=scenario,
        summary=_summary_table(evaluated, scenario, m),
        by_faculty=_unit_table(fine, fine_vals, "faculty"),
        by_country=_unit_table(fine, fine_vals, "country"),
        affected=_affected_table(m),
        timeline=_timeline(m, quarters, det),
        assumptions=_assumption_table(scenario, m.observed_value),
        notes=tuple(m.notes),
        draws=int(draws),
        samples=samples,
    )


def _evaluate_summary(
    scenario: Scenario,
    m: _Model,
    fine: Mapping[str, np.ndarray],
    fine_vals: np.ndarray,
    draws: int,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Per metric ``low, central, high`` (deterministic, or Monte Carlo percentiles) and samples.

    The deterministic summary is the fine (metric × faculty × country) evaluation rolled up; with
    draws the terms are evaluated per metric over the draws, and ``samples`` holds the central
    value of each draw.
    """
    mc = draws > 0
    if mc:
        fac = _factor_values_mc(scenario, m.ranges, draws, seed)
        groups, vals = _evaluate(m.terms, ["metric"], fac)
    else:
        inv, first = _group_arrays([fine["metric"]])
        groups = {"metric": fine["metric"][first]}
        vals = _nan_group_sum(inv, len(first), fine_vals)
    samples = None
    if mc:
        samples = pd.DataFrame(vals[:, 1, :].T, columns=groups["metric"].tolist())
    return _to_frame(groups, vals, mc), samples


def _metric_order(a: Assumptions) -> list[str]:
    """The summary's metrics in display order (support ones only with support nationalities)."""
    order = list(METRICS)
    if a.support_nationalities:
        order += [f"support_population_{c}" for c in a.support_nationalities]
        order += [f"support_cost_eur_{c}" for c in a.support_nationalities]
    else:
        order = [x for x in order if not x.startswith("support_")]
    return order


def _summary_table(evaluated: pd.DataFrame, scenario: Scenario, m: _Model) -> pd.DataFrame:
    """``metric, unit, low, central, high, note``: every metric of the scenario, in order.

    A metric without terms is 0 (a point), unless its input (headcounts) is missing, or none
    of its groups is in force at the effective date: then NA (unknown is not zero). A people
    metric whose measure is off (or exempt) is 0 with or without headcounts.
    """
    meas = scenario.measures.on()
    degree_off = "stop_exchange_in" not in meas or scenario.exemptions.degree_students
    off = {
        "exchange_out_recalled": "recall_exchange_out" not in meas,
        "exchange_in_stopped": "stop_exchange_in" not in meas,
        "degree_students_lost": degree_off,
        **dict.fromkeys(ECONOMIC_METRICS, degree_off),
    }
    got = {
        str(name): (lo, ce, hi)
        for name, lo, ce, hi in zip(
            evaluated["metric"],
            evaluated["low"],
            evaluated["central"],
            evaluated["high"],
            strict=True,
        )
    }
    rows = []
    for name in _metric_order(scenario.assumptions):  # a dozen metrics, not agreements
        from_people = _unit_of(name) == "people" or name.startswith("support_")
        unknown = (from_people or name in ECONOMIC_METRICS) and not off.get(name, False)
        no_input = not m.have_headcounts or name in m.people_unknown
        missing = (pd.NA,) * 3 if unknown and no_input else (0.0,) * 3
        if unknown and name in ECONOMIC_METRICS and missing_assumptions(scenario.assumptions, name):
            missing = (pd.NA,) * 3  # not computed: the note names the assumptions to add
        rows.append((name, _unit_of(name), *got.get(name, missing)))
    summary = pd.DataFrame(rows, columns=["metric", "unit", "low", "central", "high"])
    for c in ("low", "central", "high"):
        summary[c] = summary[c].astype("Float64")
    summary["note"] = _summary_notes(summary["metric"], scenario, m)
    return summary[["metric", "unit", "low", "central", "high", "note"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Notes of the summary
# --------------------------------------------------------------------------------------------
_MEASURE_OF = {
    "agreements_frozen": ("freeze_institutional",),
    "agreements_cancelled": ("cancel_planned",),
    "agreements_reviewed": ("review",),
    "agreements_conditioned": ("condition",),
    "value_eur_stopped": ("freeze_institutional", "stop_financial_flows"),
    "data_exchange_stopped": ("freeze_institutional", "stop_data_exchange"),
    "exchange_out_recalled": ("recall_exchange_out",),
    "exchange_in_stopped": ("stop_exchange_in",),
    "degree_students_lost": ("stop_exchange_in",),
    **dict.fromkeys(ECONOMIC_METRICS, ("stop_exchange_in",)),
}


def _summary_notes(metrics: pd.Series, scenario: Scenario, model: _Model) -> list[str]:
    """One note per summary metric: what it counts, and which NA inputs make it a range."""
    count = _note_counts(model.terms)
    return [_metric_note(str(m), scenario, model, count) for m in metrics]


def _note_counts(terms: Mapping[str, np.ndarray]) -> Callable[[str, str], int]:
    """``count(metric, flag)``: how many agreements (headcount cells) of a metric carry a flag.

    Flags: ``lvl``, ``flow``, ``dat``, ``val``, ``tgt`` (an unknown level, financial_flows,
    data_exchange, value_eur, target status) and ``part`` (a range from the data). Sums of ``n``, not term rows.
    """
    codes, names = pd.factorize(terms["metric"])
    mask, n = terms["mask"], terms["n"]
    flags = {
        "lvl": (mask & _F_LEVEL) > 0,
        "flow": (mask & _F_FLOW) > 0,
        "dat": (mask & _F_DATA) > 0,
        "val": (mask & _F_VALUE) > 0,
        "tgt": (mask & _F_TARGET) > 0,
        "part": terms["c_low"] != terms["c_high"],
    }
    where = {str(x): i for i, x in enumerate(names)}
    sums = {k: np.bincount(codes, weights=n * f, minlength=len(names)) for k, f in flags.items()}

    def count(metric: str, col: str) -> int:
        i = where.get(metric)
        return int(sums[col][i] + 0.5) if i is not None else 0

    return count


def _metric_note(m: str, scenario: Scenario, model: _Model, c: Callable[[str, str], int]) -> str:
    """The note of one summary metric (``c`` from :func:`_note_counts`)."""
    d, stop_date, people_notes = model.d, model.stop_date, model.people_notes
    meas, ex = scenario.measures.on(), scenario.exemptions
    base = m if m in METRICS else m.rsplit("_", 1)[0]
    base = TIE_METRICS.get(base, base)  # a tie count's note is its agreement count's
    if base in _MEASURE_OF and not any(x in meas for x in _MEASURE_OF[base]):
        return "measure not in scenario"
    if base in ("degree_students_lost", *ECONOMIC_METRICS) and ex.degree_students:
        return "exempt: degree_students"
    from_people = _unit_of(m) == "people" or base.startswith("support_") or base in ECONOMIC_METRICS
    if not model.have_headcounts and from_people:
        return "no headcounts given"
    if base in ECONOMIC_METRICS:
        return economic_note(scenario.assumptions, base)
    bits: list[str] = []
    if base in ("agreements_frozen", "value_eur_stopped", "data_exchange_stopped"):
        bits.append(f"active at {d.date()}")
    if base == "agreements_cancelled":
        bits.append(f"planned or starting after {d.date()}")
    if base in ("agreements_reviewed", "agreements_conditioned"):
        bits.append(f"active or planned at {d.date()}")
    bits += _uncertain_bits(m, scenario.assumptions, model.observed_value, c)
    if base == "exchange_out_recalled":
        bits.append(f"stop date {stop_date['exchange_out'].date()}")
    if base == "exchange_in_stopped":
        bits.append(f"stop date {stop_date['exchange_in'].date()}")
    if m in model.people_unknown:
        bits.append(f"no headcount in force at {d.date()}: unknown (NA), not 0")
    if base in ("exchange_out_recalled", "exchange_in_stopped", "degree_students_lost") and c(
        m, "part"
    ):
        bits.append("partly targeted countries allocated by share of exchange agreements hit")
    if base.startswith("support_"):
        nat = m[len(base) + 1 :] if m != base else ""
        unknown = people_notes.get("support_unknown", "")
        if nat and nat in unknown.split(", "):
            return "headcount unknown (NA): never counted as 0"
        if base == "support_population":
            bits.append(people_notes.get("support", ""))
        else:
            bits.append("population × take-up × monthly EUR × months")
        if not nat and unknown:
            bits.append(f"unknown: {unknown} (low is a lower bound; central/high NA)")
    return "; ".join(bits)


def _uncertain_bits(
    m: str, a: Assumptions, observed_value: Range, c: Callable[[str, str], int]
) -> list[str]:
    """How many of a metric's agreements have an unknown input, and the assumed range."""
    bits = []
    if c(m, "tgt"):
        r = a.share_unknown_target_true or Range(0.0, 0.5, 1.0)
        bits.append(
            f"{c(m, 'tgt')} of unknown target status (partner type unknown or not on a partial "
            f"list; share targeted {r.low:g}–{r.high:g})"
        )
    if c(m, "lvl"):
        r = a.share_unknown_level_individual
        bits.append(f"{c(m, 'lvl')} of unknown level (share individual {r.low:g}–{r.high:g})")
    if c(m, "flow"):
        r = a.share_unknown_financial_flows_true
        bits.append(
            f"{c(m, 'flow')} with unknown financial_flows (share true {r.low:g}–{r.high:g})"
        )
    if c(m, "dat"):
        r = a.share_unknown_data_exchange_true
        bits.append(f"{c(m, 'dat')} with unknown data_exchange (share true {r.low:g}–{r.high:g})")
    if c(m, "val"):
        r = a.unknown_value_eur or observed_value
        src = "assumed" if a.unknown_value_eur else "observed"
        bits.append(
            f"{c(m, 'val')} with unknown value_eur ({src} {r.low:,.0f}–{r.high:,.0f} EUR/year)"
        )
    return bits


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------
def _text_or_none(x: Any) -> str | None:
    return None if x is None or pd.isna(x) else str(x)


def _num(x: Any) -> float | str | None:
    if isinstance(x, str):  # a suppressed people count, "<5"
        return x
    return None if pd.isna(x) else float(x)


def impact_to_dict(impact: Impact, *, suppress: bool = True) -> dict[str, Any]:
    """Deprecated: use :meth:`Impact.to_dict` (the same dict); removed in the next release.

    Examples
    --------
    >>> impact_to_dict(imp) == imp.to_dict()  # doctest: +SKIP
    True
    """
    warnings.warn(
        "impact_to_dict(impact) is deprecated: use Impact.to_dict(); removed in the next release.",
        DeprecationWarning,
        stacklevel=2,
    )
    return impact.to_dict(suppress=suppress)
