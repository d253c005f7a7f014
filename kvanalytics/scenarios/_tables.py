"""The detail tables of an :class:`~kvanalytics.scenarios.Impact`: per unit (faculty,
country), affected agreements, quarterly timeline, assumptions as used."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._economics import benefit_cost_ratio
from ._metrics import _METRIC_ORDER, _PER_NATIONALITY, _TIMELINE_UNITS, METRICS
from ._model import _Model
from ._spec import ASSUMPTIONS, Assumptions, Range, Scenario
from ._targets import _join
from ._terms import (
    _F_FLOW,
    _F_LEVEL,
    _F_TARGET,
    _F_VALUE,
    _agreement_codes,
    _agreement_share,
    _group_arrays,
    _nan_group_sum,
)


def _unit_table(fine: Mapping[str, np.ndarray], vals: np.ndarray, unit: str) -> pd.DataFrame:
    """Roll the metric × faculty × country evaluation up to one unit; zero rows left out."""
    if len(fine["metric"]) == 0:
        inv, first = np.zeros(0, np.int64), np.zeros(0, np.int64)
    else:
        inv, first = _group_arrays([fine[unit], fine["metric"]])
    v = _nan_group_sum(inv, len(first), vals)[:, :, 0]
    keep = np.isnan(v).any(axis=1) | (np.nan_to_num(v) != 0).any(axis=1)
    units = fine[unit][first][keep]
    metric = fine["metric"][first][keep]
    base = [_PER_NATIONALITY.sub("", x) for x in metric]  # a few dozen rows
    order = np.array([_METRIC_ORDER.get(b, 99) for b in base], dtype=float)
    unit_txt = np.array(["" if pd.isna(u) else str(u) for u in units])
    idx = np.lexsort((metric.astype(str), order, unit_txt))
    v = np.round(v[keep][idx], 6)
    return pd.DataFrame(
        {
            unit: pd.array(units[idx], dtype="string"),
            "metric": pd.array(metric[idx], dtype="string"),
            "unit": pd.array(np.array([METRICS.get(b) for b in base], object)[idx], dtype="string"),
            "low": pd.array(v[:, 0], dtype="Float64"),
            "central": pd.array(v[:, 1], dtype="Float64"),
            "high": pd.array(v[:, 2], dtype="Float64"),
        }
    )


def _affected_table(m: _Model) -> pd.DataFrame:
    """Every targeted agreement a measure bears on, with targets, measures, exemption, outcome."""
    p, n = m.p, len(m.p)
    z = np.zeros(n, bool)
    any_bear = z.copy()
    for b in m.bears.values():
        any_bear |= b
    rows = np.flatnonzero(m.targeted & any_bear)
    k = len(rows)

    def sub(x: np.ndarray) -> np.ndarray:
        return x[rows]

    def words(pairs: Sequence[tuple[str, np.ndarray]]) -> np.ndarray:
        """'; '-joined names of the flags set (NA: none), once per distinct combination."""
        code = np.zeros(k, np.int64)
        for j, (_, b) in enumerate(pairs):
            code |= sub(b).astype(np.int64) << j
        uniq, inv = np.unique(code, return_inverse=True)
        texts = ["; ".join(w for j, (w, _) in enumerate(pairs) if u >> j & 1) for u in uniq]
        return np.array([t or pd.NA for t in texts], dtype=object)[inv.reshape(-1)]

    bears = m.bears
    money_b = bears.get("freeze_institutional", z) | bears.get("stop_financial_flows", z)
    data_b = bears.get("freeze_institutional", z) | bears.get("stop_data_exchange", z)
    targets = _join([lab.iloc[rows] for lab in m.labels], k)
    measures = words(list(bears.items()))
    uncertain = words(
        [
            ("target", m.maybe),
            ("level", m.level_unc),
            ("financial_flows", money_b & p["financial_flows"].isna().to_numpy(bool)),
            ("value_eur", money_b & p["value_eur"].isna().to_numpy(bool)),
            ("data_exchange", data_b & p["data_exchange"].isna().to_numpy(bool)),
        ]
    )
    outcome = np.select(
        [
            sub(m.exempt),
            sub(bears.get("freeze_institutional", z)),
            sub(bears.get("cancel_planned", z)),
            sub(bears.get("condition", z)),
            sub(bears.get("review", z)),
        ],
        ["exempt", "frozen", "cancelled", "conditioned", "reviewed"],
        default="restricted",
    )
    exemption = np.full(k, None, dtype=object)
    exemption[sub(m.level_unc)] = "individual_ties if individual (level unknown)"
    exemption[sub(m.exempt)] = "individual_ties"
    cols = ["agreement_id", "partner", "country", "faculty", "level", "kind", "status"]
    cols += ["start", "end", "value_eur", "financial_flows", "data_exchange", "fields"]
    out: dict[str, Any] = {c: p[c].array.take(rows) for c in cols}
    if m.has_risk:
        out["tier"] = pd.array(sub(m.tier), dtype="Float64").astype("Int64")
    out["targets"] = targets.array
    out["measures"] = pd.array(np.where(pd.isna(measures), "", measures), dtype="string")
    out["exemption"] = pd.array(exemption, dtype="string")
    out["outcome"] = pd.array(outcome, dtype="string")
    out["uncertain"] = pd.array(uncertain, dtype="string")
    return pd.DataFrame(out, copy=False)


def _timeline(m: _Model, quarters: int, det: Mapping[int, np.ndarray]) -> pd.DataFrame:
    """Quarterly ties and money stopped from the effective date; a tie stops at its natural end."""
    d, p = m.d, m.p
    qp = pd.period_range(d.to_period("Q"), periods=quarters, freq="Q")
    q_start = np.maximum(qp.start_time.to_numpy("datetime64[D]"), np.datetime64(d.date(), "D"))
    q_end = qp.end_time.normalize().to_numpy("datetime64[D]")
    start = p["start"].to_numpy("datetime64[D]")
    end = p["end"].to_numpy("datetime64[D]")
    open_end = np.isnat(end)
    end_f = np.where(open_end, np.datetime64("2262-01-01", "D"), end)
    value = p["value_eur"].to_numpy(np.float64, na_value=np.nan)
    flow_na = p["financial_flows"].isna().to_numpy(bool)
    flow_true = p["financial_flows"].fillna(False).to_numpy(bool)
    lvl = np.where(m.level_unc, _F_LEVEL, 0) | np.where(m.maybe, _F_TARGET, 0)

    def series(sel: np.ndarray, weight: np.ndarray, masks: np.ndarray) -> np.ndarray:
        """(Q, 3): sum over the selected agreements of weight × factors, per setting."""
        out = np.zeros((quarters, 3))
        for mask in np.unique(masks[sel]):  # a handful of factor classes, not agreements
            coef = weight[sel & (masks == mask)].sum(axis=0)  # (Q,)
            prod = np.ones(3)
            for bit, vals in det.items():
                if mask & bit:
                    prod = prod * vals[:, 0]
            contrib = coef[:, None] * prod[None, :]
            out += np.where(coef[:, None] == 0, 0.0, contrib)  # nothing × unknown = nothing
        return out

    codes = _agreement_codes(p)
    share_f = _agreement_share(codes, m.frozen, m.maybe)[:, None]  # 1/k of its k ties
    share_c = _agreement_share(codes, m.cancelled, m.maybe)[:, None]
    idx_f, idx_c = np.flatnonzero(m.frozen), np.flatnonzero(m.cancelled)
    runs = open_end[:, None] | (end_f[:, None] >= q_end[None, :])
    frozen = series(np.ones(len(idx_f), bool), runs[idx_f].astype(float), lvl[idx_f])
    frozen_a = series(np.ones(len(idx_f), bool), runs[idx_f] * share_f[idx_f], lvl[idx_f])
    started = start[idx_c, None] <= q_end[None, :]
    run_c = (started & runs[idx_c]).astype(float)
    cancelled = series(np.ones(len(idx_c), bool), run_c, lvl[idx_c])
    cancelled_a = series(np.ones(len(idx_c), bool), run_c * share_c[idx_c], lvl[idx_c])
    sel_m = m.money & (flow_true | flow_na)
    share_m = _agreement_share(codes, sel_m, m.maybe)
    idx_m = np.flatnonzero(sel_m)
    stop = np.minimum(end_f[idx_m, None], q_end[None, :])
    days = (stop - q_start[None, :]).astype("timedelta64[D]").astype(float) + 1.0
    frac = np.clip(days, 0.0, None) / 365.25
    v = value[idx_m]
    weight = frac * (np.where(np.isnan(v), 1.0, v) * share_m[idx_m])[:, None]
    masks = lvl[idx_m] | np.where(flow_na[idx_m], _F_FLOW, 0) | np.where(np.isnan(v), _F_VALUE, 0)
    money = series(np.ones(len(idx_m), bool), weight, masks)
    metrics = list(_TIMELINE_UNITS)  # ties_frozen, ties_cancelled, money, agreements x 2
    k = len(metrics)
    vals = np.stack([frozen, cancelled, money, frozen_a, cancelled_a], axis=1).reshape(-1, 3)
    out = pd.DataFrame(
        {
            "quarter": pd.array(np.repeat(qp.astype(str), k), dtype="string"),
            "quarter_start": np.repeat(q_start.astype("datetime64[us]"), k),
            "quarter_end": np.repeat(q_end.astype("datetime64[us]"), k),
            "metric": metrics * quarters,
            "unit": [_TIMELINE_UNITS[x] for x in metrics] * quarters,
        }
    )
    for j, c in enumerate(("low", "central", "high")):
        out[c] = pd.array(np.round(vals[:, j], 6), dtype="Float64")
    return out


def _assumption_table(scenario: Scenario, observed_value: Range) -> pd.DataFrame:
    """``name, low, central, high, value, source, citation``: every assumption as used.

    ``source`` says where the figure comes from (scenario, default, observed, seed 002),
    ``citation`` the source text given with it (the economic figures)."""
    a = scenario.assumptions
    given = _given_assumptions(scenario)
    cited = dict(a.sources)
    rows = []
    for name in ASSUMPTIONS:
        v = getattr(a, name)
        origin = "scenario" if name in given else "default"
        if name == "sources":
            continue
        if name == "unknown_value_eur" and v is None:
            rows.append((name, *observed_value.as_list(), "", "observed", ""))
        elif name == "benefit_cost_ratio" and v is None:
            r, text = benefit_cost_ratio(a)
            rows.append((name, *r.as_list(), "", "seed 002", text))
        elif isinstance(v, Range):
            rows.append((name, *v.as_list(), "", origin, cited.get(name, "")))
        elif v is None:
            continue
        else:
            rows.append((name, math.nan, math.nan, math.nan, ", ".join(v), origin, ""))
    cols = ["name", "low", "central", "high", "value", "source", "citation"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("low", "central", "high"):
        out[c] = out[c].astype("Float64")
    return out


def _given_assumptions(scenario: Scenario) -> set[str]:
    default = Assumptions()
    return {
        f.name
        for f in dataclasses.fields(Assumptions)
        if getattr(scenario.assumptions, f.name) != getattr(default, f.name)
    }


# --------------------------------------------------------------------------------------------
