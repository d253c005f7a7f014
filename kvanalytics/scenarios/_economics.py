"""The economic value at stake: degree students lost or not admitted, their tuition, public
funding and direct economic contribution (issue 12, item 6; seed 002).

Who is counted (both from the model's people part ``degree_students_lost``, so the measure
``stop_exchange_in``, the targets, the exemption ``degree_students`` and the allocation of partly
targeted countries are the people model's, never a second copy):

- **lost**: ``degree_students_lost`` — degree students of the targeted countries in force at the
  effective date, not exempt;
- **not admitted**: the intake from the same countries over ``horizon_years``, in steady state
  ``headcount / study_years`` a year: ``degree_students_not_admitted = lost × horizon_years /
  study_years``.

What they bring (per student per year, user assumptions with their sources; none is made up):
tuition and public funding over the years at stake (``years_remaining`` for a student lost, the
whole programme for one not admitted: ``not admitted × study_years = lost × horizon_years``), and
the **direct economic contribution** = ``benefit_cost_ratio`` × ``cost_eur_per_year`` × years.
The ratio defaults to seed 002 (VLIR; KU Leuven for VLUHR and VARIO): "directe baten die 2,6 tot
3,3 keer de kosten overstijgen" — low 2.6, high 3.3, central the midpoint 2.95 (the study gives
no central value). A metric whose assumptions are not given is NA with a note naming them.

Every metric is a term of :mod:`._terms` (a headcount × factors, one factor bit per assumption)
and is evaluated with the other metrics (deterministic ends or Monte Carlo), per faculty and
country. Published through :func:`kvanalytics.privacy.published`: every metric here is hidden
where the ``degree_students_lost`` count it is computed from is hidden (money = count × figures
shown in the assumptions table would give the count back).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd

from ..config import PACKAGE_DATA
from ._model import _Model
from ._spec import Assumptions, Range, Scenario
from ._terms import _aggregate_terms, _concat_terms, _Terms

# Factor bits of the economic assumptions, above those of _terms (they are drawn after them in
# Monte Carlo, so adding them leaves the other metrics' draws unchanged).
_F_TUITION, _F_FUNDING, _F_COST, _F_RATIO = 256, 512, 1024, 2048
_F_REMAINING, _F_HORIZON, _F_INTAKE = 4096, 8192, 16384
_BIT_ASSUMPTION = {
    _F_TUITION: "tuition_eur_per_year",
    _F_FUNDING: "public_funding_eur_per_year",
    _F_COST: "cost_eur_per_year",
    _F_RATIO: "benefit_cost_ratio",
    _F_REMAINING: "years_remaining",
    _F_HORIZON: "horizon_years",
    _F_INTAKE: "study_years",  # the factor is 1 / study_years: intake a year per student
}
#: The people metric every economic metric is computed from.
SOURCE_METRIC = "degree_students_lost"
#: Economic metric -> (factor bits, formula shown in its note). Order = display order.
ECONOMIC_METRICS: dict[str, tuple[int, str]] = {
    "degree_students_not_admitted": (
        _F_HORIZON | _F_INTAKE,
        "intake not admitted over horizon_years: lost × horizon_years / study_years",
    ),
    "tuition_eur_lost": (
        _F_TUITION | _F_REMAINING,
        "lost × tuition_eur_per_year × years_remaining",
    ),
    "tuition_eur_not_admitted": (
        _F_TUITION | _F_HORIZON,
        "not admitted × study_years × tuition_eur_per_year = lost × horizon_years × tuition",
    ),
    "public_funding_eur_lost": (
        _F_FUNDING | _F_REMAINING,
        "lost × public_funding_eur_per_year × years_remaining",
    ),
    "public_funding_eur_not_admitted": (
        _F_FUNDING | _F_HORIZON,
        "lost × horizon_years × public_funding_eur_per_year",
    ),
    "direct_contribution_eur_lost": (
        _F_COST | _F_RATIO | _F_REMAINING,
        "lost × years_remaining × cost_eur_per_year × benefit_cost_ratio",
    ),
    "direct_contribution_eur_not_admitted": (
        _F_COST | _F_RATIO | _F_HORIZON,
        "lost × horizon_years × cost_eur_per_year × benefit_cost_ratio",
    ),
}
_UNITS_TEXT = {
    "tuition_eur_per_year": "EUR per student per year",
    "public_funding_eur_per_year": "EUR per student per year",
    "cost_eur_per_year": "EUR per student per year, the costs side of the benefit-cost ratio",
    "benefit_cost_ratio": "direct benefits / costs",
    "study_years": "years of the degree programme",
    "years_remaining": "years a student lost would still have studied",
    "horizon_years": "years of intake not admitted",
}


@functools.cache
def _seed_defaults() -> pd.DataFrame:
    """The bundled default economic assumptions with their sources (economic_assumptions.csv)."""
    return pd.read_csv(
        PACKAGE_DATA / "economic_assumptions.csv", dtype=str, keep_default_na=False
    ).set_index("name")


def benefit_cost_ratio(a: Assumptions) -> tuple[Range, str]:
    """The benefit-to-cost ratio in use and its source (the scenario's, else seed 002's).

    Examples
    --------
    >>> benefit_cost_ratio(Assumptions())[0]
    Range(low=2.6, central=2.95, high=3.3)
    """
    if a.benefit_cost_ratio is not None:
        return a.benefit_cost_ratio, dict(a.sources).get("benefit_cost_ratio", "")
    row = {str(k): str(v) for k, v in _seed_defaults().loc["benefit_cost_ratio"].items()}
    r = Range(float(row["low"]), float(row["central"]), float(row["high"]))
    return r, f"{row['source']}: “{row['quote']}” ({row['scope']})"


def assumption_range(a: Assumptions, name: str) -> Range | None:
    """An economic assumption's range (the ratio's default from seed 002), None if not given."""
    if name == "benefit_cost_ratio":
        return benefit_cost_ratio(a)[0]
    r: Range | None = getattr(a, name)
    return r


def _factor_range(a: Assumptions, bit: int) -> Range | None:
    r = assumption_range(a, _BIT_ASSUMPTION[bit])
    if r is None or bit != _F_INTAKE:
        return r
    return Range(1.0 / r.high, 1.0 / r.central, 1.0 / r.low)  # intake = 1 / years (decreasing)


def missing_assumptions(a: Assumptions, metric: str) -> list[str]:
    """The assumptions an economic metric needs that the scenario does not give.

    Examples
    --------
    >>> missing_assumptions(Assumptions(), "tuition_eur_lost")
    ['tuition_eur_per_year', 'years_remaining']
    """
    bits = ECONOMIC_METRICS[metric][0]
    return [
        name
        for bit, name in _BIT_ASSUMPTION.items()
        if bits & bit and assumption_range(a, name) is None
    ]


def _with_economics(scenario: Scenario, m: _Model) -> _Model:
    """The model with the economic terms and factor ranges added (metrics whose assumptions
    are all given; a term never carries a factor without a value)."""
    a = scenario.assumptions
    src = m.terms["metric"] == SOURCE_METRIC
    parts: list[_Terms] = []
    for metric, (bits, _) in ECONOMIC_METRICS.items():
        if missing_assumptions(a, metric) or not src.any():
            continue
        t = {k: v[src].copy() for k, v in m.terms.items()}
        t["metric"] = np.full(int(src.sum()), metric, dtype=object)
        t["mask"] = t["mask"] | bits
        parts.append(t)
    ranges = dict(m.ranges)
    for bit in _BIT_ASSUMPTION:
        r = _factor_range(a, bit)
        if r is not None:
            ranges[bit] = r
    if not parts:
        return dataclasses.replace(m, ranges=ranges)
    terms = _aggregate_terms(_concat_terms([m.terms, *parts]), ["metric", "faculty", "country"])
    return dataclasses.replace(m, terms=terms, ranges=ranges)


def economic_note(a: Assumptions, metric: str) -> str:
    """The note of an economic metric: its formula and the sources of its figures, or which
    assumptions to add.

    Examples
    --------
    >>> economic_note(Assumptions(), "tuition_eur_lost")[:42]
    'not computed: add assumptions.tuition_eur_'
    """
    missing = missing_assumptions(a, metric)
    if missing:
        return "not computed: add " + "; ".join(
            f"assumptions.{n} ({_UNITS_TEXT[n]}, with its source)" for n in missing
        )
    bits, formula = ECONOMIC_METRICS[metric]
    sources = dict(a.sources)
    cited = []
    for bit, name in _BIT_ASSUMPTION.items():
        if not bits & bit:
            continue
        r = assumption_range(a, name)
        assert r is not None
        shown = f"{r.low:g}" if r.is_point else f"{r.low:g}–{r.high:g}"
        src = sources.get(name, "")
        if name == "benefit_cost_ratio" and a.benefit_cost_ratio is None:
            src = str(_seed_defaults().loc[name, "short"])  # the full quote: .assumptions
        cited.append(f"{name} {shown} ({src or 'source not given'})")
    return f"{formula}; " + "; ".join(cited)
