"""The model of an impact: everything :func:`~kvanalytics.scenarios.impact` derives from the data
before the assumptions are evaluated, built in named steps (when, targets, measures, agreement
terms, people terms, support terms)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..exposure import is_active
from ..schemas import STAFF_GROUPS
from ._headcounts import _headcounts_in_force
from ._spec import _MOBILITY_GROUPS, Assumptions, Range, Scenario, Scope, Targets
from ._targets import (
    RiskProfileArg,
    _prepare_partnerships,
    _scope_mask,
    _target,
    _Targeting,
    _vocabulary_notes,
)
from ._terms import (
    _F_MONTHLY,
    _F_MONTHS,
    _F_TAKEUP,
    _UNKNOWN_TARGET_DEFAULT,
    _aggregate_terms,
    _agreement_codes,
    _agreement_share,
    _agreement_terms,
    _concat_terms,
    _factor_ranges,
    _people_terms,
    _Terms,
    _terms,
)


@dataclass(frozen=True)
class _Model:
    """Everything :func:`impact` derives from the data before evaluating the assumptions."""

    p: pd.DataFrame
    d: pd.Timestamp
    terms: _Terms
    ranges: dict[int, Range]
    observed_value: Range
    notes: list[str]
    targeted: np.ndarray
    bears: dict[str, np.ndarray]
    exempt: np.ndarray
    level_unc: np.ndarray
    frozen: np.ndarray
    cancelled: np.ndarray
    money: np.ndarray
    labels: list[pd.Series]
    tier: np.ndarray
    has_risk: bool
    people_notes: dict[str, str]
    #: People metrics whose groups have no headcount in force at the effective date: unknown
    #: (NA), never 0, even where no tie is hit (as without headcounts at all).
    people_unknown: frozenset[str]
    stop_date: dict[str, pd.Timestamp]
    have_headcounts: bool
    maybe: np.ndarray  # targeted ties whose target status is unknown (the _F_TARGET factor)


@dataclass(frozen=True)
class _Bearing:
    """Where each measure bears (``bears``), who is exempt, and what is stopped as a result."""

    bears: dict[str, np.ndarray]
    exempt: np.ndarray
    level_unc: np.ndarray  # level unknown, with individual ties exempt: a range
    level_unc_by: dict[str, np.ndarray]  # the same per agreement metric
    maybe: np.ndarray  # target status unknown: a range
    is_exchange: np.ndarray
    frozen: np.ndarray
    cancelled: np.ndarray
    reviewed: np.ndarray
    conditioned: np.ndarray
    money: np.ndarray
    data: np.ndarray


def _model(
    scenario: Scenario,
    partnerships: pd.DataFrame,
    headcounts: pd.DataFrame | None,
    watchlists: Mapping[str, pd.DataFrame] | None,
    risk_profile: RiskProfileArg,
) -> _Model:
    d = pd.Timestamp(scenario.effective)
    notes: list[str] = []
    ex = scenario.exemptions
    p = _prepare_partnerships(partnerships)
    active, upcoming = _when(p, d)
    tg = _target(scenario.targets, p, d, watchlists, risk_profile, notes)
    _vocabulary_notes(scenario, p, notes)
    b = _bear(scenario, p, tg, active, upcoming)
    _review_note(scenario, p, b, notes)
    observed_value = _observed_value(p, active)
    parts = [_agreement_part(p, b)]
    people_notes: dict[str, str] = {}
    people_unknown: frozenset[str] = frozenset()
    if headcounts is not None:
        people, people_notes, people_unknown = _people_parts(
            scenario, p, headcounts, d, active, b, tg, notes
        )
        parts += people
    terms = _aggregate_terms(
        _concat_terms([t_ for t_ in parts if len(t_["mask"])]), ["metric", "faculty", "country"]
    )
    stop_date = {
        g: (_end_of_academic_year(d) if g in ex.current_mobility_until_end_of_academic_year else d)
        for g in _MOBILITY_GROUPS
    }
    return _Model(
        p=p,
        d=d,
        terms=terms,
        ranges=_factor_ranges(scenario, observed_value),
        observed_value=observed_value,
        notes=notes,
        targeted=tg.targeted,
        bears=b.bears,
        exempt=b.exempt,
        level_unc=b.level_unc,
        frozen=b.frozen,
        cancelled=b.cancelled,
        money=b.money,
        labels=tg.labels,
        tier=tg.tier,
        has_risk=tg.has_risk,
        people_notes=people_notes,
        people_unknown=people_unknown,
        stop_date=stop_date,
        have_headcounts=headcounts is not None,
        maybe=tg.maybe,
    )


def _review_note(scenario: Scenario, p: pd.DataFrame, b: _Bearing, notes: list[str]) -> None:
    """A review scoped by level lists the ties "to be judged case by case" (NL, seed 000)."""
    scope = scenario.measures.review
    if scope is None or not scope.levels:
        return
    reviewed = b.reviewed
    known = reviewed & p["level"].isin(scope.levels).fillna(False).to_numpy(bool)
    unknown = reviewed & p["level"].isna().to_numpy(bool)
    notes.append(
        f"review: {int(known.sum()):,} tie(s) of level {', '.join(scope.levels)} and "
        f"{int(unknown.sum()):,} of unknown level are to be judged case by case (counted in "
        "ties_reviewed and listed in .affected with outcome 'reviewed'), not exempt."
    )


def _when(p: pd.DataFrame, d: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Agreements active at ``d``, and those not yet running (planned or starting after ``d``).

    Ended ones (end before ``d``, or status ended and not running) are neither.
    """
    status = p["status"]
    planned = (status == "planned").fillna(False).to_numpy(bool)
    ended_status = (status == "ended").fillna(False).to_numpy(bool)
    start = p["start"].to_numpy("datetime64[us]")
    end = p["end"].to_numpy("datetime64[us]")
    dd = np.datetime64(d.value // 1000, "us")
    end_before = ~np.isnat(end) & (end < dd)
    active = is_active(p, d).to_numpy(bool) & ~planned & ~end_before
    upcoming = ~active & ~end_before & ~ended_status & (planned | (start > dd))
    return active, upcoming


def _bear(
    scenario: Scenario,
    p: pd.DataFrame,
    tg: _Targeting,
    active: np.ndarray,
    upcoming: np.ndarray,
) -> _Bearing:
    """Measures on targeted agreements at the right time and in scope; exemptions taken off."""
    n = len(p)
    meas, ex = scenario.measures.on(), scenario.exemptions
    level = p["level"]
    individual = (level == "individual").fillna(False).to_numpy(bool)
    level_na = level.isna().to_numpy(bool)
    exempt = individual & ex.individual_ties

    def unc(m: str) -> np.ndarray:
        """Unknown level is a range where individual ties escape measure ``m``."""
        sc = meas.get(m)
        escapes = ex.individual_ties or (
            sc is not None and bool(sc.levels) and "individual" not in sc.levels
        )
        return level_na & escapes

    level_unc = unc("freeze_institutional") | unc("cancel_planned")
    is_exchange = (p["kind"] == "exchange").fillna(False).to_numpy(bool)
    temporal = {
        "freeze_institutional": active,
        "cancel_planned": upcoming,
        "review": active | upcoming,
        "condition": active | upcoming,
        "stop_financial_flows": active,
        "stop_data_exchange": active,
        "recall_exchange_out": active & is_exchange,
        "stop_exchange_in": active & is_exchange,
    }
    bears = {
        m: tg.targeted & temporal[m] & _scope_mask(scope, p, tg.tier) for m, scope in meas.items()
    }
    none = np.zeros(n, bool)

    def hit_by(*ms: str) -> np.ndarray:
        out = none.copy()
        for m in ms:
            out |= bears.get(m, none)
        return out & ~exempt

    by_metric = {
        "agreements_frozen": unc("freeze_institutional"),
        "ties_frozen": unc("freeze_institutional"),
        "agreements_cancelled": unc("cancel_planned"),
        "ties_cancelled": unc("cancel_planned"),
        "agreements_reviewed": unc("review"),
        "ties_reviewed": unc("review"),
        "agreements_conditioned": unc("condition"),
        "ties_conditioned": unc("condition"),
        "value_eur_stopped": unc("freeze_institutional") | unc("stop_financial_flows"),
        "data_exchange_stopped": unc("freeze_institutional") | unc("stop_data_exchange"),
    }
    return _Bearing(
        bears=bears,
        exempt=exempt,
        level_unc=level_unc,
        level_unc_by=by_metric,
        maybe=tg.maybe,
        is_exchange=is_exchange,
        frozen=hit_by("freeze_institutional"),
        cancelled=hit_by("cancel_planned"),
        reviewed=hit_by("review"),
        conditioned=hit_by("condition"),
        money=hit_by("freeze_institutional", "stop_financial_flows"),
        data=hit_by("freeze_institutional", "stop_data_exchange"),
    )


def _agreement_part(p: pd.DataFrame, b: _Bearing) -> _Terms:
    """Terms of the agreement metrics: counts of agreements and of ties, money stopped, data
    exchange stopped.

    A tie is a row; an agreement is an ``agreement_id`` with at least one selected tie. Each
    selected tie of an agreement with k selected ties weighs 1/k in the agreement counts and in
    money and data exchange (the value of a consortium is on each of its ties, counted once), so
    per faculty and country an agreement whose ties are in several countries is shared among
    them and the units sum to the summary.
    """
    codes = _agreement_codes(p)
    may_flow = p["financial_flows"].fillna(True).to_numpy(bool)  # false: the tie drops out
    may_share = p["data_exchange"].fillna(True).to_numpy(bool)

    def per_agreement(sel: np.ndarray) -> np.ndarray:
        return _agreement_share(codes, sel, b.maybe)

    return _agreement_terms(
        p,
        b.level_unc_by,
        [
            ("agreements_frozen", b.frozen, None, False, per_agreement(b.frozen)),
            ("ties_frozen", b.frozen, None, False, None),
            ("agreements_cancelled", b.cancelled, None, False, per_agreement(b.cancelled)),
            ("ties_cancelled", b.cancelled, None, False, None),
            ("agreements_reviewed", b.reviewed, None, False, per_agreement(b.reviewed)),
            ("ties_reviewed", b.reviewed, None, False, None),
            ("agreements_conditioned", b.conditioned, None, False, per_agreement(b.conditioned)),
            ("ties_conditioned", b.conditioned, None, False, None),
            (
                "value_eur_stopped",
                b.money,
                "financial_flows",
                True,
                per_agreement(b.money & may_flow),
            ),
            (
                "data_exchange_stopped",
                b.data,
                "data_exchange",
                False,
                per_agreement(b.data & may_share),
            ),
        ],
        b.maybe,
    )


def _observed_value(p: pd.DataFrame, active: np.ndarray) -> Range:
    """Observed value of an agreement with unknown value_eur: [0, median, p90] of known values."""
    v = p["value_eur"].to_numpy(np.float64, na_value=np.nan)
    known_v = v[active & ~np.isnan(v) & (v > 0)]
    return (
        Range(0.0, float(np.median(known_v)), float(np.percentile(known_v, 90)))
        if known_v.size
        else Range(0.0, math.nan, math.nan)
    )


def _people_parts(
    scenario: Scenario,
    p: pd.DataFrame,
    headcounts: pd.DataFrame,
    d: pd.Timestamp,
    active: np.ndarray,
    b: _Bearing,
    tg: _Targeting,
    notes: list[str],
) -> tuple[list[_Terms], dict[str, str], frozenset[str]]:
    """Terms of the people metrics and the support population, from the headcounts in force,
    their notes, and the people metrics whose groups have no headcount in force at ``d``."""
    a = scenario.assumptions
    specs = _people_specs(scenario, p, active, b, tg)
    need_groups = {g for _, gs, _, _ in specs for g in gs} | set(a.support_groups)
    need_countries = set(a.support_nationalities)
    for _, _, full, (share, _sure) in specs:
        need_countries |= full | {c for c, x in share.items() if x > 0}
    unavailable: set[str] = set()
    hc = _headcounts_in_force(headcounts, d, notes, need_groups, need_countries, unavailable)
    unknown = frozenset(metric for metric, groups, _, _ in specs if unavailable & set(groups))
    parts = [
        _people_terms(hc, metric, groups, full, share, sure)
        for metric, groups, full, (share, sure) in specs
    ]
    support, people_notes = _support_parts(hc, a, notes)
    if "recall_exchange_out" in scenario.measures.on():
        _staff_abroad_note(headcounts, notes)
    return parts + support, people_notes, unknown


def _staff_abroad_note(headcounts: pd.DataFrame, notes: list[str]) -> None:
    """Recall counts outgoing exchange students; say whether the headcounts know staff abroad."""
    staff = headcounts["group"].isin(STAFF_GROUPS) & (headcounts["basis"] == "destination")
    n = int(staff.fillna(False).sum())
    notes.append(
        "exchange_out_recalled counts outgoing exchange students (basis destination); "
        + (
            f"the headcounts have {n:,} staff row(s) by destination, not counted in it."
            if n
            else "the headcounts have no staff abroad (staff rows by destination), so staff "
            "in the targeted countries are not counted."
        )
    )


def _people_specs(
    scenario: Scenario,
    p: pd.DataFrame,
    active: np.ndarray,
    b: _Bearing,
    tg: _Targeting,
) -> list[tuple[str, list[str], set[str], tuple[dict[str, float], dict[str, float]]]]:
    """Per people metric whose measure is on: (metric, groups, whole countries, (central
    share hit, sure share hit)).

    Exchange students of a country targeted as a whole count in full; elsewhere they are
    allocated by the share of the country's active exchange agreements hit (maybe-targeted
    ones at the central unknown-target share; the low end is a point only when the sure ones
    alone hit every agreement).
    """
    t, meas, ex = scenario.targets, scenario.measures.on(), scenario.exemptions
    none = np.zeros(len(p), bool)
    specs = []
    for m, groups, metric in (
        ("recall_exchange_out", ["exchange_out"], "exchange_out_recalled"),
        ("stop_exchange_in", ["exchange_in"], "exchange_in_stopped"),
        ("stop_exchange_in", ["degree_student"], "degree_students_lost"),
    ):
        if m not in meas or (metric == "degree_students_lost" and ex.degree_students):
            continue
        scope = meas[m]
        full = _whole_countries(t, scope, tg) if t.fields_mode == "union" else set()
        hit = b.bears.get(m, none) & ~b.exempt
        share = _exchange_share(p, active, b.is_exchange, hit)
        if b.maybe.any():  # maybe-targeted ties: the low end counts the sure ones only
            sure = _exchange_share(p, active, b.is_exchange, hit & ~b.maybe)
            c = (scenario.assumptions.share_unknown_target_true or _UNKNOWN_TARGET_DEFAULT).central
            central = {k: sure[k] + (v - sure[k]) * c for k, v in share.items()}
            specs.append((metric, groups, full, (central, sure)))
        else:
            specs.append((metric, groups, full, (share, share)))
    return specs


def _whole_countries(t: Targets, scope: Scope, tg: _Targeting) -> set[str]:
    """Countries targeted as a whole by a measure (none when the measure is scoped by fields)."""
    if scope.fields:
        return set()
    tier_by_country = tg.tier_by_country
    whole = set(t.countries)
    if t.risk_profile is not None:
        whole |= set(tg.risk_countries)
    if scope.min_tier is not None:
        whole &= set(tier_by_country.index[tier_by_country >= scope.min_tier])
    if scope.countries:
        whole &= set(scope.countries)
    return whole


def _support_parts(
    hc: Mapping[str, np.ndarray], a: Assumptions, notes: list[str]
) -> tuple[list[_Terms], dict[str, str]]:
    """Support population and cost terms (total and per nationality), and their notes.

    A nationality without headcounts is one NA row: unknown, never 0.
    """
    nats = a.support_nationalities
    wanted = set(a.support_groups)
    rows = [
        i
        for i, (g, c) in enumerate(zip(hc["group"], hc["country"], strict=True))
        if g in wanted and c in nats
    ]
    sup = {k: v[rows] for k, v in hc.items()}
    missing = [c for c in nats if c not in set(sup["country"])]
    if missing:
        notes.append(
            "support population: no headcounts for " + ", ".join(missing) + " (unknown, NA)."
        )
        pad = {"faculty": None, "group": None, "basis_used": pd.NA, "headcount": np.nan}
        sup = {
            k: np.concatenate([v, np.array(missing, dtype=object)])
            if k == "country"
            else np.concatenate([v, np.full(len(missing), pad[k], dtype=v.dtype)])
            for k, v in sup.items()
        }
    h = sup["headcount"]
    country = sup["country"]
    parts = []
    for metric, mask in (
        ("support_population", 0),
        ("support_cost_eur", _F_TAKEUP | _F_MONTHLY | _F_MONTHS),
    ):
        per_nat = np.array([f"{metric}_{c}" for c in country], dtype=object)
        for names in (metric, per_nat):  # the total, then per nationality
            parts.append(
                _terms(
                    names,
                    faculty=sup["faculty"],
                    country=country,
                    mask=mask,
                    c_low=h,
                    c_central=h,
                    c_high=h,
                )
            )
    unknown_nat = sorted(set(country[np.isnan(h)]))
    bases = sorted(set(sup["basis_used"][~pd.isna(sup["basis_used"])]))
    people_notes = {
        "support": f"groups {', '.join(a.support_groups)}; by {', '.join(bases) or 'basis unknown'}",
        "support_unknown": ", ".join(unknown_nat),
    }
    return parts, people_notes


def _exchange_share(
    p: pd.DataFrame, active: np.ndarray, is_exchange: np.ndarray, hit: np.ndarray
) -> dict[str, float]:
    """Per country: share of active exchange agreements hit (all kinds when none is exchange)."""
    codes, uniq = pd.factorize(p["country"])
    ok = codes >= 0
    k = len(uniq)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[ok & mask], minlength=k).astype(float)

    ex, ex_hit = count(active & is_exchange), count(active & is_exchange & hit)
    any_, any_hit = count(active), count(active & hit)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(ex > 0, ex_hit / ex, np.where(any_ > 0, any_hit / any_, 0.0))
    return dict(zip(np.asarray(uniq, dtype=object).tolist(), share.tolist(), strict=True))


def _end_of_academic_year(d: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(d.year if d.month < config.ACADEMIC_YEAR_START_MONTH else d.year + 1, 8, 31)


def _bench_terms(
    scenario: Scenario, partnerships: pd.DataFrame, headcounts: pd.DataFrame | None
) -> tuple[_Terms, dict[int, Range]]:
    """The model terms and factor ranges (for the benchmark's per-draw reference loop)."""
    m = _model(scenario, partnerships, headcounts, None, None)
    return m.terms, m.ranges
