"""The term algebra behind every impact number.

A *term* is ``coefficient × Π factors``: the coefficient comes from the data (an agreement, its
money, a headcount cell; low/central/high where the data itself is uncertain), the factors from
the scenario's assumption ranges (one bit per assumption in ``mask``). Terms are summed per key
(metric × faculty × country) and evaluated with deterministic low/central/high factor values or
with Monte Carlo draws, vectorised over the draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._spec import Range, Scenario

# Factor bits: a term's value is its coefficient times the product of the factors it carries.
_F_LEVEL, _F_FLOW, _F_DATA, _F_VALUE = 1, 2, 4, 8
_F_TAKEUP, _F_MONTHLY, _F_MONTHS = 16, 32, 64
_F_TARGET = 128  # a tie whose target status is unknown (partner type NA, not on a partial list)
_MASK_SPAN = 256  # every factor bit is below it (agreement terms pack keys × _MASK_SPAN + mask)
_UNKNOWN_TARGET_DEFAULT = Range(0.0, 0.5, 1.0)
_FACTOR_ASSUMPTION = {
    _F_LEVEL: "share_unknown_level_individual",  # factor = 1 - share
    _F_FLOW: "share_unknown_financial_flows_true",
    _F_DATA: "share_unknown_data_exchange_true",
    _F_VALUE: "unknown_value_eur",
    _F_TAKEUP: "support_take_up_rate",
    _F_MONTHLY: "monthly_support_eur",
    _F_MONTHS: "support_months",
    _F_TARGET: "share_unknown_target_true",
}
_COEFS = ("c_low", "c_central", "c_high")
#: Model terms, column name -> array: ``metric, faculty, country`` (object), ``mask`` (factor
#: bits), ``c_low, c_central, c_high`` (coefficients), ``n`` (agreements or headcount cells).
#: Plain arrays, not a DataFrame: the tables are small and built a few dozen times per call.
_Terms = dict[str, np.ndarray]


def _factor_ranges(scenario: Scenario, observed_value: Range) -> dict[int, Range]:
    a = scenario.assumptions
    lvl = a.share_unknown_level_individual
    out = {
        _F_LEVEL: Range(1 - lvl.high, 1 - lvl.central, 1 - lvl.low),
        _F_FLOW: a.share_unknown_financial_flows_true,
        _F_DATA: a.share_unknown_data_exchange_true,
        _F_VALUE: a.unknown_value_eur or observed_value,
    }
    nan = Range(math.nan, math.nan, math.nan)
    out[_F_TAKEUP] = a.support_take_up_rate or nan
    out[_F_MONTHLY] = a.monthly_support_eur or nan
    out[_F_MONTHS] = a.support_months or nan
    out[_F_TARGET] = a.share_unknown_target_true or _UNKNOWN_TARGET_DEFAULT
    return out


def _factor_values_det(ranges: Mapping[int, Range]) -> dict[int, np.ndarray]:
    """Factor values for the deterministic evaluation: shape (3, 1) = low, central, high."""
    return {b: np.array([[r.low], [r.central], [r.high]]) for b, r in ranges.items()}


def _draw_triangular(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    if not r.low < r.high:  # a point (or NaN): nothing to draw
        return np.full(n, r.central)
    return rng.triangular(r.low, r.central, r.high, size=n)


def _factor_values_mc(
    scenario: Scenario, ranges: Mapping[int, Range], draws: int, seed: int
) -> dict[int, np.ndarray]:
    """Factor values for Monte Carlo: shape (3, draws), the same draws in each row."""
    rng = np.random.default_rng(seed)
    out = {}
    lvl = scenario.assumptions.share_unknown_level_individual
    for b in sorted(ranges):  # fixed order: reproducible with the seed
        if b == _F_LEVEL:
            x = 1.0 - _draw_triangular(rng, lvl, draws)
        else:
            x = _draw_triangular(rng, ranges[b], draws)
        out[b] = np.broadcast_to(x, (3, draws))
    return out


def _group_arrays(
    arrays: Sequence[np.ndarray | pd.Series], n: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row (NA is a value) and the position of each group's first row.

    Groups are numbered by the keys' codes in order of first appearance (key by key).
    """
    code = np.zeros(len(arrays[0]) if n is None else n, np.int64)
    for a in arrays:
        c, u = pd.factorize(a, use_na_sentinel=False)
        code = code * (len(u) + 1) + c
    _, first, inv = np.unique(code, return_index=True, return_inverse=True)
    return inv.reshape(-1), first


def _nan_group_sum(inv: np.ndarray, g: int, vals: np.ndarray) -> np.ndarray:
    """Sum ``vals`` (rows, 3, D) per group with the NA rules of :func:`_evaluate`."""
    isnan = np.isnan(vals)
    out = np.zeros((g, *vals.shape[1:]))
    np.add.at(out, inv, np.where(isnan, 0.0, vals))
    known = np.zeros((g, vals.shape[2]))
    np.add.at(known, inv, ~isnan[:, 0, :])
    unknown = np.zeros((g, 2, vals.shape[2]))
    np.add.at(unknown, inv, isnan[:, 1:, :])
    out[:, 0, :] = np.where(known > 0, out[:, 0, :], np.nan)
    out[:, 1:, :] = np.where(unknown > 0, np.nan, out[:, 1:, :])
    return out


def _aggregate_terms(terms: _Terms, keys: Sequence[str]) -> _Terms:
    """Sum coefficients per key × factor mask, keeping the NA rules of :func:`_evaluate`."""
    cols = [*keys, "mask"]
    if len(terms["mask"]) == 0:
        return {c: terms[c] for c in (*cols, *_COEFS, "n")}
    inv, first = _group_arrays([terms[c] for c in cols])
    coef = np.stack([terms[c] for c in _COEFS], axis=1)
    summed = _nan_group_sum(inv, len(first), coef[:, :, None])[:, :, 0]
    out = {c: terms[c][first] for c in cols}
    for j, c in enumerate(_COEFS):
        out[c] = summed[:, j]
    # n: how many agreements (or headcount cells) a term stands for, for the notes
    out["n"] = np.bincount(inv, weights=terms["n"], minlength=len(first))
    return out


def _evaluate(
    terms: _Terms, keys: Sequence[str], factors: Mapping[int, np.ndarray]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Sum ``coefficient × Π factors`` per key group.

    ``terms`` has the key columns, ``mask`` (factor bits) and ``c_low, c_central, c_high``;
    ``factors`` maps a bit to its values, shape (3, D): low/central/high settings × draws.
    Returns the group keys and an array (groups, 3, D): row 0 sums known parts only (an unknown
    count is >= 0, so the known sum is a lower bound; NaN when nothing is known), rows 1-2
    propagate NaN.
    """
    d = next(iter(factors.values())).shape[1] if factors else 1
    if len(terms["mask"]) == 0:
        return {k: terms[k] for k in keys}, np.zeros((0, 3, d))
    terms = _aggregate_terms(terms, keys)
    masks = terms["mask"]
    uniq, inv_mask = np.unique(masks, return_inverse=True)
    prod = np.ones((len(uniq), 3, d))
    for j, m in enumerate(uniq):  # a handful of factor classes, not agreements
        for bit, vals in factors.items():
            if m & bit:
                prod[j] = prod[j] * vals
    coef = np.stack([terms[c] for c in _COEFS], axis=1)
    contrib = coef[:, :, None] * prod[inv_mask.reshape(-1)]  # (T, 3, D)
    contrib = np.where(coef[:, :, None] == 0, 0.0, contrib)  # nothing × unknown = nothing
    if keys:
        inv, first = _group_arrays([terms[k] for k in keys])
        groups = {k: terms[k][first] for k in keys}
    else:
        inv, first = np.zeros(len(masks), np.int64), np.zeros(1, np.int64)
        groups = {}
    return groups, _nan_group_sum(inv, len(first), contrib)


def _to_frame(groups: Mapping[str, np.ndarray], vals: np.ndarray, mc: bool) -> pd.DataFrame:
    if mc:
        with np.errstate(invalid="ignore"):
            low = np.percentile(vals[:, 0, :], 5, axis=1)
            central = np.percentile(vals[:, 1, :], 50, axis=1)
            high = np.percentile(vals[:, 2, :], 95, axis=1)
    else:
        low, central, high = vals[:, 0, 0], vals[:, 1, 0], vals[:, 2, 0]
    cols = dict(groups)
    for name, x in (("low", low), ("central", central), ("high", high)):
        # float round-off must not make a point look like a range
        cols[name] = pd.array(np.round(x, 6), dtype="Float64")
    return pd.DataFrame(cols)


def _agreement_codes(p: pd.DataFrame) -> np.ndarray:
    """Agreement code of each tie (row): rows sharing an ``agreement_id`` share it; a row
    without an id (or a table without the column) is an agreement of its own."""
    n = len(p)
    if "agreement_id" not in p.columns:
        return np.arange(n, dtype=np.int64)
    codes, uniq = pd.factorize(p["agreement_id"], use_na_sentinel=True)
    codes = codes.astype(np.int64)
    missing = codes < 0
    codes[missing] = len(uniq) + np.arange(int(missing.sum()))
    return codes


def _agreement_share(
    codes: np.ndarray, sel: np.ndarray, maybe: np.ndarray | None = None
) -> np.ndarray:
    """Per tie: 1/k where k is the number of selected ties of its agreement; 0 if not selected.
    Summed over ties it counts the agreements with at least one selected tie.

    With ``maybe`` (selected ties whose target status is unknown), the sure ties of an agreement
    share 1 among them and its maybe ties weigh 0; an agreement with maybe ties only shares 1
    among those (they carry the unknown-target factor). So the low end counts the agreements
    with a sure tie, the high end those with any selected tie."""
    if not len(codes):
        return np.zeros(0)
    size = int(codes.max(initial=-1)) + 1
    if maybe is None or not (sel & maybe).any():
        k = np.bincount(codes[sel], minlength=size)
        return np.where(sel, 1.0 / np.maximum(k[codes], 1), 0.0)
    sure, unsure = sel & ~maybe, sel & maybe
    k_sure = np.bincount(codes[sure], minlength=size)
    k_unsure = np.bincount(codes[unsure], minlength=size)
    w_unsure = np.where(k_sure[codes] > 0, 0.0, 1.0 / np.maximum(k_unsure[codes], 1))
    return np.where(sure, 1.0 / np.maximum(k_sure[codes], 1), np.where(unsure, w_unsure, 0.0))


def _agreement_terms(
    p: pd.DataFrame,
    level_unc: np.ndarray | Mapping[str, np.ndarray],
    specs: Sequence[tuple[str, np.ndarray, str | None, bool, np.ndarray | None]],
    maybe: np.ndarray | None = None,
) -> _Terms:
    """Terms of the agreement metrics, summed per metric × faculty × country × factor mask.

    ``specs``: (metric, selected ties, flag column or None, money?, weight per tie or None).
    A tie with the flag NA carries the flag's factor bit; with the flag false it drops out; a
    money term with value NA counts 1 × the ``unknown_value_eur`` factor; ``weight`` (1/k of
    an agreement's k selected ties) multiplies the coefficient and ``n``. ``level_unc`` (one
    mask, or one per metric) carries the unknown-level factor, ``maybe`` the unknown-target one.
    """
    fcode, funiq = pd.factorize(p["faculty"], use_na_sentinel=False)
    ccode, cuniq = pd.factorize(p["country"], use_na_sentinel=False)
    n_f, n_c = len(funiq) + 1, len(cuniq) + 1
    value = p["value_eur"].to_numpy(np.float64, na_value=np.nan)
    flags = {
        c: (p[c].isna().to_numpy(bool), p[c].fillna(False).to_numpy(bool))
        for c in ("financial_flows", "data_exchange")
    }
    keys, coefs, weights = [], [], []
    none = np.zeros(len(p), bool)
    for j, (metric, sel, flag, money, weight) in enumerate(specs):  # a few metrics
        lvl = level_unc.get(metric, none) if isinstance(level_unc, Mapping) else level_unc
        mask = np.where(lvl, _F_LEVEL, 0)
        if maybe is not None:
            mask |= np.where(maybe, _F_TARGET, 0)
        keep = sel.copy()
        if flag is not None:
            f_na, f_true = flags[flag]
            keep &= f_true | f_na
            mask |= np.where(f_na, _F_FLOW if flag == "financial_flows" else _F_DATA, 0)
        coef = np.ones(len(p))
        if money:
            coef = np.where(np.isnan(value), 1.0, value)
            mask |= np.where(np.isnan(value), _F_VALUE, 0)
        idx = np.flatnonzero(keep)
        keys.append(((j * n_f + fcode[idx]) * n_c + ccode[idx]) * _MASK_SPAN + mask[idx])
        share = np.ones(len(idx)) if weight is None else weight[idx]
        coefs.append(coef[idx] * share)
        weights.append(share)
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    inv = inv.reshape(-1)
    total = np.bincount(inv, weights=np.concatenate(coefs) if coefs else None)
    count = np.bincount(
        inv, weights=np.concatenate(weights) if weights else None, minlength=len(uniq)
    ).astype(float)
    mask = uniq % _MASK_SPAN
    rest = uniq // _MASK_SPAN
    country_i, rest = rest % n_c, rest // n_c
    faculty_i, metric_i = rest % n_f, rest // n_f
    names = np.array([m for m, *_ in specs], dtype=object)
    return {
        "metric": names[metric_i] if len(uniq) else np.zeros(0, object),
        "faculty": np.asarray(funiq, dtype=object)[faculty_i],
        "country": np.asarray(cuniq, dtype=object)[country_i],
        "mask": mask.astype(np.int64),
        "c_low": total,
        "c_central": total,
        "c_high": total,
        "n": count,
    }


def _people_terms(
    hc: Mapping[str, np.ndarray],
    metric: str,
    groups: Sequence[str],
    full: set[str],
    share: Mapping[str, float],
    sure: Mapping[str, float] | None = None,
) -> _Terms:
    """People terms: whole countries in ``full``; elsewhere allocated by ``share`` (a range:
    low 0, central headcount × share, high the headcount; a point when ``sure``, the share of
    surely targeted agreements, is 1)."""
    wanted = set(groups)
    rows = np.flatnonzero([g in wanted for g in hc["group"]])
    c = hc["country"][rows]
    s = np.array([1.0 if x in full else share.get(x, 0.0) for x in c], dtype=float)
    sure = share if sure is None else sure
    s_sure = np.array([1.0 if x in full else sure.get(x, 0.0) for x in c], dtype=float)
    keep = (s > 0) | (s_sure > 0)
    h = hc["headcount"][rows]
    point = s_sure >= 1.0
    return _terms(
        metric,
        faculty=hc["faculty"][rows][keep],
        country=c[keep],
        mask=0,
        c_low=np.where(point, h, np.where(np.isnan(h), np.nan, 0.0))[keep],
        c_central=(h * s)[keep],
        c_high=h[keep],
    )


def _terms(
    metric: str | np.ndarray,
    *,
    faculty: np.ndarray,
    country: np.ndarray,
    mask: int,
    c_low: np.ndarray,
    c_central: np.ndarray,
    c_high: np.ndarray,
) -> _Terms:
    """Terms of one metric (or per-row metric names), one headcount cell each."""
    k = len(country)
    return {
        "metric": np.full(k, metric, dtype=object) if isinstance(metric, str) else metric,
        "faculty": np.asarray(faculty, dtype=object),
        "country": np.asarray(country, dtype=object),
        "mask": np.full(k, mask, dtype=np.int64),
        "c_low": np.asarray(c_low, dtype=float),
        "c_central": np.asarray(c_central, dtype=float),
        "c_high": np.asarray(c_high, dtype=float),
        "n": np.ones(k),
    }


def _concat_terms(parts: Sequence[_Terms]) -> _Terms:
    cols = ("metric", "faculty", "country", "mask", *_COEFS, "n")
    if not parts:
        empty = {"metric": object, "faculty": object, "country": object, "mask": np.int64}
        return {c: np.zeros(0, dtype=empty.get(c, float)) for c in cols}
    return {c: np.concatenate([t[c] for t in parts]) for c in cols}
